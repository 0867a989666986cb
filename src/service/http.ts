import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { Deadline } from './deadline.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PostOptions {
  dispatcher: Dispatcher;
  /** Whole-request limit, from the first byte sent to the last byte read. */
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export type PostFailure = { failed: 'network' | 'timeout' | 'oversized' | 'undecodable' | 'aborted'; problem: string };
export type PostResult = HttpResponse | PostFailure;

/**
 * One POST with a hard deadline and a body cap, decoded to text. Never throws: failures come
 * back as `{failed}` with a message free of headers (where the tokens travel).
 */
export async function post(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const deadline = new Deadline(options.timeoutMs, options.signal);
  try {
    const response = await request(url, { method: 'POST', headers, body, signal: deadline.signal, dispatcher: options.dispatcher });
    const raw = await readCapped(response.body, options.maxBytes);
    if (raw === undefined) return { failed: 'oversized', problem: `response larger than ${options.maxBytes} bytes` };
    const text = decode(raw, response.headers['content-encoding'], options.maxBytes);
    if (typeof text !== 'string') return text;
    return { status: response.statusCode, headers: response.headers, body: text };
  } catch (error) {
    if (options.signal?.aborted) return { failed: 'aborted', problem: 'abandoned at shutdown' };
    if (deadline.expired) return { failed: 'timeout', problem: `no complete answer within ${options.timeoutMs} ms` };
    return { failed: 'network', problem: describe(error) };
  } finally {
    deadline.clear();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Compressed bodies are inflated with the same cap, so a gzip bomb stops at maxBytes. */
function decode(raw: Buffer, encoding: string | string[] | undefined, maxBytes: number): string | PostFailure {
  const name = (Array.isArray(encoding) ? encoding[0] : encoding)?.trim().toLowerCase();
  const inflate = name === 'gzip' ? gunzipSync : name === 'deflate' ? inflateSync : name === 'br' ? brotliDecompressSync : undefined;
  if (!inflate) return raw.toString('utf8');
  try {
    return inflate(raw, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    if (error instanceof RangeError) return { failed: 'oversized', problem: `decompressed response larger than ${maxBytes} bytes` };
    return { failed: 'undecodable', problem: `body is not valid ${name}` };
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

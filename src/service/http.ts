import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { exchange, type ExchangeOptions, type Failure } from './exchange.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type PostOptions = ExchangeOptions;
export type PostFailure = Failure;
export type PostResult = HttpResponse | PostFailure;

/**
 * One POST with a hard deadline and a body cap, decoded to text. Never throws: failures come
 * back as `{failed}` with a message free of headers (where the tokens travel).
 */
export async function post(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const response = await exchange(url, headers, body, options);
  if ('failed' in response) return response;
  const text = decode(response.raw, response.headers['content-encoding'], options.maxBytes);
  if (typeof text !== 'string') return text;
  return { status: response.status, headers: response.headers, body: text };
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

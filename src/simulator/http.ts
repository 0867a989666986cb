import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimContext } from './state.js';
import type { SimLogEntry } from './types.js';

export const MAX_REQUEST_BYTES = 64 * 1024;

export class RequestTooLargeError extends Error {}

/** Reads the whole request body as UTF-8; rejects with RequestTooLargeError past MAX_REQUEST_BYTES. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new RequestTooLargeError(`request body over ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Waits, unless the simulator is closing; resolves false when it was aborted. */
export async function pause(ctx: SimContext, ms: number): Promise<boolean> {
  if (ms <= 0) return !ctx.signal.aborted;
  try {
    await sleep(ms, undefined, { signal: ctx.signal });
    return true;
  } catch {
    return false;
  }
}

function record(ctx: SimContext, entry: Omit<SimLogEntry, 'at'>): void {
  ctx.state.log.push({ at: ctx.options.now(), ...entry });
}

/** Destroys the connection without an answer (an RST where the platform allows). */
function resetConnection(res: ServerResponse): void {
  res.socket?.resetAndDestroy();
}

/** HTTP.sys's own 503 page, missing space in the DOCTYPE included. */
export const SERVICE_UNAVAILABLE_PAGE = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
  + '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n'
  + '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
  + '<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n';

export function sendServiceUnavailablePage(res: ServerResponse): void {
  send(res, 503, { 'Content-Type': 'text/html; charset=us-ascii' }, SERVICE_UNAVAILABLE_PAGE);
}

/** A response ready to go: the log entry names the status ('reset' and 'hang' send nothing). */
export interface Reply {
  entry: Omit<SimLogEntry, 'at'>;
  headers?: OutgoingHttpHeaders;
  body?: string;
}

/** Logs the reply at once (arrival order), then answers after delayMs. */
export async function deliver(ctx: SimContext, res: ServerResponse, reply: Reply, delayMs: number): Promise<void> {
  record(ctx, reply.entry);
  const status = reply.entry.httpStatus;
  if (status === 'hang') return;
  if (!(await pause(ctx, delayMs))) return;
  if (status === 'reset') resetConnection(res);
  else send(res, status, reply.headers ?? {}, reply.body ?? '');
}

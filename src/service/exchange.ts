import type { Dispatcher } from 'undici';
import { onStop } from '../on-stop.js';

export type Failure = { failed: 'network' | 'timeout' | 'oversized' | 'undecodable' | 'aborted'; problem: string };

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export interface ExchangeOptions {
  dispatcher: Dispatcher;
  /** Whole-exchange limit, from the request being queued to the last byte read. */
  timeoutMs: number;
  /** Largest body accepted, in bytes on the wire. */
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * One POST through undici's dispatch API: the body gathered straight from the socket's chunks,
 * capped, under one timer. (`request()` wraps every body in a stream and needs an AbortSignal
 * per request: together more CPU than the rest of a user's check.) Settles exactly once, at
 * the deadline at the latest; never rejects.
 */
export function exchange(url: string, headers: Record<string, string>, body: string, options: ExchangeOptions): Promise<RawResponse | Failure> {
  return new Promise((resolve) => new Exchange(resolve, options).start(url, headers, body));
}

class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private timer: NodeJS.Timeout | undefined;
  private forgetStop: (() => void) | undefined;

  constructor(
    private readonly settle: (result: RawResponse | Failure) => void,
    private readonly options: ExchangeOptions,
  ) {}

  start(url: string, headers: Record<string, string>, body: string): void {
    const { signal, timeoutMs } = this.options;
    if (signal?.aborted) return this.finish(ABANDONED);
    this.timer = setTimeout(() => this.finish({ failed: 'timeout', problem: `no complete answer within ${timeoutMs} ms` }), timeoutMs);
    if (signal) this.forgetStop = onStop(signal, () => this.finish(ABANDONED));
    const { origin, path } = target(url);
    this.options.dispatcher.dispatch({ origin, path, method: 'POST', headers, body }, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('request abandoned'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) this.finish({ failed: 'oversized', problem: `response larger than ${this.options.maxBytes} bytes` });
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.finish({ status: this.status, headers: this.headers, raw: Buffer.concat(this.chunks, this.size) });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finish({ failed: 'network', problem: describe(error) });
  }

  /** The first result wins; a request still under way is then abandoned. */
  private finish(result: RawResponse | Failure): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.forgetStop?.();
    this.chunks.length = 0;
    if ('failed' in result) this.controller?.abort(new Error('request abandoned'));
    this.settle(result);
  }
}

const ABANDONED: Failure = { failed: 'aborted', problem: 'abandoned at shutdown' };

let lastUrl = '';
let lastTarget = { origin: '', path: '' };

/** The run posts to one or two URLs: parse each once. */
function target(url: string): { origin: string; path: string } {
  if (url !== lastUrl) {
    const parsed = new URL(url);
    lastTarget = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    lastUrl = url;
  }
  return lastTarget;
}

/** The error's code and message: undici's messages never carry request headers (where the tokens travel). */
function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

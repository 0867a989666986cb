import { UsageError } from '../errors.js';

export type Transport = 'soap' | 'rest';
export type LogFormat = 'text' | 'json';

/** Everything `run` needs, validated. Defaults live in DEFAULTS, documented in README. */
export interface RunOptions {
  input: string;
  output: string;
  report?: string;
  /** Origin of the service, e.g. https://clientcenter.api.bingads.microsoft.com */
  endpoint: string;
  transport: Transport;
  tokenUrl: string;
  developerToken: string;
  clientId?: string;
  clientSecret?: string;
  concurrency: number;
  /** Requests per second across the run; 0 = unlimited. */
  rate: number;
  retries: number;
  timeout: number;
  retryDelay: number;
  throttleWait: number;
  resume: boolean;
  tokensOut?: string;
  groupBy?: string;
  sample?: number;
  seed?: string;
  shard?: { index: number; count: number };
  history?: string;
  dryRun: boolean;
  logFormat: LogFormat;
  /** Contract column name → header in the input file. */
  columns: Record<string, string>;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  /** After SIGINT/SIGTERM, how long requests in flight may take to finish. */
  shutdownGrace: number;
}

export const ENDPOINTS = {
  production: 'https://clientcenter.api.bingads.microsoft.com',
  sandbox: 'https://clientcenter.api.sandbox.bingads.microsoft.com',
} as const;

export const DEFAULT_TOKEN_URL = 'https://login.microsoftonline.com/common/oauth2/v2.0/token';

export const DEFAULTS = {
  endpoint: 'production',
  transport: 'soap',
  tokenUrl: DEFAULT_TOKEN_URL,
  concurrency: 8,
  rate: 10,
  retries: 3,
  timeout: 30_000,
  retryDelay: 1_000,
  throttleWait: 60_000,
  resume: false,
  dryRun: false,
  logFormat: 'text',
  maxResponseBytes: 1 << 20,
  shutdownGrace: 5_000,
} as const satisfies Partial<Record<keyof RunOptions, unknown>>;

export const MAX_RETRY_DELAY_MS = 60_000;

/** Checks every value at once and reports all problems in one UsageError. */
export function checkRunOptions(options: RunOptions): RunOptions {
  const problems = [
    integer('--concurrency', options.concurrency, 1, 1024),
    number('--rate', options.rate, 0),
    integer('--retries', options.retries, 0, 100),
    integer('--timeout', options.timeout, 1),
    integer('--retry-delay', options.retryDelay, 0, MAX_RETRY_DELAY_MS),
    integer('--throttle-wait', options.throttleWait, 0),
    options.sample === undefined ? undefined : integer('--sample', options.sample, 1),
    options.sample !== undefined && options.shard ? '--sample, --shard: use one or the other (a sample is small enough for one job)' : undefined,
    options.history !== undefined && options.report === undefined ? '--history: needs --report (the trend is written into the report)' : undefined,
    options.report !== undefined && /\.(md|html?)$/i.test(options.report) ? `--report: the JSON path, e.g. report.json (report.md and report.html are written beside it), got ${JSON.stringify(options.report)}` : undefined,
    options.developerToken || options.dryRun ? undefined : '--developer-token: required (or MFA_ADOPTION_DEVELOPER_TOKEN, or --developer-token-file)',
    checkUrl('--endpoint', options.endpoint),
    checkUrl('--token-url', options.tokenUrl),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return options;
}

export function resolveEndpoint(value: string): string {
  const named = ENDPOINTS[value as keyof typeof ENDPOINTS];
  return (named ?? value).replace(/\/+$/, '');
}

function integer(flag: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  return `${flag}: expected an integer ${range}, got ${JSON.stringify(value)}`;
}

function number(flag: string, value: number, min: number): string | undefined {
  if (Number.isFinite(value) && value >= min) return undefined;
  return `${flag}: expected a number ≥ ${min}, got ${JSON.stringify(value)}`;
}

/** https only, except for loopback hosts (the simulator, tests). */
function checkUrl(flag: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${flag}: expected production, sandbox or a URL, got ${JSON.stringify(value)}`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  return `${flag}: must be https unless its host is loopback, got ${JSON.stringify(url.origin)}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

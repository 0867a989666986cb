import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { checkRunOptions, DEFAULTS, resolveEndpoint, type RunOptions } from '../job/options.js';

/** The `run` flags, with defaults and help. Every flag also reads MFA_ADOPTION_<FLAG>. */
export function runFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('input', { type: 'string', demandOption: true, describe: 'token CSV (user_id, access_token and/or refresh_token, expires_at, …)' })
    .option('output', { type: 'string', demandOption: true, describe: 'per-user results CSV (the run\'s journal)' })
    .option('report', { type: 'string', describe: 'aggregate report as JSON; report.md and report.html are written beside it' })
    .option('endpoint', { type: 'string', default: DEFAULTS.endpoint, describe: 'production, sandbox, or the service origin URL' })
    .option('transport', { choices: ['soap', 'rest'] as const, default: DEFAULTS.transport, describe: 'SOAP (default) or the REST/JSON form' })
    .option('token-url', { type: 'string', default: DEFAULTS.tokenUrl, describe: 'OAuth token endpoint' })
    .option('developer-token', { type: 'string', describe: 'the app\'s developer token (prefer the environment or --developer-token-file)' })
    .option('developer-token-file', { type: 'string', describe: 'read the developer token from this file' })
    .option('client-id', { type: 'string', describe: 'OAuth client (application) id, to refresh access tokens' })
    .option('client-secret', { type: 'string', describe: 'OAuth client secret, web apps only (prefer the environment or --client-secret-file)' })
    .option('client-secret-file', { type: 'string', describe: 'read the client secret from this file' })
    .option('concurrency', { type: 'number', default: DEFAULTS.concurrency, describe: 'requests in flight at most' })
    .option('rate', { type: 'number', default: DEFAULTS.rate, describe: 'requests per second at most, whole run (0 = unlimited)' })
    .option('retries', { type: 'number', default: DEFAULTS.retries, describe: 'retries per user for transient failures' })
    .option('timeout', { type: 'number', default: DEFAULTS.timeout, describe: 'ms per request, from send to last byte' })
    .option('retry-delay', { type: 'number', default: DEFAULTS.retryDelay, describe: 'ms, base of the exponential backoff with full jitter (cap 60000)' })
    .option('throttle-wait', { type: 'number', default: DEFAULTS.throttleWait, describe: 'ms the whole queue pauses after 117 / 429 without Retry-After' })
    .option('resume', { type: 'boolean', default: DEFAULTS.resume, describe: 'continue a run whose results file exists' })
    .option('tokens-out', { type: 'string', describe: 'write the token file with rotated refresh tokens here (0600, atomic)' })
    .option('group-by', { type: 'string', describe: 'break the report down by this input column' })
    .option('sample', { type: 'number', describe: 'check a uniform random sample of N users and estimate with a confidence interval' })
    .option('seed', { type: 'string', default: '1', describe: 'seed for --sample (same seed and input → same users)' })
    .option('shard', { type: 'string', describe: 'K/N: check only the users whose user_id hashes to shard K of N (K from 0)' })
    .option('history', { type: 'string', describe: 'JSON Lines file: append this run\'s aggregate, report the trend' })
    .option('column', { type: 'string', array: true, describe: 'rename an input column: NAME=HEADER, e.g. user_id=Email (repeatable)' })
    .option('dry-run', { type: 'boolean', default: DEFAULTS.dryRun, describe: 'validate the input and print the plan; send nothing' })
    .option('log-format', { choices: ['text', 'json'] as const, default: DEFAULTS.logFormat, describe: 'logs on stderr' })
    .option('max-response-bytes', { type: 'number', default: DEFAULTS.maxResponseBytes, describe: 'largest response body accepted' })
    .epilogue('Every flag may also come from the environment as MFA_ADOPTION_<FLAG> (--rate → MFA_ADOPTION_RATE); secrets should. Exit codes: 0 complete, 75 not final or locked (rerun with --resume), 2 bad usage or input, 78 configuration refused, 130 interrupted, 1 bug.')
    .option('shutdown-grace', { type: 'number', default: DEFAULTS.shutdownGrace, describe: 'ms requests in flight may take to finish after SIGINT/SIGTERM' });
}

export type RunArgs = ReturnType<typeof runFlags>;
type ParsedRunArgs = Awaited<RunArgs['argv']>;

/** Flags → validated RunOptions. Secrets come from flags, files or the environment. */
export function toRunOptions(args: ParsedRunArgs, warn: (message: string) => void, argv: string[]): RunOptions {
  for (const flag of ['--developer-token', '--client-secret']) {
    if (argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`))) {
      warn(`${flag} on the command line shows up in ps and shell history; prefer MFA_ADOPTION_${flag.slice(2).replace(/-/g, '_').toUpperCase()} or ${flag}-file`);
    }
  }
  return checkRunOptions({
    input: args.input,
    output: args.output,
    report: args.report,
    endpoint: resolveEndpoint(args.endpoint),
    transport: args.transport,
    tokenUrl: args['token-url'],
    developerToken: secret(args['developer-token'], args['developer-token-file'], '--developer-token-file') ?? '',
    clientId: args['client-id'],
    clientSecret: secret(args['client-secret'], args['client-secret-file'], '--client-secret-file'),
    concurrency: args.concurrency,
    rate: args.rate,
    retries: args.retries,
    timeout: args.timeout,
    retryDelay: args['retry-delay'],
    throttleWait: args['throttle-wait'],
    resume: args.resume,
    tokensOut: args['tokens-out'],
    groupBy: args['group-by'],
    sample: args.sample,
    seed: args.seed,
    shard: parseShard(args.shard),
    history: args.history,
    dryRun: args['dry-run'],
    logFormat: args['log-format'],
    columns: parseRenames(args.column ?? []),
    maxResponseBytes: args['max-response-bytes'],
    shutdownGrace: args['shutdown-grace'],
  });
}

function secret(value: string | undefined, file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return value;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function parseRenames(pairs: string[]): Record<string, string> {
  const renames: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^(user_id|access_token|refresh_token|expires_at)=(.+)$/.exec(pair);
    if (!match?.[1] || !match[2]) throw new UsageError(`--column: expected NAME=HEADER with NAME one of user_id, access_token, refresh_token, expires_at; got ${JSON.stringify(pair)}`);
    renames[match[1]] = match[2];
  }
  return renames;
}

function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new UsageError(`--shard: expected K/N with 0 ≤ K < N, got ${JSON.stringify(value)}`);
  return { index, count };
}

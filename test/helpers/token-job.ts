import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { Clock } from '../../src/clock.js';
import { checkRunOptions, DEFAULTS, type RunOptions } from '../../src/job/options.js';
import { runJob, type JobSummary } from '../../src/job/run-job.js';
import type { Simulator } from '../../src/simulator/server.js';
import { DEVELOPER_TOKEN } from './job-args.js';
import { seeded } from './cli-process.js';

export const CLIENT_ID = 'client-for-tests-1b7e';

export interface TokenRow {
  user: string;
  at?: string;
  rt?: string;
  /** expires_at cell, written as is. */
  exp?: string;
  /** An extra column kept by the job, to check --tokens-out keeps every column. */
  region?: string;
}

/** Writes user_id,access_token,refresh_token,expires_at,region. */
export async function writeTokenCsv(path: string, rows: TokenRow[]): Promise<void> {
  const lines = rows.map((row) => [row.user, row.at ?? '', row.rt ?? '', row.exp ?? '', row.region ?? 'emea'].join(','));
  await writeFile(path, ['user_id,access_token,refresh_token,expires_at,region', ...lines].join('\n') + '\n');
}

/** A CSV file as records keyed by header. */
export function readCsv(path: string): Array<Record<string, string>> {
  return parse(readFileSync(path, 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
}

/** A clock whose time the test sets; a sleep moves it forward instead of waiting. */
export class SetClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = Date.UTC(2026, 2, 1, 6, 0, 0)) {}
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
}

/** `run` options for dir/tokens.csv → dir/results.csv against the simulator, refreshing as CLIENT_ID. */
export function jobOptions(dir: string, sim: Simulator, overrides: Partial<RunOptions> = {}): RunOptions {
  return checkRunOptions({
    ...DEFAULTS,
    input: join(dir, 'tokens.csv'),
    output: join(dir, 'results.csv'),
    endpoint: sim.url,
    tokenUrl: sim.tokenUrl,
    developerToken: DEVELOPER_TOKEN,
    clientId: CLIENT_ID,
    concurrency: 4,
    rate: 0,
    retries: 2,
    retryDelay: 5,
    throttleWait: 20,
    timeout: 10_000,
    columns: {},
    ...overrides,
  });
}

/** Runs the job in this process; returns its summary and everything it logged. */
export async function runJobIn(options: RunOptions, clock: Clock): Promise<{ summary: JobSummary; log: string }> {
  let log = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  const summary = await runJob(options, { clock, random: seeded(7), stdout: sink, stderr: sink, isTTY: false });
  return { summary, log };
}

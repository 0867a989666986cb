import { join } from 'node:path';
import type { Simulator } from '../../src/simulator/server.js';

/** The developer token end-to-end tests pass, through the environment as cron would. */
export const DEVELOPER_TOKEN = 'dev-token-for-tests-7Qm2';
export const JOB_ENV = { MFA_ADOPTION_DEVELOPER_TOKEN: DEVELOPER_TOKEN };

/**
 * `run` arguments for dir/tokens.csv → dir/results.csv + dir/report.json against the simulator,
 * with waits shortened so that retries and throttle pauses take milliseconds. `flags` override
 * or add flags (`{ concurrency: '2' }`); `true` stands for a flag without value (`{ resume: true }`).
 */
export function jobArgs(dir: string, sim: Simulator, flags: Record<string, string | true> = {}): string[] {
  const all: Record<string, string | true> = {
    input: join(dir, 'tokens.csv'),
    output: join(dir, 'results.csv'),
    report: join(dir, 'report.json'),
    endpoint: sim.url,
    concurrency: '8',
    rate: '0',
    retries: '1',
    'retry-delay': '5',
    'throttle-wait': '20',
    timeout: '10000',
    ...flags,
  };
  return ['run', ...Object.entries(all).flatMap(([flag, value]) => (value === true ? [`--${flag}`] : [`--${flag}`, value]))];
}

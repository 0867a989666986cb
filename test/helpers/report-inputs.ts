import { readFile, writeFile } from 'node:fs/promises';
import type { Report } from '../../src/report/build-report.js';
import { userId } from './cli-process.js';

/** Regions of the grouped token files; the last one is hostile markup, to check escaping end to end. */
export const REGIONS = ['emea', 'amer', 'apac', '<b>&x'] as const;

/** After ten clean answers (so the configuration breaker settles), a mix of every kind of final outcome. */
const MIXED = ['', '', '', '', 'mfa', 'nomfa', 'e106', 'e0x1', 'e117x1', 'mfa'];

/**
 * Writes `user_id,access_token,refresh_token,region` for `users` users (u0001…), then one
 * invalid row (no token) and one duplicate of u0001. `determinedOnly`: every user answers
 * (mfa, nomfa or the simulator's hashed status), so nobody stays undetermined.
 */
export async function writeGroupedTokens(path: string, users: number, options: { determinedOnly?: boolean } = {}): Promise<void> {
  const lines = ['user_id,access_token,refresh_token,region'];
  for (let i = 0; i < users; i++) {
    const persona = i < 10 ? (i % 2 === 0 ? 'mfa' : 'nomfa') : options.determinedOnly ? ['mfa', 'nomfa', ''][i % 3] : MIXED[i % MIXED.length];
    lines.push(`${userId(i)},at.${persona}.${userId(i)}.tail${i},,${REGIONS[i % REGIONS.length]}`);
  }
  lines.push('bad0001,,,emea', `${userId(0)},at.mfa.${userId(0)}.again,,amer`);
  await writeFile(path, lines.join('\n') + '\n');
}

export async function readReport(path: string): Promise<Report> {
  return JSON.parse(await readFile(path, 'utf8')) as Report;
}

/** A report without what differs between two runs of the same figures: timings, endpoint, tool. */
export function figuresOf(report: Report): Omit<Report, 'run' | 'tool'> & { complete: boolean } {
  const { run, tool: _tool, ...figures } = report;
  return { ...figures, complete: run.complete };
}

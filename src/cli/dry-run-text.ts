import type { RunOptions } from '../job/options.js';
import type { JobSummary } from '../job/run-job.js';
import { formatDuration } from '../log/progress.js';

/** What `run --dry-run` prints: the input's counts and how long the run would take at least. */
export function dryRunText(summary: JobSummary, options: Pick<RunOptions, 'input' | 'output' | 'rate' | 'concurrency' | 'resume'>): string {
  const { input, plan } = summary;
  const users = plan?.users ?? input.users;
  const toCheck = Math.max(0, users - (plan?.alreadyFinal ?? 0));
  return [
    `dry run of ${options.input}: nothing was sent, nothing written`,
    `rows: ${input.rows} (${input.users} users, ${input.invalidRows} invalid rows, ${input.duplicateRows} duplicate rows)`,
    plan?.alreadyFinal ? `resume: ${plan.alreadyFinal} users already final in ${options.output} are kept` : undefined,
    `to check: ${toCheck} users`,
    `expected duration: ${expectedDuration(toCheck, options)}`,
    plan?.outputExists && !options.resume ? `note: ${options.output} exists; the run needs --resume (or remove the file)` : undefined,
    '',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

/** One request per user at best; retries and throttle pauses only add to it. */
function expectedDuration(users: number, { rate, concurrency }: Pick<RunOptions, 'rate' | 'concurrency'>): string {
  if (users === 0) return 'none';
  if (rate > 0) {
    return `at least ${formatDuration((users / rate) * 1000)} (${users} requests at --rate ${rate}/s, up to ${concurrency} in flight); retries and throttle pauses add to it`;
  }
  return `not bounded by --rate (0 = unlimited): --concurrency ${concurrency} and the service's response time bound it, e.g. about ${formatDuration((users * 250) / concurrency)} at 250 ms per answer`;
}

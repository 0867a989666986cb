import type { JobSummary } from '../job/run-job.js';
import { headline, pct } from './markdown.js';

/** The short summary a person (or cron mail) reads on stdout. */
export function summaryText(summary: Pick<JobSummary, 'report' | 'outputs'>): string {
  const { report, outputs } = summary;
  if (!report) return '';
  const { users, adoption } = report;
  return [
    `MFA adoption: ${headline(adoption)}; bounds ${pct(adoption.lowerBoundPercent)} – ${pct(adoption.upperBoundPercent)}`,
    `users: ${users.eligible} eligible, ${users.mfaEnabled} with MFA, ${users.mfaDisabled} without, ${users.undetermined} undetermined` +
      (users.reconsentRequired > 0 ? `, ${users.reconsentRequired} must consent again` : ''),
    `run: ${report.run.complete ? 'complete' : 'not complete: rerun with --resume'}; ${report.calls.requests} requests, ${report.calls.retries} retries`,
    ...outputs.map((path) => `wrote ${path}`),
    '',
  ].join('\n');
}

import { OUTCOMES } from '../outcomes.js';
import type { Adoption } from './stats.js';
import { groupsLargestFirst, type Report } from './build-report.js';
import { intervalsOverlap, type Trend } from './history.js';

export const NOISE = 'The two runs\' 95 % intervals overlap: the change may be noise.';

/** The report as Markdown, for people: headline, bounds, outcomes, what to do next. */
export function renderMarkdown(report: Report): string {
  const { users, run } = report;
  const lines = [
    `# MFA adoption report`,
    '',
    `${run.complete ? 'Complete run' : '**Incomplete run** (rerun with `--resume`)'} over ${users.eligible} users, ` +
      `${run.transport.toUpperCase()} against ${run.endpoint}, finished ${run.finishedAt}.`,
    '',
    `## Adoption: ${headline(report.adoption)}`,
    '',
    `- ${users.mfaEnabled} users passed MFA, ${users.mfaDisabled} did not, ${users.undetermined} could not be determined.`,
    `- Whatever the undetermined users turn out to be, adoption lies between **${pct(report.adoption.lowerBoundPercent)}** and **${pct(report.adoption.upperBoundPercent)}**.`,
    ...(report.sample ? [`- Estimated from a random sample of ${report.sample.size} of ${report.sample.population} users (seed \`${report.sample.seed}\`); the interval includes the finite population correction.`] : []),
    ...(report.shard ? [`- Shard ${report.shard.index} of ${report.shard.count} (users whose user_id hashes to it); merge the shards with \`mfa-adoption report merge\`.`] : []),
    ...(report.trend ? [`- ${change(report.trend)}`] : []),
    '',
    `> ${report.semantics}`,
    '',
    '## Outcomes',
    '',
    '| outcome | users |',
    '|---|---:|',
    ...OUTCOMES.filter((o) => users.byOutcome[o] > 0).map((o) => `| ${o} | ${users.byOutcome[o]} |`),
    '',
    ...nextSteps(report),
    ...groupTable(report),
    ...trendTable(report.trend),
    '## Calls',
    '',
    `${report.calls.requests} requests, ${report.calls.retries} retries, ${report.calls.throttled} throttle pauses, ` +
      `${report.calls.tokenRefreshes} token refreshes, in ${(run.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}

export function headline(adoption: Adoption): string {
  if (adoption.percent === null || adoption.ci95 === null) return 'not determined (no user answered)';
  return `${pct(adoption.percent)} (95 % CI ${pct(adoption.ci95[0])} – ${pct(adoption.ci95[1])})`;
}

export function pct(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} %`;
}

function nextSteps(report: Report): string[] {
  const { byOutcome } = report.users;
  const steps: string[] = [];
  if (byOutcome.reconsent_required > 0) steps.push(`- ${byOutcome.reconsent_required} users must grant consent again (their refresh token was refused, or lacks the \`msads.manage\` scope): send them through your app's sign-in flow; the results file lists them with outcome \`reconsent_required\`.`);
  if (byOutcome.auth_failed > 0) steps.push(`- ${byOutcome.auth_failed} users were refused by the service (see \`error_code\` in the results; keep the tracking id when asking Microsoft support).`);
  const transient = byOutcome.throttled + byOutcome.server_error + byOutcome.network_error + byOutcome.protocol_error;
  if (transient > 0) steps.push(`- ${transient} users are not final (throttled, server, network or protocol errors): run again with \`--resume\` to check only them.`);
  if (byOutcome.invalid_row + byOutcome.duplicate > 0) steps.push(`- ${byOutcome.invalid_row + byOutcome.duplicate} input rows were unusable or duplicates: fix the token file.`);
  return steps.length > 0 ? ['## What to do', '', ...steps, ''] : [];
}

function groupTable(report: Report): string[] {
  if (!report.groups) return [];
  const rows = groupsLargestFirst(report.groups).map(
    ([name, g]) => `| ${escapeCell(name || '(empty)')} | ${g.users} | ${headline(g.adoption)}${g.tooSmall ? ' — too small to conclude' : ''} | ${pct(g.adoption.lowerBoundPercent)} – ${pct(g.adoption.upperBoundPercent)} |`,
  );
  return ['## By group', '', `| ${escapeCell(report.groupBy ?? 'group')} | users | adoption | bounds |`, '|---|---:|---|---|', ...rows, ''];
}

/** The change since the previous run, in words. */
export function change(trend: Trend): string {
  const { previous, deltaPercentPoints: delta } = trend;
  if (!previous) return 'First run in the history: no trend yet.';
  if (delta === null) return `Previous run (${previous.finishedAt}): ${pct(previous.percent)}; no change can be computed.`;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return `Change since the previous run (${previous.finishedAt}, ${pct(previous.percent)}): **${sign}${Math.abs(delta).toFixed(2)} percentage points**.${intervalsOverlap(trend) ? ` ${NOISE}` : ''}`;
}

/** The latest runs of the history; the HTML report charts all of them. */
const TREND_ROWS = 12;

function trendTable(trend: Trend | undefined): string[] {
  if (!trend) return [];
  const shown = trend.points.slice(-TREND_ROWS);
  const rows = shown.map(
    (p) => `| ${p.finishedAt}${p.complete ? '' : ' (incomplete)'} | ${p.eligible} | ${headline({ ...p, lowerBoundPercent: null, upperBoundPercent: null })} | ${pct(p.lowerBoundPercent)} – ${pct(p.upperBoundPercent)} |`,
  );
  const more = trend.points.length > shown.length ? [`The last ${shown.length} of ${trend.points.length} runs.`, ''] : [];
  return ['## Trend', '', ...more, '| finished | users | adoption | bounds |', '|---|---:|---|---|', ...rows, ''];
}

function escapeCell(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
}

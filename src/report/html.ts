import { groupsLargestFirst, type GroupFigures, type Report } from './build-report.js';
import { intervalsOverlap, type Trend } from './history.js';
import { dataValue, escapeHtml, outcomeBars, rangeBar, trendChart } from './html-charts.js';
import { STYLE } from './html-style.js';
import { headline, NOISE, pct } from './markdown.js';
import type { Adoption } from './stats.js';

/** Groups charted at most; the JSON and Markdown list them all. */
export const MAX_HTML_GROUPS = 100;
const TREND_ROWS = 12;

/**
 * The report as one self-contained page: inline CSS and SVG, no script, no network (its
 * Content-Security-Policy forbids both). Every figure also sits in an element id or data
 * attribute holding the JSON's number, so the page can be checked against the JSON.
 */
export function renderHtml(report: Report): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>MFA adoption: ${escapeHtml(headline(report.adoption))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(report),
    adoptionSection(report),
    ...(report.trend ? [trendSection(report.trend)] : []),
    `<section id="outcomes">\n<h2>Outcomes</h2>\n${outcomeBars(report.users.byOutcome)}\n</section>`,
    ...(report.groups ? [groupsSection(report.groupBy ?? 'group', report.groups)] : []),
    callsSection(report),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: Report): string {
  const { run, users, sample, shard } = report;
  const state = run.complete ? 'Complete run' : '<strong>Incomplete run</strong> (rerun with <code>--resume</code>)';
  const lines = [`${state} over ${users.eligible} users, ${run.transport.toUpperCase()} against ${escapeHtml(run.endpoint)}, finished ${escapeHtml(shortTime(run.finishedAt))}.`];
  if (sample) lines.push(`Estimated from a random sample of <span id="sample-size" data-value="${sample.size}">${sample.size}</span> of <span id="sample-population" data-value="${sample.population}">${sample.population}</span> users (seed <code>${escapeHtml(sample.seed)}</code>); the interval includes the finite population correction.`);
  if (shard) lines.push(`Shard ${shard.index} of ${shard.count}: the users whose user_id hashes to it. Merge all shards with <code>mfa-adoption report merge</code>.`);
  return `<header>\n<h1>MFA adoption report</h1>\n${lines.map((line) => `<p class="muted">${line}</p>`).join('\n')}\n</header>`;
}

function adoptionSection(report: Report): string {
  const { adoption, users } = report;
  const interval = adoption.ci95 ? `95 % confidence interval ${figure('ci-low', adoption.ci95[0])} – ${figure('ci-high', adoption.ci95[1])}` : 'No interval: no user was determined.';
  return [
    '<section id="adoption">',
    '<h2>Adoption</h2>',
    `<p class="big">${figure('percent', adoption.percent, adoption.percent === null ? 'not determined' : undefined)}</p>`,
    `<p>${interval}</p>`,
    `<p>Whatever the undetermined users turn out to be, adoption lies between ${figure('lower-bound', adoption.lowerBoundPercent)} and ${figure('upper-bound', adoption.upperBoundPercent)}.</p>`,
    rangeBar(adoption, `adoption ${headline(adoption)}`),
    '<div class="scale"><span>0 %</span><span>50 %</span><span>100 %</span></div>',
    LEGEND,
    '<dl class="stats">',
    stat('eligible', 'users checked', users.eligible),
    stat('mfa-enabled', 'passed MFA', users.mfaEnabled),
    stat('mfa-disabled', 'did not', users.mfaDisabled),
    stat('undetermined', 'undetermined', users.undetermined),
    stat('reconsent-required', 'must consent again', users.reconsentRequired),
    '</dl>',
    `<blockquote>${escapeHtml(report.semantics)}</blockquote>`,
    '</section>',
  ].join('\n');
}

const LEGEND = '<p class="legend"><i class="swatch-point"></i>estimate<i class="swatch-ci"></i>95 % interval<i class="swatch-band"></i>bounds</p>';

function figure(id: string, value: number | null, text?: string): string {
  return `<span id="${id}" data-value="${dataValue(value)}">${escapeHtml(text ?? pct(value))}</span>`;
}

function stat(id: string, label: string, value: number): string {
  return `<div><dt>${label}</dt><dd id="${id}" data-value="${value}">${value}</dd></div>`;
}

function trendSection(trend: Trend): string {
  const delta = trend.deltaPercentPoints;
  const rows = trend.points.slice(-TREND_ROWS).map((p) => `<tr><td>${escapeHtml(shortTime(p.finishedAt))}${p.complete ? '' : ' (incomplete)'}</td><td>${p.eligible}</td><td>${escapeHtml(headline(asAdoption(p)))}</td></tr>`);
  return [
    `<section id="trend" data-points="${trend.points.length}">`,
    '<h2>Trend</h2>',
    `<p id="delta" data-value="${dataValue(delta)}">${changeSincePrevious(trend)}</p>`,
    trendChart(trend.points),
    `<div class="scroll"><table><thead><tr><th>finished</th><th>users</th><th>adoption</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    '</section>',
  ].join('\n');
}

function changeSincePrevious(trend: Trend): string {
  const { previous, deltaPercentPoints: delta } = trend;
  if (!previous) return 'First run in the history: no trend yet.';
  const since = `since the previous run (${escapeHtml(shortTime(previous.finishedAt))}, ${pct(previous.percent)}).`;
  if (delta === null) return `No change can be computed ${since}`;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const noise = intervalsOverlap(trend) ? ` ${escapeHtml(NOISE)}` : '';
  return `<strong>${sign}${Math.abs(delta).toFixed(2)} percentage points</strong> ${since}${noise}`;
}

/** `2024-05-01T06:00:12.345Z` → `2024-05-01 06:00 UTC`; anything else as it is. */
function shortTime(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)[^Z]*Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

function asAdoption(point: Trend['points'][number]): Adoption {
  return { percent: point.percent, ci95: point.ci95, lowerBoundPercent: point.lowerBoundPercent, upperBoundPercent: point.upperBoundPercent };
}

function groupsSection(column: string, groups: Record<string, GroupFigures>): string {
  const entries = groupsLargestFirst(groups);
  const shown = entries.slice(0, MAX_HTML_GROUPS);
  const more = entries.length > shown.length ? `<p class="muted">The ${shown.length} largest of ${entries.length} groups; the JSON and Markdown reports list them all.</p>` : '';
  return [`<section id="groups">`, `<h2>By ${escapeHtml(column)}</h2>`, LEGEND, ...shown.map(([name, g]) => groupRow(name, g)), more, '</section>'].join('\n');
}

function groupRow(name: string, group: GroupFigures): string {
  const { adoption: a } = group;
  const data = `data-group="${escapeHtml(name)}" data-users="${group.users}" data-percent="${dataValue(a.percent)}" data-ci-low="${dataValue(a.ci95?.[0] ?? null)}" data-ci-high="${dataValue(a.ci95?.[1] ?? null)}" data-lower-bound="${dataValue(a.lowerBoundPercent)}" data-upper-bound="${dataValue(a.upperBoundPercent)}" data-too-small="${group.tooSmall}"`;
  const label = escapeHtml(name === '' ? '(empty)' : name);
  const flag = group.tooSmall ? ' · <span class="flag">too small to conclude</span>' : '';
  const detail = `${group.users} users · ${escapeHtml(headline(a))} · bounds ${pct(a.lowerBoundPercent)} – ${pct(a.upperBoundPercent)}${flag}`;
  return `<div class="row" ${data}><span class="label">${label}</span>${rangeBar(a, `${name}: ${headline(a)}`)}<span class="num">${pct(a.percent)}</span><span class="detail">${detail}</span></div>`;
}

function callsSection(report: Report): string {
  const { calls, run, tool } = report;
  return `<section id="calls">\n<h2>Calls</h2>\n<p>${calls.requests} requests, ${calls.retries} retries, ${calls.throttled} throttle pauses, ${calls.tokenRefreshes} token refreshes, in ${(run.durationMs / 1000).toFixed(1)} s.</p>\n<p class="muted">${escapeHtml(`${tool.name} ${tool.version}`)}</p>\n</section>`;
}

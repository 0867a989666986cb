import { OUTCOMES, type Outcome } from '../outcomes.js';
import type { HistoryEntry } from './history.js';
import type { Adoption } from './stats.js';

/** Every text and attribute value of the page goes through this: user ids and group values are user input. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A figure as a data attribute value: the JSON number, or empty for null. */
export function dataValue(value: number | null): string {
  return value === null ? '' : String(value);
}

const OUTCOME_CLASS: Record<Outcome, string> = {
  ok: 'good',
  reconsent_required: 'warn',
  auth_failed: 'warn',
  throttled: 'bad',
  server_error: 'bad',
  network_error: 'bad',
  protocol_error: 'bad',
  invalid_row: 'idle',
  duplicate: 'idle',
};

/** Outcomes with at least one user, as horizontal bars scaled to the largest. */
export function outcomeBars(byOutcome: Record<Outcome, number>): string {
  const shown = OUTCOMES.filter((outcome) => byOutcome[outcome] > 0);
  const largest = Math.max(1, ...shown.map((outcome) => byOutcome[outcome]));
  return shown
    .map((outcome) => {
      const count = byOutcome[outcome];
      const bar = `<rect class="${OUTCOME_CLASS[outcome]}" x="0" y="0" width="${svgNumber((100 * count) / largest)}" height="10"/>`;
      return `<div class="row" data-outcome="${outcome}" data-count="${count}"><span class="label">${outcome}</span>${svg('bar', '0 0 100 10', bar, `${outcome}: ${count}`)}<span class="num">${count}</span></div>`;
    })
    .join('\n');
}

/** On a 0–100 % track: the bounds as a band, the 95 % interval as a whisker, the estimate as a mark. */
export function rangeBar(adoption: Adoption, label: string): string {
  const { percent, ci95, lowerBoundPercent: lower, upperBoundPercent: upper } = adoption;
  const parts = ['<rect class="track" x="0" y="0" width="100" height="12"/>'];
  if (lower !== null && upper !== null) parts.push(`<rect class="bounds" x="${svgNumber(lower)}" y="2" width="${svgNumber(upper - lower)}" height="8"/>`);
  if (ci95) {
    const [low, high] = ci95.map(svgNumber);
    parts.push(`<path class="ci" d="M${low} 6H${high}M${low} 3V9M${high} 3V9"/>`);
  }
  if (percent !== null) parts.push(`<path class="point" d="M${svgNumber(percent)} 0V12"/>`);
  return svg('range', '0 0 100 12', parts.join(''), label);
}

function svg(className: string, viewBox: string, content: string, label: string): string {
  return `<svg class="${className}" viewBox="${viewBox}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(label)}">${content}</svg>`;
}

function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

const PLOT = { width: 420, height: 200, left: 44, right: 12, top: 10, bottom: 30 };

/** Adoption per run, oldest left: the estimate as a line, each run's 95 % interval as a whisker. */
export function trendChart(points: HistoryEntry[]): string {
  const [low, high] = axisRange(points);
  const innerWidth = PLOT.width - PLOT.left - PLOT.right;
  const x = (i: number) => PLOT.left + (points.length === 1 ? innerWidth / 2 : (i * innerWidth) / (points.length - 1));
  const y = (value: number) => PLOT.top + ((high - value) / (high - low)) * (PLOT.height - PLOT.top - PLOT.bottom);
  const ticks = [0, 1, 2, 3, 4].map((k) => low + (k * (high - low)) / 4);
  const grid = ticks.map((t) => `<path class="grid" d="M${PLOT.left} ${svgNumber(y(t))}H${PLOT.width - PLOT.right}"/><text x="${PLOT.left - 4}" y="${svgNumber(y(t) + 4)}" text-anchor="end">${svgNumber(t)} %</text>`);
  const plotted = points.map((p, i) => ({ p, i })).filter(({ p }) => p.percent !== null);
  const line = plotted.map(({ p, i }) => `${svgNumber(x(i))},${svgNumber(y(p.percent as number))}`).join(' ');
  const whiskers = plotted.filter(({ p }) => p.ci95).map(({ p, i }) => `<path class="whisker" d="M${svgNumber(x(i))} ${svgNumber(y(p.ci95?.[0] ?? 0))}V${svgNumber(y(p.ci95?.[1] ?? 0))}"/>`);
  const dots = plotted.map(({ p, i }) => `<circle cx="${svgNumber(x(i))}" cy="${svgNumber(y(p.percent as number))}" r="3.5" data-finished="${escapeHtml(p.finishedAt)}" data-percent="${dataValue(p.percent)}"><title>${escapeHtml(`${p.finishedAt}: ${p.percent} %`)}</title></circle>`);
  const dates = dateLabels(points, x);
  const content = [...grid, ...whiskers, `<polyline class="line" points="${line}"/>`, ...dots, dates].join('');
  return `<svg class="trend-chart" viewBox="0 0 ${PLOT.width} ${PLOT.height}" role="img" aria-label="adoption over ${points.length} runs">${content}</svg>`;
}

function dateLabels(points: HistoryEntry[], x: (i: number) => number): string {
  const baseline = PLOT.height - PLOT.bottom + 18;
  const label = (i: number, anchor: string) => `<text x="${svgNumber(x(i))}" y="${baseline}" text-anchor="${anchor}">${escapeHtml(points[i]?.finishedAt.slice(0, 10) ?? '')}</text>`;
  return points.length === 1 ? label(0, 'middle') : label(0, 'start') + label(points.length - 1, 'end');
}

/** The y axis: multiples of 10 around every estimate and interval, at least 10 points tall. */
function axisRange(points: HistoryEntry[]): [number, number] {
  const values = points.flatMap((p) => [p.percent, ...(p.ci95 ?? [])]).filter((v): v is number => v !== null);
  if (values.length === 0) return [0, 100];
  let low = Math.max(0, Math.floor(Math.min(...values) / 10) * 10);
  let high = Math.min(100, Math.ceil(Math.max(...values) / 10) * 10);
  if (high - low < 10) [low, high] = low + 10 <= 100 ? [low, low + 10] : [high - 10, high];
  return [low, high];
}

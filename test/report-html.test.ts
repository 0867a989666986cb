import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Outcome } from '../src/outcomes.js';
import type { ResultRow } from '../src/output/result-row.js';
import { buildReport, type Report } from '../src/report/build-report.js';
import { historyEntry, trendOf } from '../src/report/history.js';
import { MAX_HTML_GROUPS, renderHtml } from '../src/report/html.js';
import { tallyResults } from '../src/report/tally.js';
import { pageFigures, jsonFigures, tagsWith } from './helpers/html-figures.js';

const RUN = { startedAt: '2024-05-01T06:00:00.000Z', finishedAt: '2024-05-01T06:10:00.000Z', durationMs: 600_000, transport: 'soap' as const, endpoint: 'https://example.test/<i>', complete: false };
const CALLS = { requests: 12, retries: 3, throttled: 1, tokenRefreshes: 2 };
const HOSTILE = '<script>alert("x")</script>&amp;';

async function* rowsOf(spec: [group: string, outcome: Outcome, mfa: boolean | undefined, times: number][]): AsyncGenerator<ResultRow> {
  let n = 0;
  for (const [group, outcome, mfaStatus, times] of spec) {
    for (let i = 0; i < times; i++) yield { userId: `u${++n}`, outcome, mfaStatus, attempts: 1, checkedAt: RUN.finishedAt, group };
  }
}

async function sampleReport(): Promise<Report> {
  const tally = await tallyResults(rowsOf([
    ['emea', 'ok', true, 40], ['emea', 'ok', false, 12], ['emea', 'reconsent_required', undefined, 3],
    ['amer', 'ok', true, 9], ['amer', 'ok', false, 11], ['amer', 'throttled', undefined, 1],
    [HOSTILE, 'ok', true, 2], ['', 'auth_failed', undefined, 1], ['10', 'ok', false, 1], ['', 'invalid_row', undefined, 2],
  ]));
  const report = buildReport({ tally, run: RUN, calls: CALLS, groupBy: 'region"<b>', sample: { population: 500, size: 80, seed: '<seed>' } });
  const earlier = [{ ...historyEntry(report), finishedAt: '2024-04-01T06:00:00.000Z', percent: 61.5, ci95: [50.1, 70.2] as [number, number] }];
  report.trend = trendOf(earlier, historyEntry(report));
  return report;
}

describe('report.html', () => {
  test('the figures in the page equal the JSON report: headline, interval, bounds, counts, outcomes, groups, trend', async () => {
    const report = await sampleReport();
    const page = pageFigures(renderHtml(report));
    assert.deepEqual(page, jsonFigures(report));
    assert.equal(Object.keys(page.groups).length, 5);
    assert.equal(page.trendPoints, 2);
    assert.notEqual(page.percent, null);
  });

  test('the visible text of each headline figure is its data value, formatted', async () => {
    const html = renderHtml(await sampleReport());
    const spans = [...html.matchAll(/<span id="(percent|ci-low|ci-high|lower-bound|upper-bound)" data-value="([^"]*)">([^<]*)<\/span>/g)];
    assert.equal(spans.length, 5);
    for (const [, id, value, text] of spans) assert.equal(text, `${Number(value).toFixed(2)} %`, id);
  });

  test('user input (group values, seed, endpoint, column) is escaped: no markup of theirs reaches the page', async () => {
    const html = renderHtml(await sampleReport());
    assert.doesNotMatch(html, /<script|<b>|<i>|<seed>/i);
    assert.match(html, /&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62;&#38;amp;/);
    assert.ok(tagsWith(html, 'data-group').some((a) => a['data-group'] === HOSTILE), 'the data attribute holds the group value exactly');
  });

  test('self-contained and phone-ready: viewport, inline style, no script, no external resource, CSP forbids both', async () => {
    const html = renderHtml(await sampleReport());
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.match(html, /<style>[^]*<\/style>/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i);
    assert.match(html, /<svg class="trend-chart"/);
    assert.equal((html.match(/<circle /g) ?? []).length, 2, 'one dot per run of the trend');
  });

  test('nothing determined: the figures are empty and the page says so, without NaN', async () => {
    const tally = await tallyResults(rowsOf([['x', 'network_error', undefined, 3]]));
    const report = buildReport({ tally, run: RUN, calls: CALLS });
    const html = renderHtml(report);
    assert.deepEqual(pageFigures(html), jsonFigures(report));
    assert.match(html, /<span id="percent" data-value="">not determined<\/span>/);
    assert.doesNotMatch(html, /NaN|undefined|Infinity/);
  });

  test(`charts the ${MAX_HTML_GROUPS} largest groups and says how many there are`, async () => {
    const spec: [string, Outcome, boolean, number][] = Array.from({ length: MAX_HTML_GROUPS + 5 }, (_, i) => [`g${i}`, 'ok', i % 2 === 0, 1 + (i % 7)]);
    const report = buildReport({ tally: await tallyResults(rowsOf(spec)), run: RUN, calls: CALLS, groupBy: 'g' });
    const html = renderHtml(report);
    const shown = tagsWith(html, 'data-group');
    assert.equal(shown.length, MAX_HTML_GROUPS);
    assert.ok(shown.every((a) => Number(a['data-users']) >= Number(shown.at(-1)?.['data-users'])), 'largest first');
    assert.match(html, new RegExp(`The ${MAX_HTML_GROUPS} largest of ${MAX_HTML_GROUPS + 5} groups`));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Outcome } from '../src/outcomes.js';
import { OUTCOMES } from '../src/outcomes.js';
import type { ResultRow } from '../src/output/result-row.js';
import { buildReport, groupsLargestFirst, SMALL_GROUP, type Report } from '../src/report/build-report.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { tallyResults } from '../src/report/tally.js';
import { seeded } from './helpers/cli-process.js';

const RUN = { startedAt: '2024-05-01T06:00:00.000Z', finishedAt: '2024-05-01T06:10:00.000Z', durationMs: 600_000, transport: 'soap' as const, endpoint: 'https://example.test', complete: true };
const CALLS = { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 };

let rowNumber = 0;

function row(group: string, outcome: Outcome, mfaStatus?: boolean): ResultRow {
  return { userId: `user${++rowNumber}`, outcome, mfaStatus, attempts: 1, checkedAt: RUN.finishedAt, group };
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function reportOf(rows: ResultRow[]): Promise<Report> {
  return buildReport({ tally: await tallyResults(each(rows)), run: RUN, calls: CALLS, groupBy: 'region' });
}

describe('--group-by figures', () => {
  test('a hand-computed case: counts, percent, Wilson interval and bounds per group and in total', async () => {
    const report = await reportOf([
      row('north', 'ok', true), row('north', 'ok', true), row('north', 'ok', true), row('north', 'ok', false), row('north', 'auth_failed'),
      row('south', 'ok', true), row('south', 'throttled'), row('south', 'invalid_row'),
    ]);
    assert.deepEqual(report.groups?.north, {
      users: 5, mfaEnabled: 3, mfaDisabled: 1, undetermined: 1, tooSmall: true,
      adoption: { percent: 75, ci95: [30.06, 95.44], lowerBoundPercent: 60, upperBoundPercent: 80 },
    });
    assert.deepEqual(report.groups?.south, {
      users: 2, mfaEnabled: 1, mfaDisabled: 0, undetermined: 1, tooSmall: true,
      adoption: { percent: 100, ci95: [20.65, 100], lowerBoundPercent: 50, upperBoundPercent: 100 },
    });
    assert.deepEqual(report.adoption, { percent: 80, ci95: [37.55, 96.38], lowerBoundPercent: 57.14, upperBoundPercent: 85.71 });
    assert.deepEqual(report.input, { rows: 8, invalidRows: 1, duplicateRows: 0 });
    assert.equal(report.groupBy, 'region');
  });

  test('per-group counts sum to the totals over a thousand random rows', async () => {
    const random = seeded(6);
    const rows = Array.from({ length: 1000 }, () => {
      const outcome = OUTCOMES[Math.floor(random() * OUTCOMES.length)] ?? 'ok';
      return row(`g${Math.floor(random() * 12)}`, outcome, outcome === 'ok' ? random() < 0.6 : undefined);
    });
    const report = await reportOf(rows);
    const groups = Object.values(report.groups ?? {});
    const sum = (pick: (g: (typeof groups)[number]) => number) => groups.reduce((total, g) => total + pick(g), 0);
    assert.equal(groups.length, 12);
    assert.equal(sum((g) => g.users), report.users.eligible);
    assert.equal(sum((g) => g.mfaEnabled), report.users.mfaEnabled);
    assert.equal(sum((g) => g.mfaDisabled), report.users.mfaDisabled);
    assert.equal(sum((g) => g.undetermined), report.users.undetermined);
  });

  test(`groups under ${SMALL_GROUP} users are flagged too small; order is largest first, also for number-like values`, async () => {
    const rows = [...Array.from({ length: SMALL_GROUP }, () => row('9', 'ok', true)), ...Array.from({ length: SMALL_GROUP - 1 }, () => row('10', 'ok', false)), row('a', 'ok', true)];
    const report = await reportOf(rows);
    assert.equal(report.groups?.['9']?.tooSmall, false);
    assert.equal(report.groups?.['10']?.tooSmall, true);
    assert.deepEqual(groupsLargestFirst(report.groups ?? {}).map(([name]) => name), ['9', '10', 'a']);
    const markdown = renderMarkdown(report);
    assert.ok(markdown.indexOf('| 9 |') < markdown.indexOf('| 10 |'), 'the Markdown lists the larger group "9" before "10"');
    assert.match(markdown, /\| 10 \| 29 \| 0\.00 % .* — too small to conclude/);
  });
});

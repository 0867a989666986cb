import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildReport, type Report } from '../src/report/build-report.js';
import { readHistory } from '../src/report/history.js';
import { emptyCounts } from '../src/report/tally.js';
import { writeReport } from '../src/report/write-report.js';
import { startSimulator } from '../src/simulator/server.js';
import { runCli, tempDir } from './helpers/cli-process.js';
import { pageFigures } from './helpers/html-figures.js';
import { JOB_ENV, jobArgs } from './helpers/job-args.js';
import { readReport, writeGroupedTokens } from './helpers/report-inputs.js';

/** A complete run of 40 users, `enabled` of them with MFA and the others without. */
function runReport(enabled: number, finishedAt: string): Report {
  const counts = { ...emptyCounts(), groups: new Map() };
  counts.rows = counts.eligible = counts.byOutcome.ok = 40;
  counts.mfaEnabled = enabled;
  counts.mfaDisabled = 40 - enabled;
  const run = { startedAt: finishedAt, finishedAt, durationMs: 0, transport: 'rest' as const, endpoint: 'https://example.test', complete: true };
  return buildReport({ tally: counts, run, calls: { requests: 40, retries: 0, throttled: 0, tokenRefreshes: 0 } });
}

describe('--history', () => {
  test('two runs: a trend with two points and the delta in percentage points, in JSON, Markdown and HTML', async (t) => {
    const dir = await tempDir(t);
    const history = join(dir, 'history.jsonl');
    const first = runReport(30, '2024-05-01T06:00:00.000Z');
    await writeReport(join(dir, 'first.json'), first, { history });
    assert.deepEqual(first.trend?.previous, null);
    assert.equal(first.trend?.points.length, 1);

    const second = runReport(33, '2024-06-01T06:00:00.000Z');
    const written = await writeReport(join(dir, 'second.json'), second, { history });
    assert.deepEqual(written, ['second.json', 'second.md', 'second.html', 'history.jsonl'].map((name) => join(dir, name)));
    const saved = await readReport(join(dir, 'second.json'));
    assert.equal(saved.trend?.points.length, 2);
    assert.deepEqual(saved.trend?.points.map((p) => p.percent), [75, 82.5]);
    assert.equal(saved.trend?.previous?.finishedAt, '2024-05-01T06:00:00.000Z');
    assert.equal(saved.trend?.deltaPercentPoints, 7.5);
    assert.match(await readFile(join(dir, 'second.md'), 'utf8'), /\+7\.50 percentage points/);
    const page = pageFigures(await readFile(join(dir, 'second.html'), 'utf8'));
    assert.equal(page.delta, 7.5);
    assert.equal(page.trendPoints, 2);
  });

  test('the change is called possibly noise only when the two runs\' intervals overlap', async (t) => {
    const dir = await tempDir(t);
    const changeLine = async (history: string, before: number, after: number) => {
      await writeReport(join(dir, 'a.json'), runReport(before, '2024-05-01T06:00:00.000Z'), { history });
      await writeReport(join(dir, 'b.json'), runReport(after, '2024-06-01T06:00:00.000Z'), { history });
      return (await readFile(join(dir, 'b.md'), 'utf8')).split('\n').find((line) => line.startsWith('- Change')) ?? '';
    };
    assert.match(await changeLine(join(dir, 'close.jsonl'), 30, 33), /\+7\.50 percentage points\*\*\. The two runs' 95 % intervals overlap/);
    assert.doesNotMatch(await changeLine(join(dir, 'far.jsonl'), 10, 35), /overlap/);
  });

  test('each run appends one line with its aggregate', async (t) => {
    const dir = await tempDir(t);
    const history = join(dir, 'history.jsonl');
    await writeReport(join(dir, 'a.json'), runReport(10, '2024-05-01T06:00:00.000Z'), { history });
    await writeReport(join(dir, 'b.json'), runReport(20, '2024-05-02T06:00:00.000Z'), { history });
    const lines = (await readFile(history, 'utf8')).split('\n');
    assert.equal(lines.length, 3, 'two lines, each ending in a newline');
    assert.deepEqual(JSON.parse(lines[1] ?? ''), {
      startedAt: '2024-05-02T06:00:00.000Z', finishedAt: '2024-05-02T06:00:00.000Z', eligible: 40, enabled: 20, disabled: 20, undetermined: 0,
      percent: 50, ci95: [35.2, 64.8], lowerBoundPercent: 50, upperBoundPercent: 50, complete: true,
    });
  });

  test('a torn last line (a crash mid-append) is skipped, and the next run starts a new line', async (t) => {
    const dir = await tempDir(t);
    const history = join(dir, 'history.jsonl');
    await writeReport(join(dir, 'a.json'), runReport(10, '2024-05-01T06:00:00.000Z'), { history });
    await appendFile(history, '{"startedAt":"2024-05-0');
    const report = runReport(12, '2024-05-03T06:00:00.000Z');
    await writeReport(join(dir, 'b.json'), report, { history });
    assert.equal(report.trend?.points.length, 2);
    assert.equal(report.trend?.deltaPercentPoints, 5);
    assert.deepEqual((await readHistory(history)).map((entry) => entry.enabled), [10, 12]);
  });

  test('two runs of the built CLI against the simulator: the second report has a two-point trend', async (t) => {
    const [dir, sim] = await Promise.all([tempDir(t), startSimulator()]);
    t.after(() => sim.close());
    await writeGroupedTokens(join(dir, 'tokens.csv'), 20);
    const history = join(dir, 'history.jsonl');
    for (const name of ['one', 'two']) {
      const { code, stderr } = await runCli(jobArgs(dir, sim, { output: join(dir, `${name}.csv`), history, sample: name === 'one' ? '20' : '10' }), JOB_ENV);
      assert.equal(code, 0, stderr);
    }
    const report = await readReport(join(dir, 'report.json'));
    const points = report.trend?.points ?? [];
    assert.deepEqual(points.map((p) => p.sample?.size), [20, 10]);
    assert.equal(report.trend?.deltaPercentPoints, Math.round(((points[1]?.percent ?? 0) - (points[0]?.percent ?? 0)) * 100) / 100);
    assert.equal((await readHistory(history)).length, 2);
  });
});

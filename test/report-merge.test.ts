import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ShardInfo } from '../src/job/selection.js';
import { buildReport, type GroupCounts, type Report } from '../src/report/build-report.js';
import { mergeReports } from '../src/report/merge.js';
import { emptyCounts } from '../src/report/tally.js';
import { type Simulator } from '../src/simulator/server.js';
import { resultLines, runCli, tempDir } from './helpers/cli-process.js';
import { pageFigures, jsonFigures } from './helpers/html-figures.js';
import { JOB_ENV, jobArgs } from './helpers/job-args.js';
import { figuresOf, readReport, writeGroupedTokens } from './helpers/report-inputs.js';
import { simulatorFor } from './helpers/simulator.js';

const simulator = simulatorFor;

describe('report merge end to end (built CLI against the simulator)', () => {
  test('three shards merged equal the unsharded run: counts, figures, groups and calls', async (t) => {
    const [dir, whole, sharded] = await Promise.all([tempDir(t), simulator(t), simulator(t)]);
    await writeGroupedTokens(join(dir, 'tokens.csv'), 150);
    const run = async (sim: Simulator, name: string, flags: Record<string, string> = {}) => {
      const { code, stderr } = await runCli(jobArgs(dir, sim, { output: join(dir, `${name}.csv`), report: join(dir, `${name}.json`), 'group-by': 'region', ...flags }), JOB_ENV);
      assert.equal(code, 0, stderr);
    };
    await Promise.all([run(whole, 'all'), ...[0, 1, 2].map((k) => run(sharded, `shard${k}`, { shard: `${k}/3` }))]);

    const shardFiles = [0, 1, 2].map((k) => join(dir, `shard${k}.json`));
    const merged = await runCli(['report', 'merge', ...shardFiles, '--report', join(dir, 'merged.json')]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /wrote .*merged\.html/);

    const [all, result, shards] = await Promise.all([readReport(join(dir, 'all.json')), readReport(join(dir, 'merged.json')), Promise.all(shardFiles.map(readReport))]);
    assert.ok(shards.every((s) => s.users.eligible > 0 && s.users.eligible < 150), 'each shard checked a part of the users');
    assert.deepEqual(figuresOf(result), figuresOf(all));
    assert.equal(result.run.startedAt, shards.map((s) => s.run.startedAt).sort()[0]);
    assert.equal(result.run.finishedAt, shards.map((s) => s.run.finishedAt).sort().at(-1));
    assert.deepEqual(pageFigures(await readFile(join(dir, 'merged.html'), 'utf8')), jsonFigures(result));

    const rows = [0, 1, 2].map((k) => resultLines(join(dir, `shard${k}.csv`)));
    assert.equal(rows.flat().length, resultLines(join(dir, 'all.csv')).length, 'each input row is written by exactly one shard');
    assert.equal(rows[0]?.filter((line) => /,(invalid_row|duplicate),/.test(line)).length, 2, 'shard 0 writes the invalid row and the duplicate');
  });

  test('refuses reports of different schemaVersion with exit code 2, and will not overwrite an input', async (t) => {
    const dir = await tempDir(t);
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(a, JSON.stringify(shardReport({ index: 0, count: 2 })));
    await writeFile(b, JSON.stringify({ ...shardReport({ index: 1, count: 2 }), schemaVersion: 2 }));
    const refused = await runCli(['report', 'merge', a, b, '--report', join(dir, 'all.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /different schemaVersion: .*a\.json has 1, .*b\.json has 2/);
    const overwrite = await runCli(['report', 'merge', a, b, '--report', a]);
    assert.equal(overwrite.code, 2);
    assert.match(overwrite.stderr, /is one of the reports to merge/);
  });
});

interface Figures {
  enabled: number;
  disabled: number;
  failed?: number;
  groups?: Record<string, GroupCounts>;
}

function shardReport(shard: ShardInfo | undefined, figures: Figures = { enabled: 3, disabled: 1 }, complete = true): Report {
  const counts = { ...emptyCounts(), groups: new Map(Object.entries(figures.groups ?? {})) };
  counts.byOutcome.ok = figures.enabled + figures.disabled;
  counts.byOutcome.auth_failed = figures.failed ?? 0;
  counts.rows = counts.eligible = counts.byOutcome.ok + counts.byOutcome.auth_failed;
  counts.mfaEnabled = figures.enabled;
  counts.mfaDisabled = figures.disabled;
  const minute = String(10 + (shard?.index ?? 0));
  const run = { startedAt: `2024-05-01T06:${minute}:00.000Z`, finishedAt: `2024-05-01T07:${minute}:00.000Z`, durationMs: 3_600_000, transport: 'soap' as const, endpoint: 'https://example.test', complete };
  return buildReport({ tally: counts, run, calls: { requests: 4, retries: 1, throttled: 0, tokenRefreshes: 2 }, groupBy: figures.groups ? 'region' : undefined, shard });
}

const merge = (...reports: Report[]) => mergeReports(reports.map((report, i) => ({ file: `r${i}.json`, report })));

describe('report merge: combining', () => {
  test('counts add and figures are recomputed from the sums, never averaged', () => {
    const a = shardReport({ index: 0, count: 2 }, { enabled: 1, disabled: 0, groups: { north: { eligible: 1, mfaEnabled: 1, mfaDisabled: 0 } } });
    const b = shardReport({ index: 1, count: 2 }, { enabled: 1, disabled: 2, failed: 1, groups: { north: { eligible: 3, mfaEnabled: 1, mfaDisabled: 2 }, south: { eligible: 1, mfaEnabled: 0, mfaDisabled: 0 } } });
    const merged = merge(a, b);
    assert.deepEqual(merged.users.byOutcome.ok, 4);
    assert.equal(merged.users.eligible, 5);
    assert.equal(merged.adoption.percent, 50, '2 of 4 determined, not the mean of 100 % and 33.33 %');
    assert.deepEqual(merged.adoption.ci95, [15, 85]);
    assert.equal(merged.groups?.north?.users, 4);
    assert.equal(merged.groups?.north?.adoption.percent, 50);
    assert.equal(merged.groups?.south?.users, 1);
    assert.deepEqual(merged.calls, { requests: 8, retries: 2, throttled: 0, tokenRefreshes: 4 });
    assert.equal(merged.run.startedAt, '2024-05-01T06:10:00.000Z');
    assert.equal(merged.run.finishedAt, '2024-05-01T07:11:00.000Z');
    assert.equal(merged.run.durationMs, 61 * 60_000);
    assert.equal(merged.shard, undefined);
  });

  test('the merged run is complete only if every shard is', () => {
    assert.equal(merge(shardReport({ index: 0, count: 2 }), shardReport({ index: 1, count: 2 }, undefined, false)).run.complete, false);
    assert.equal(merge(shardReport({ index: 0, count: 2 }), shardReport({ index: 1, count: 2 })).run.complete, true);
  });

  const refusals: [string, Report[], RegExp][] = [
    ['a missing shard', [shardReport({ index: 0, count: 3 }), shardReport({ index: 2, count: 3 })], /shard 1\/3 is missing/],
    ['a shard given twice', [shardReport({ index: 0, count: 2 }), shardReport({ index: 1, count: 2 }), shardReport({ index: 1, count: 2 })], /shard 1\/2 given twice \(r1\.json, r2\.json\)/],
    ['shards of different splits', [shardReport({ index: 0, count: 2 }), shardReport({ index: 1, count: 3 })], /shard counts differ: r0\.json is 0\/2, r1\.json is 1\/3/],
    ['a report that is not a shard', [shardReport({ index: 0, count: 1 }), shardReport(undefined)], /r1\.json is not a shard report/],
    ['a sample', [{ ...shardReport({ index: 0, count: 1 }), sample: { population: 10, size: 4, seed: '1' } }], /r0\.json is a sample's report/],
    ['different --group-by', [shardReport({ index: 0, count: 2 }, { enabled: 1, disabled: 0, groups: {} }), shardReport({ index: 1, count: 2 })], /group-by column differs/],
  ];
  for (const [what, reports, message] of refusals) {
    test(`refuses ${what}`, () => {
      assert.throws(() => merge(...reports), (error: Error & { exitCode?: number }) => message.test(error.message) && error.exitCode === 2);
    });
  }
});

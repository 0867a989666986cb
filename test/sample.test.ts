import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { reservoirSample, seededRandom, selectUsers } from '../src/job/selection.js';
import { wilson } from '../src/report/stats.js';
import { resultLines, runCli, tempDir } from './helpers/cli-process.js';
import { JOB_ENV, jobArgs } from './helpers/job-args.js';
import { readReport, writeGroupedTokens } from './helpers/report-inputs.js';
import { simulatorFor } from './helpers/simulator.js';

/** χ² critical value for 9 degrees of freedom at p = 0.001: a fair sampler exceeds it once in a thousand seeds-sets. */
const CHI2_9DF_P001 = 27.877;

function chiSquare(observed: number[], expected: number): number {
  return observed.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

const COUNTS = { rows: 0, users: 0, invalidRows: 0, duplicateRows: 0 };

async function sampledLines(input: string, size: number, seed: string) {
  const selection = await selectUsers({ input, columns: {}, sample: size, seed }, COUNTS);
  return selection;
}

describe('--sample: the seeded generator', () => {
  test('the same seed gives the same sequence; another seed another one; values lie in [0, 1)', () => {
    const draw = (seed: string) => Array.from({ length: 1000 }, seededRandom(seed));
    const first = draw('42');
    assert.deepEqual(draw('42'), first);
    assert.notDeepEqual(draw('43'), first);
    assert.ok(first.every((x) => x >= 0 && x < 1));
    assert.ok(Math.abs(first.reduce((a, b) => a + b, 0) / first.length - 0.5) < 0.05, 'the mean of 1000 draws is near 0.5');
  });
});

describe('--sample: reservoir sampling', () => {
  test('each of 10 items is chosen equally often over 3000 fixed seeds (χ², 9 df)', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const chosen = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 3000; seed++) {
      const { chosen: picked } = await reservoirSample(items, 3, seededRandom(`uniform-${seed}`));
      for (const item of picked) chosen[item] = (chosen[item] ?? 0) + 1;
    }
    assert.ok(chiSquare(chosen, (3000 * 3) / 10) < CHI2_9DF_P001, `inclusion counts ${chosen.join(' ')}`);
  });

  test('each of the 10 possible pairs out of 5 items is drawn equally often over 3000 fixed seeds (χ², 9 df)', async () => {
    const pairs = new Map<string, number>();
    for (let seed = 0; seed < 3000; seed++) {
      const { chosen } = await reservoirSample([0, 1, 2, 3, 4], 2, seededRandom(`pairs-${seed}`));
      const key = chosen.sort().join('');
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    assert.equal(pairs.size, 10);
    assert.ok(chiSquare([...pairs.values()], 300) < CHI2_9DF_P001, `pair counts ${JSON.stringify(Object.fromEntries(pairs))}`);
  });

  test('a sample at least as large as the population takes everyone', async () => {
    const { chosen, seen } = await reservoirSample(['a', 'b', 'c'], 5, seededRandom('1'));
    assert.deepEqual(chosen, ['a', 'b', 'c']);
    assert.equal(seen, 3);
  });
});

describe('--sample: selecting users from the token file', () => {
  test('the same seed and input give the same users; another seed gives others', async (t) => {
    const input = join(await tempDir(t), 'tokens.csv');
    await writeGroupedTokens(input, 500);
    const users = async (seed: string) => {
      const selection = await sampledLines(input, 50, seed);
      const lines = Array.from({ length: 503 }, (_, i) => i + 1).filter((line) => selection.includes({ kind: 'user', line, userId: '' }));
      return { lines, selection };
    };
    const first = await users('7');
    assert.equal(first.lines.length, 50);
    assert.deepEqual(first.selection.sample, { population: 500, size: 50, seed: '7' }, 'the population counts users, not the invalid or duplicate rows');
    assert.equal(first.selection.users, 50);
    assert.equal(first.selection.includesRejected, true);
    assert.deepEqual((await users('7')).lines, first.lines);
    assert.notDeepEqual((await users('8')).lines, first.lines);
  });
});

const simulator = simulatorFor;

describe('--sample end to end (built CLI against the simulator)', () => {
  test('N equal to the population: the finite population correction closes the interval to the estimate', async (t) => {
    const [dir, sim] = await Promise.all([tempDir(t), simulator(t)]);
    await writeGroupedTokens(join(dir, 'tokens.csv'), 40, { determinedOnly: true });
    const { code, stderr } = await runCli(jobArgs(dir, sim, { sample: '40', seed: 'all' }), JOB_ENV);
    assert.equal(code, 0, stderr);
    const report = await readReport(join(dir, 'report.json'));
    assert.deepEqual(report.sample, { population: 40, size: 40, seed: 'all' });
    assert.equal(report.users.undetermined, 0);
    assert.deepEqual(report.adoption.ci95, [report.adoption.percent, report.adoption.percent]);
  });

  test('N below the population: N users checked, rejected rows still written, a narrower interval than without the correction, same users for the same seed', async (t) => {
    const [dir, sim] = await Promise.all([tempDir(t), simulator(t)]);
    await writeGroupedTokens(join(dir, 'tokens.csv'), 60, { determinedOnly: true });
    const run = async (output: string) => {
      const { code, stderr } = await runCli(jobArgs(dir, sim, { sample: '30', seed: 's', output: join(dir, output) }), JOB_ENV);
      assert.equal(code, 0, stderr);
      return resultLines(join(dir, output)).map((line) => line.split(',')[0]);
    };
    const users = await run('first.csv');
    const report = await readReport(join(dir, 'report.json'));
    assert.equal(users.length, 32, '30 sampled users plus the invalid row and the duplicate');
    assert.deepEqual(report.input, { rows: 32, invalidRows: 1, duplicateRows: 1 });
    assert.equal(report.users.eligible, 30);
    const { mfaEnabled, mfaDisabled } = report.users;
    const plain = wilson(mfaEnabled, mfaEnabled + mfaDisabled) ?? [0, 1];
    const [low, high] = report.adoption.ci95 ?? [0, 100];
    assert.ok(high - low < 100 * (plain[1] - plain[0]) - 1, `with the correction ${low}–${high}, without ${plain.join('–')}`);
    assert.deepEqual(new Set(await run('second.csv')), new Set(users));
  });
});

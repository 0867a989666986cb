import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adoption, wilson } from '../src/report/stats.js';

const percent = (interval: [number, number] | null) => interval && interval.map((x) => Math.round(x * 10_000) / 100);

describe('Wilson score interval, 95 %', () => {
  test('reference values: 8/10 → [49.02, 94.33] %', () => {
    assert.deepEqual(percent(wilson(8, 10)), [49.02, 94.33]);
    assert.deepEqual(adoption(8, 2, 10).ci95, [49.02, 94.33]);
  });

  test('reference values: 0/20 → [0, 16.11] %', () => {
    assert.deepEqual(percent(wilson(0, 20)), [0, 16.11]);
    assert.deepEqual(adoption(0, 20, 20).ci95, [0, 16.11]);
  });

  test('reference values: 20/20 → [83.89, 100] %', () => {
    assert.deepEqual(percent(wilson(20, 20)), [83.89, 100]);
    assert.deepEqual(adoption(20, 0, 20).ci95, [83.89, 100]);
  });

  test('the interval always holds the point estimate and stays within [0, 1]', () => {
    for (const [k, n] of [[0, 1], [1, 1], [1, 3], [50, 100], [999, 1000], [1, 1_000_000]] as const) {
      const [low, high] = wilson(k, n)!;
      assert.ok(low >= 0 && high <= 1 && low <= k / n && k / n <= high, `${k}/${n}: [${low}, ${high}]`);
    }
  });

  test('more answers, a narrower interval', () => {
    const width = (k: number, n: number) => {
      const [low, high] = wilson(k, n)!;
      return high - low;
    };
    assert.ok(width(80, 100) < width(8, 10));
    assert.ok(width(800, 1000) < width(80, 100));
  });

  test('finite population correction: checking the whole population closes the interval to the point', () => {
    assert.deepEqual(percent(wilson(8, 10, 10)), [80, 80]);
    const [low, high] = wilson(80, 100, 200)!;
    const [wideLow, wideHigh] = wilson(80, 100)!;
    assert.ok(low > wideLow && high < wideHigh, 'a sample of half the population gives a narrower interval');
  });

  test('nothing determined → null, never NaN', () => {
    assert.equal(wilson(0, 0), null);
    assert.equal(wilson(0, 0, 100), null);
  });
});

describe('adoption figures of the report', () => {
  test('percent is enabled / determined; bounds are taken over eligible users', () => {
    // 6 with MFA, 2 without, 2 undetermined among 10 eligible users.
    assert.deepEqual(adoption(6, 2, 10), {
      percent: 75,
      ci95: adoption(6, 2, 8).ci95,
      lowerBoundPercent: 60,
      upperBoundPercent: 80,
    });
  });

  test('two decimals', () => {
    const figures = adoption(1, 2, 3);
    assert.equal(figures.percent, 33.33);
    assert.equal(figures.lowerBoundPercent, 33.33);
    assert.equal(figures.upperBoundPercent, 33.33);
  });

  test('nothing determined: percent and ci95 are null, never NaN; the bounds still say 0 – 100 %', () => {
    const figures = adoption(0, 0, 5);
    assert.deepEqual(figures, { percent: null, ci95: null, lowerBoundPercent: 0, upperBoundPercent: 100 });
    assert.equal(JSON.stringify(figures).includes('NaN'), false);
    assert.equal(JSON.stringify(figures).includes('null'), true);
  });

  test('no eligible user at all: every figure is null, never NaN', () => {
    const figures = adoption(0, 0, 0);
    assert.deepEqual(figures, { percent: null, ci95: null, lowerBoundPercent: null, upperBoundPercent: null });
  });

  test('everyone determined: the bounds meet at the percent', () => {
    assert.deepEqual(adoption(3, 1, 4), { percent: 75, ci95: adoption(3, 1, 4).ci95, lowerBoundPercent: 75, upperBoundPercent: 75 });
  });

  test('lower ≤ percent ≤ upper whenever something was determined', () => {
    for (const [enabled, disabled, eligible] of [[1, 9, 20], [9, 1, 20], [5, 5, 11], [0, 3, 7], [3, 0, 7]] as const) {
      const { percent: p, lowerBoundPercent: low, upperBoundPercent: high } = adoption(enabled, disabled, eligible);
      assert.ok(low! <= p! && p! <= high!, `${enabled}/${disabled}/${eligible}: ${low} ≤ ${p} ≤ ${high}`);
    }
  });
});

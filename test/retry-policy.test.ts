import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_RETRY_DELAY_MS } from '../src/job/options.js';
import { nextStep, type RetrySettings } from '../src/schedule/retry-policy.js';
import type { Verdict } from '../src/service/classify.js';

const settings: RetrySettings = { retries: 3, retryDelay: 1000, throttleWait: 60_000 };
const serverError: Verdict = { outcome: 'server_error', action: 'backoff', errorCode: '0' };
const throttled: Verdict = { outcome: 'throttled', action: 'throttle', errorCode: '117' };

describe('retry policy: exponential backoff with full jitter', () => {
  test('the ceiling doubles with each attempt: retryDelay × 2^(attempt − 1)', () => {
    const almostOne = 1 - 1e-9;
    assert.deepEqual(
      [1, 2, 3].map((attempt) => nextStep(serverError, attempt, settings, almostOne)),
      [
        { retry: true, delayMs: 999, pauseAllMs: 0 },
        { retry: true, delayMs: 1999, pauseAllMs: 0 },
        { retry: true, delayMs: 3999, pauseAllMs: 0 },
      ],
    );
  });

  test('full jitter: the delay is random × ceiling, anywhere from 0 up to the ceiling', () => {
    const delays = [0, 0.25, 0.5, 0.75].map((random) => nextStep(serverError, 3, settings, random));
    assert.deepEqual(delays.map((step) => step.retry && step.delayMs), [0, 1000, 2000, 3000]);
  });

  test('the delay never exceeds 60 s, however many attempts and however large the base', () => {
    const many: RetrySettings = { ...settings, retries: 100 };
    for (const attempt of [7, 8, 20, 64, 100]) {
      const step = nextStep(serverError, attempt, many, 1 - 1e-9);
      assert.ok(step.retry && step.delayMs < MAX_RETRY_DELAY_MS && step.delayMs >= MAX_RETRY_DELAY_MS - 1, `attempt ${attempt}: ${JSON.stringify(step)}`);
    }
    const step = nextStep(serverError, 1, { ...settings, retryDelay: 60_000 }, 0.5);
    assert.deepEqual(step, { retry: true, delayMs: 30_000, pauseAllMs: 0 });
    assert.equal(MAX_RETRY_DELAY_MS, 60_000);
  });

  test('--retry-delay 0 retries at once', () => {
    assert.deepEqual(nextStep(serverError, 2, { ...settings, retryDelay: 0 }, 0.9), { retry: true, delayMs: 0, pauseAllMs: 0 });
  });

  test('a Retry-After on a transient error is a floor under the jittered delay', () => {
    assert.deepEqual(nextStep({ ...serverError, retryAfterMs: 5000 }, 1, settings, 0.5), { retry: true, delayMs: 5000, pauseAllMs: 0 });
    assert.deepEqual(nextStep({ ...serverError, retryAfterMs: 100 }, 3, settings, 0.5), { retry: true, delayMs: 2000, pauseAllMs: 0 });
  });

  test('network, garbled and server errors are all backed off alike', () => {
    for (const outcome of ['network_error', 'protocol_error', 'server_error'] as const) {
      assert.deepEqual(nextStep({ outcome, action: 'backoff' }, 1, settings, 0.5), { retry: true, delayMs: 500, pauseAllMs: 0 });
    }
  });
});

describe('retry policy: retries exhausted', () => {
  test('--retries 3 allows attempts 1 to 3 to be retried, and stops after attempt 4', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => nextStep(serverError, attempt, settings, 0).retry),
      [true, true, true, false, false],
    );
  });

  test('--retries 0 never retries, not even a throttle', () => {
    const none = { ...settings, retries: 0 };
    assert.deepEqual(nextStep(serverError, 1, none, 0), { retry: false });
    assert.deepEqual(nextStep(throttled, 1, none, 0), { retry: false });
  });

  test('throttles count against the same retries', () => {
    assert.deepEqual(nextStep(throttled, 4, settings, 0), { retry: false });
  });

  test('final verdicts and a refresh request are never retried here', () => {
    assert.deepEqual(nextStep({ outcome: 'ok', action: 'done', mfaStatus: true }, 1, settings, 0), { retry: false });
    assert.deepEqual(nextStep({ outcome: 'auth_failed', action: 'done', errorCode: '105' }, 1, settings, 0), { retry: false });
    assert.deepEqual(nextStep({ outcome: 'protocol_error', action: 'done' }, 1, settings, 0), { retry: false });
    assert.deepEqual(nextStep({ outcome: 'auth_failed', action: 'refresh', errorCode: '109' }, 1, settings, 0), { retry: false });
  });
});

describe('retry policy: a throttle pauses everyone', () => {
  test('117 without Retry-After pauses the whole queue for --throttle-wait; the user itself adds no delay', () => {
    assert.deepEqual(nextStep(throttled, 1, settings, 0.99), { retry: true, delayMs: 0, pauseAllMs: 60_000 });
    assert.deepEqual(nextStep(throttled, 2, { ...settings, throttleWait: 1500 }, 0.99), { retry: true, delayMs: 0, pauseAllMs: 1500 });
  });

  test('429 with Retry-After pauses for what the service asked, not --throttle-wait', () => {
    assert.deepEqual(nextStep({ ...throttled, retryAfterMs: 7000 }, 1, settings, 0.5), { retry: true, delayMs: 0, pauseAllMs: 7000 });
  });

  test('the pause does not grow with the attempt number (no exponential backoff on throttles)', () => {
    const pauses = [1, 2, 3].map((attempt) => nextStep(throttled, attempt, settings, 0.5));
    assert.deepEqual(pauses.map((step) => step.retry && step.pauseAllMs), [60_000, 60_000, 60_000]);
  });
});

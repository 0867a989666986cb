import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { Writable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { storedTokens } from '../src/auth/stored-tokens.js';
import { checkUser, type CheckContext } from '../src/job/check-user.js';
import { createLogger } from '../src/log/logger.js';
import { Redactor } from '../src/log/redact.js';
import type { ResultRow } from '../src/output/result-row.js';
import { ARRIVAL_MARGIN_MS, RateLimiter } from '../src/schedule/rate-limiter.js';
import type { Transport } from '../src/service/answer.js';
import { restTransport } from '../src/service/rest/transport.js';
import { soapTransport } from '../src/service/soap/transport.js';
import { FakeClock, runInVirtualTime } from './helpers/fake-clock.js';
import { scriptedServer, soapFault, soapSuccess, type Reply, type ReceivedRequest } from './helpers/scripted-server.js';

/** The most timestamps that fall into any half-open window [t, t + 1000). */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** Starts `count` acquires now; resolves with the virtual time each was granted, in grant order. */
function acquireAll(limiter: RateLimiter, clock: FakeClock, count: number, grants: number[] = []): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, () => limiter.acquire().then(() => void grants.push(clock.now())))).then(() => grants);
}

describe('RateLimiter (virtual time)', () => {
  for (const rate of [1, 3, 10, 2.5, 50]) {
    const allowed = Math.floor(rate);
    test(`rate ${rate}/s: never more than ${allowed} grants in any 1 s window, and no slower than that`, async () => {
      const clock = new FakeClock();
      const start = clock.now();
      const count = Math.ceil(rate * 6) + 3;
      const grants = await runInVirtualTime(clock, acquireAll(new RateLimiter(rate, clock), clock, count));
      assert.equal(grants.length, count);
      assert.ok(maxPerSecond(grants) <= allowed, `max ${maxPerSecond(grants)} in one second`);
      const elapsed = grants.at(-1)! - start;
      assert.ok(elapsed <= (count / allowed) * (1000 + ARRIVAL_MARGIN_MS), `${count} grants took ${elapsed} ms`);
    });
  }

  test('rate 0.5/s: one grant every 2 s (and the arrival margin) at most', async () => {
    const clock = new FakeClock();
    const grants = await runInVirtualTime(clock, acquireAll(new RateLimiter(0.5, clock), clock, 6));
    const gaps = grants.slice(1).map((t, i) => t - grants[i]!);
    assert.deepEqual(gaps, Array(5).fill(2000 + ARRIVAL_MARGIN_MS));
  });

  test('late timers (a busy machine) never cause a burst above the rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(5, clock);
    const grants: number[] = [];
    const all = acquireAll(limiter, clock, 40, grants);
    for (const late of [0, 2600, 0, 4100, 900, 7000, 0, 3300]) {
      await clock.jump(late);
      while (clock.pending > 0 && clock.nextWake! <= clock.now()) await clock.advanceToNext();
      await clock.advanceToNext();
    }
    await runInVirtualTime(clock, all);
    assert.equal(grants.length, 40);
    assert.ok(maxPerSecond(grants) <= 5, `max ${maxPerSecond(grants)} in one second`);
  });

  test('arrivals spread over time are limited the same way', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(4, clock);
    const grants: number[] = [];
    const waits: Promise<number[]>[] = [];
    for (const gap of [0, 10, 10, 700, 0, 0, 1500, 5, 5, 5, 5, 5, 2000, 0, 0, 0, 0, 0, 0]) {
      await clock.advance(gap);
      waits.push(acquireAll(limiter, clock, 1, grants));
    }
    await runInVirtualTime(clock, Promise.all(waits));
    assert.equal(grants.length, 19);
    assert.ok(maxPerSecond(grants) <= 4, `max ${maxPerSecond(grants)} in one second`);
  });

  test('rate 0 is unlimited: everyone is granted at once', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const grants = await runInVirtualTime(clock, acquireAll(new RateLimiter(0, clock), clock, 100));
    assert.deepEqual(new Set(grants), new Set([start]));
  });

  test('grants are first come, first served', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, clock);
    const order: number[] = [];
    const all = Promise.all([0, 1, 2, 3, 4, 5].map((i) => limiter.acquire().then(() => void order.push(i))));
    await runInVirtualTime(clock, all);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });

  test('a pause holds every waiting request, not only one', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, clock);
    const grants: number[] = [];
    const all = acquireAll(limiter, clock, 10, grants);
    while (grants.length < 3) await clock.advanceToNext();
    const pausedAt = clock.now();
    limiter.pause(30_000);
    await runInVirtualTime(clock, all);
    const afterPause = grants.slice(3);
    assert.equal(afterPause.length, 7);
    assert.ok(afterPause.every((t) => t >= pausedAt + 30_000), `grants after the pause: ${afterPause.map((t) => t - pausedAt)}`);
    assert.ok(maxPerSecond(afterPause) <= 10);
  });

  test('a pause also holds requests that arrive later, and applies with an unlimited rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(0, clock);
    limiter.pause(5000);
    const pausedAt = clock.now();
    await clock.advance(1000);
    const grants = await runInVirtualTime(clock, acquireAll(limiter, clock, 3));
    assert.deepEqual(grants, [pausedAt + 5000, pausedAt + 5000, pausedAt + 5000]);
  });

  test('a later pause extends, an earlier-ending one does not shorten', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(0, clock);
    const start = clock.now();
    limiter.pause(10_000);
    limiter.pause(2000);
    assert.equal(limiter.pausedUntilMs, start + 10_000);
    await clock.advance(5000);
    limiter.pause(8000);
    assert.equal(limiter.pausedUntilMs, start + 13_000);
  });

  test('an aborted wait resolves at once, even during a pause', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, clock);
    limiter.pause(60_000);
    const stop = new AbortController();
    let resolved = false;
    const waiting = limiter.acquire(stop.signal).then(() => {
      resolved = true;
    });
    await clock.advance(10);
    assert.equal(resolved, false);
    stop.abort();
    await waiting;
    assert.equal(clock.now() < limiter.pausedUntilMs, true);
  });
});

interface Harness {
  ctx: CheckContext;
  clock: FakeClock;
  /** Virtual time at which the server received each request, with the token it carried. */
  arrivals: Array<{ at: number; token: string }>;
  run(tokens: string[]): Promise<ResultRow[]>;
  maxInFlight(): number;
}

interface HarnessOptions {
  transport?: 'soap' | 'rest';
  concurrency: number;
  rate: number;
  retries?: number;
  retryDelay?: number;
  throttleWait?: number;
  script: (request: ReceivedRequest & { token: string }, index: number) => Reply | Promise<Reply>;
}

const tokenOf = (request: ReceivedRequest) =>
  /<AuthenticationToken[^>]*>([^<]*)</.exec(request.body)?.[1] ?? request.headers.authorization?.replace(/^Bearer /, '') ?? '';

/**
 * checkUser for real, as run-job wires it (p-limit, RateLimiter, a real transport over HTTP to a
 * scripted local server), with virtual time that moves only while no request is on the wire.
 */
async function harness(t: TestContext, options: HarnessOptions): Promise<Harness> {
  const clock = new FakeClock();
  const arrivals: Harness['arrivals'] = [];
  const server = await scriptedServer(t, (request, index) => {
    const token = tokenOf(request);
    arrivals.push({ at: clock.now(), token });
    return options.script({ ...request, token }, index);
  });
  const dispatcher = new Agent({ connections: options.concurrency });
  t.after(() => dispatcher.destroy());
  const settings = { endpoint: server.url, developerToken: 'dev', timeoutMs: 5000, maxBytes: 1 << 20, dispatcher };
  const real = options.transport === 'rest' ? restTransport(settings) : soapTransport(settings);
  let onTheWire = 0;
  const transport: Transport = {
    name: real.name,
    async check(token, signal) {
      onTheWire++;
      try {
        return await real.check(token, signal);
      } finally {
        onTheWire--;
      }
    },
  };
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const run = new AbortController();
  setMaxListeners(0, run.signal);
  const ctx: CheckContext = {
    transport,
    tokens: storedTokens(),
    inFlight: pLimit(options.concurrency),
    limiter: new RateLimiter(options.rate, clock),
    clock,
    random: () => 0.5,
    settings: { retries: options.retries ?? 3, retryDelay: options.retryDelay ?? 1000, throttleWait: options.throttleWait ?? 60_000 },
    calls: { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 },
    log: createLogger('json', sink, new Redactor(), () => clock.now()),
    signal: run.signal,
  };
  const users = (tokens: string[]) => tokens.map((accessToken, i) => ({ kind: 'user' as const, line: i + 2, userId: `u${i + 1}`, accessToken }));
  return {
    ctx,
    clock,
    arrivals,
    maxInFlight: () => server.maxInFlight,
    async run(tokens) {
      const checks = Promise.all(users(tokens).map((user) => checkUser(user, ctx)));
      const rows = await runInVirtualTime(clock, checks, () => onTheWire > 0);
      return rows.map((row) => row!);
    },
  };
}

const tokens = (count: number, prefix = 'at.user') => Array.from({ length: count }, (_, i) => `${prefix}.${i + 1}`);
const slowly = <T>(value: T, ms = 3) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('scheduler: check-user through p-limit and the rate limiter, against a scripted server', { timeout: 30_000 }, () => {
  test('concurrency is never exceeded, and is used to the full', async (t) => {
    const h = await harness(t, { concurrency: 3, rate: 0, script: () => slowly(soapSuccess(true)) });
    const rows = await h.run(tokens(20));
    assert.equal(rows.filter((row) => row.outcome === 'ok').length, 20);
    assert.equal(h.maxInFlight(), 3);
  });

  test('concurrency holds while users retry after backoff', async (t) => {
    const firstTry = new Set<string>();
    const script = ({ token }: { token: string }) => slowly(firstTry.has(token) ? soapSuccess(false) : (firstTry.add(token), soapFault(0)));
    const h = await harness(t, { concurrency: 4, rate: 0, retryDelay: 200, script });
    const rows = await h.run(tokens(16));
    assert.deepEqual(new Set(rows.map((row) => `${row.outcome}/${row.attempts}`)), new Set(['ok/2']));
    assert.ok(h.maxInFlight() <= 4 && h.maxInFlight() >= 2, `max in flight ${h.maxInFlight()}`);
  });

  test('the rate is never exceeded in any 1 s window, retries included: they go back through the limiter', async (t) => {
    const firstTry = new Set<string>();
    const script = ({ token }: { token: string }) => (token.endsWith('0') || firstTry.has(token) ? soapSuccess(true) : (firstTry.add(token), soapFault(0)));
    const h = await harness(t, { concurrency: 8, rate: 4, retryDelay: 1, script });
    const rows = await h.run(tokens(20));
    assert.equal(rows.every((row) => row.outcome === 'ok'), true);
    assert.equal(h.arrivals.length, 20 + 18, 'first tries and retries');
    assert.equal(h.ctx.calls.retries, 18);
    assert.ok(maxPerSecond(h.arrivals.map((a) => a.at)) <= 4, `max ${maxPerSecond(h.arrivals.map((a) => a.at))} requests in one second`);
  });

  test('a 117 pauses every request for --throttle-wait, not only the throttled one', async (t) => {
    const h = await harness(t, {
      concurrency: 4,
      rate: 10,
      throttleWait: 30_000,
      script: (_request, index) => (index === 2 ? soapFault(117) : soapSuccess(true)),
    });
    const rows = await h.run(tokens(12));
    const throttledAt = h.arrivals[2]!.at;
    const later = h.arrivals.filter((a) => a.at > throttledAt);
    assert.ok(later.every((a) => a.at >= throttledAt + 30_000), `requests after the 117 at +${later.map((a) => a.at - throttledAt)} ms`);
    assert.ok(new Set(later.map((a) => a.token)).size >= 8, 'other users waited too');
    assert.equal(later.some((a) => a.token === h.arrivals[2]!.token), true, 'the throttled user was retried after the pause');
    assert.equal(rows.every((row) => row.outcome === 'ok'), true);
    assert.equal(h.ctx.calls.throttled, 1);
    assert.ok(maxPerSecond(h.arrivals.map((a) => a.at)) <= 10);
  });

  test('REST 429 with Retry-After pauses every request for that long instead of --throttle-wait', async (t) => {
    const json = { 'content-type': 'application/json' };
    const h = await harness(t, {
      transport: 'rest',
      concurrency: 2,
      rate: 0,
      throttleWait: 60_000,
      script: (_request, index) =>
        index === 0
          ? { status: 429, headers: { ...json, 'retry-after': '7' }, body: '{"Type":"AdApiFaultDetail","Errors":[{"Code":117}]}' }
          : slowly({ headers: json, body: '{"MFAStatus":false}' }),
    });
    const rows = await h.run(tokens(6));
    const throttledAt = h.arrivals[0]!.at;
    const later = h.arrivals.filter((a) => a.at > throttledAt);
    assert.ok(later.length >= 4);
    assert.ok(later.every((a) => a.at >= throttledAt + 7000 && a.at < throttledAt + 60_000), `after the 429: +${later.map((a) => a.at - throttledAt)} ms`);
    assert.equal(rows.every((row) => row.outcome === 'ok' && row.mfaStatus === false), true);
  });

  test('a user still throttled after every retry ends as throttled, each retry waiting out a pause', async (t) => {
    const h = await harness(t, { concurrency: 1, rate: 0, retries: 2, throttleWait: 10_000, script: () => soapFault(117) });
    const start = h.clock.now();
    const [row] = await h.run(['at.e117.u1']);
    assert.deepEqual([row?.outcome, row?.errorCode, row?.attempts], ['throttled', '117', 3]);
    assert.deepEqual(h.arrivals.map((a) => a.at - start), [0, 10_000, 20_000]);
  });

  test('exponential backoff between retries, then the last answer is recorded when retries run out', async (t) => {
    const h = await harness(t, { concurrency: 1, rate: 0, retries: 3, retryDelay: 1000, script: () => soapFault(0) });
    const start = h.clock.now();
    const [row] = await h.run(['at.e0.u1']);
    assert.deepEqual([row?.outcome, row?.errorCode, row?.attempts], ['server_error', '0', 4]);
    // random 0.5 × ceilings 1000, 2000, 4000
    assert.deepEqual(h.arrivals.map((a) => a.at - start), [0, 500, 1500, 3500]);
    assert.equal(h.ctx.calls.requests, 4);
    assert.equal(h.ctx.calls.retries, 3);
  });
});

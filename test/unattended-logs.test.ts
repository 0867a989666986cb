import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import type { World } from '../src/job/world.js';
import { createLogger } from '../src/log/logger.js';
import { createProgress, EVENT_MS, liveLineFor, REDRAW_MS } from '../src/log/progress.js';
import { Redactor } from '../src/log/redact.js';
import type { ResultRow } from '../src/output/result-row.js';
import { FakeClock } from './helpers/fake-clock.js';
import { runCli, statuses, tempDir, writeTokens } from './helpers/cli-process.js';
import { DEVELOPER_TOKEN, jobArgs, JOB_ENV } from './helpers/job-args.js';
import { simulatorFor } from './helpers/simulator.js';

const simulator = simulatorFor;

const CLEAR_LINE = '\r\u001b[K';

function hasControlCharacters(text: string): boolean {
  return text.includes('\r') || text.includes('\u001b');
}

function jsonLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// End-to-end: the built CLI (npm run build first) against the simulator.

test('--log-format json: every stderr line is one JSON object with time, level and event, and no token appears', async (t) => {
  const dir = await tempDir(t);
  const personas = ['mfa', 'nomfa', 'e117x1+mfa', 'e0', 'e105', 'mfa', 'e0'];
  const tokens = await writeTokens(join(dir, 'tokens.csv'), personas, ['u9001,,rt.mfa.u9001.R3fr3shS3cr3tZ', ',at.mfa.nobody.N0b0dyS3cr3t,']);
  const sim = await simulator(t);
  const run = await runCli(jobArgs(dir, sim, { 'log-format': 'json' }), JOB_ENV);
  assert.equal(run.code, 75, run.stderr);
  const lines = jsonLines(run.stderr);
  for (const line of lines) {
    assert.ok(typeof line.time === 'string' && !Number.isNaN(Date.parse(line.time)), JSON.stringify(line));
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(line.level)));
    assert.equal(typeof line.event, 'string');
  }
  for (const secret of [...tokens, 'R3fr3shS3cr3tZ', 'N0b0dyS3cr3t', DEVELOPER_TOKEN]) assert.ok(!run.stderr.includes(secret), 'a secret leaked into the logs');
  assert.ok(!hasControlCharacters(run.stderr), 'no control characters off a terminal');
  const events = lines.map((line) => line.event);
  assert.ok(events.includes('throttle_pause') && events.includes('summary'), events.join());
  const exhausted = lines.filter((line) => line.event === 'retries_exhausted');
  assert.deepEqual(exhausted.map((line) => line.user_id).sort(), ['u0004', 'u0007']);
  for (const line of exhausted) {
    assert.deepEqual([line.level, line.outcome, line.error_code, line.attempt], ['warn', 'server_error', '0', 2]);
    assert.equal(typeof line.tracking_id, 'string');
  }
  const pause = lines.find((line) => line.event === 'throttle_pause');
  assert.deepEqual([pause?.user_id, pause?.error_code, pause?.wait_ms], ['u0003', '117', 20]);
});

test('--log-format json: the error that ends a run is a JSON line too (usage error, exit 2)', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), ['mfa']);
  const run = await runCli(jobArgs(dir, await simulator(t), { concurrency: '0', 'log-format': 'json' }), JOB_ENV);
  assert.equal(run.code, 2);
  const [line, ...rest] = jsonLines(run.stderr);
  assert.deepEqual(rest, []);
  assert.deepEqual([line?.level, line?.event, line?.code, line?.exit_code], ['error', 'usage_error', 'E_USAGE', 2]);
  assert.match(String(line?.message), /--concurrency: expected an integer/);
});

test('config circuit breaker: a developer token refused for everyone (105) stops the run with exit 78 after a handful of requests', async (t) => {
  const dir = await tempDir(t);
  const tokens = join(dir, 'tokens.csv');
  await writeTokens(tokens, Array.from({ length: 300 }, (_, i) => (i % 2 ? 'mfa' : 'nomfa')));
  // Users whose outcome says nothing about the configuration come first: they must not disarm the breaker.
  const [header, ...rows] = readFileSync(tokens, 'utf8').split('\n');
  writeFileSync(tokens, [header, 'r1,,rt.mfa.r1.x', 'r2,,rt.mfa.r2.x', ...rows].join('\n'));
  const sim = await simulator(t, { developerToken: DEVELOPER_TOKEN });
  const wrong = { MFA_ADOPTION_DEVELOPER_TOKEN: 'a-wrong-developer-token' };
  const run = await runCli(jobArgs(dir, sim, { 'log-format': 'json' }), wrong);
  assert.equal(run.code, 78, run.stderr);
  assert.ok(sim.log.length <= 20, `${sim.log.length} requests sent: a handful, not 300`);
  const last = jsonLines(run.stderr).at(-1);
  assert.deepEqual([last?.event, last?.exit_code], ['config_refused', 78]);
  assert.match(String(last?.message), /error 105 .*--developer-token/);
  assert.ok(!run.stderr.includes('a-wrong-developer-token'));
  const recorded = [...statuses(join(dir, 'results.csv')).keys()];
  assert.deepEqual(recorded.sort(), ['r1', 'r2'], 'the users refused with 105 were not recorded as auth_failed');

  const fixed = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal(statuses(join(dir, 'results.csv')).size, 302);
});

test('--dry-run prints row counts, invalid and duplicate rows and the expected duration, and sends nothing', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), Array.from({ length: 300 }, () => 'mfa'), ['u0001,at..dup.x,', 'u0999,,', ',at..x.y,']);
  const sim = await simulator(t);
  const run = await runCli(jobArgs(dir, sim, { 'dry-run': true, rate: '10' }), {});
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /rows: 303 \(300 users, 2 invalid rows, 1 duplicate rows\)/);
  assert.match(run.stdout, /to check: 300 users/);
  assert.match(run.stdout, /expected duration: at least 30s \(300 requests at --rate 10\/s, up to 8 in flight\)/);
  const unlimited = await runCli(jobArgs(dir, sim, { 'dry-run': true, rate: '0' }), {});
  assert.match(unlimited.stdout, /not bounded by --rate .*--concurrency 8/);
  assert.equal(sim.log.length, 0, 'no request was sent');
  assert.equal(existsSync(join(dir, 'results.csv')) || existsSync(join(dir, 'results.csv.lock')), false, 'nothing written');
});

test('--dry-run --resume counts the users already final in the results file', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), ['mfa', 'e0', 'nomfa', 'mfa']);
  const sim = await simulator(t);
  assert.equal((await runCli(jobArgs(dir, sim), JOB_ENV)).code, 75);
  const run = await runCli(jobArgs(dir, sim, { 'dry-run': true, resume: true }), {});
  assert.match(run.stdout, /resume: 3 users already final in .* are kept\nto check: 1 users/);
});

// Progress, in-process with a virtual clock.

/** A world whose stderr keeps what is written, synchronously. */
function world(isTTY: boolean): { world: World; clock: FakeClock; stderr: Writable; text: () => string } {
  const clock = new FakeClock();
  let text = '';
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { world: { clock, random: Math.random, stdout: new PassThrough(), stderr, isTTY }, clock, stderr, text: () => text };
}

/** The timer's tick, out of the way: these tests move the virtual clock themselves. */
const HOUR = 3_600_000;

function row(outcome: ResultRow['outcome']): ResultRow {
  return { userId: 'u', outcome, attempts: 1, checkedAt: '' };
}

test('progress off a terminal: a JSON progress event every 5 s of the clock with done, total, rate, ETA and outcomes', async () => {
  const { world: w, clock, stderr, text } = world(false);
  const log = createLogger('json', stderr, new Redactor(), () => clock.now());
  const progress = createProgress(w, log, 100, liveLineFor(w, 'json'), HOUR);
  for (let i = 0; i < 40; i++) {
    await clock.advance(500);
    progress.record(row(i % 4 === 0 ? 'auth_failed' : 'ok'));
    progress.record(row('invalid_row'));
  }
  progress.stop();
  const events = jsonLines(text());
  assert.equal(events.length, (40 * 500) / EVENT_MS);
  assert.ok(events.every((event) => event.event === 'progress' && event.level === 'info'));
  assert.deepEqual(events[0], { time: events[0]?.time, level: 'info', event: 'progress', message: '10/100 users checked', done: 10, total: 100, rate_per_s: 2, eta_s: 45, auth_failed: 3, ok: 7 });
  assert.ok(!hasControlCharacters(text()));
});

test('progress on a terminal: one live line, redrawn at most 5 times a second, log lines written above it, cleared at the end', async () => {
  const { world: w, clock, text } = world(true);
  const live = liveLineFor(w, 'text');
  assert.ok(live);
  const log = createLogger('text', live.stream, new Redactor(), () => clock.now());
  const progress = createProgress(w, log, 50, live, HOUR);
  for (let i = 0; i < 20; i++) {
    await clock.advance(50);
    progress.record(row('ok'));
  }
  const draws = text().split(CLEAR_LINE).filter(Boolean);
  assert.equal(draws.length, (20 * 50) / REDRAW_MS);
  assert.equal(draws.at(-1), '20/50 users · 20.0/s · ETA 2s · ok 20');
  log.log('warn', 'throttle_pause', 'throttled');
  assert.match(text().split(CLEAR_LINE).at(-1) ?? '', /^\S+ WARN {2}throttled\n20\/50 users · /, 'the log line above, the status redrawn below');
  progress.stop();
  assert.ok(text().endsWith(CLEAR_LINE));
});

test('a JSON log on a terminal gets progress events, never a live line', () => {
  assert.equal(liveLineFor(world(true).world, 'json'), undefined);
  assert.equal(liveLineFor(world(false).world, 'text'), undefined);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LockedError, UsageError } from '../src/errors.js';
import { currentPidNamespace, STALE_AFTER_MS } from '../src/output/lock-owner.js';
import { lockResults } from '../src/output/lock.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { resultLines, runCli, spawnCli, tempDir, waitFor, writeTokens } from './helpers/cli-process.js';
import { jobArgs, JOB_ENV } from './helpers/job-args.js';

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  assert.ok(pid);
  return pid;
}

interface Owner {
  pid: number;
  hostname?: string;
  pidNamespace?: string;
}

/** A lock file as another run writes it; by default from this host and pid namespace. */
function writeLock(path: string, owner: Owner, ageMs = 0): void {
  const here = { hostname: hostname(), pidNamespace: currentPidNamespace() };
  writeFileSync(path, JSON.stringify({ ...here, startedAt: '2026-01-01T00:00:00.000Z', nonce: 'n', ...owner }));
  const at = new Date(Date.now() - ageMs);
  utimesSync(path, at, at);
}

async function output(t: TestContext): Promise<string> {
  return join(await tempDir(t), 'results.csv');
}

test('lockResults writes <output>.lock with pid, hostname and startedAt, and release removes it', async (t) => {
  const results = await output(t);
  const lock = await lockResults(results);
  assert.equal(lock.path, `${results}.lock`);
  const owner = JSON.parse(readFileSync(lock.path, 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.hostname, hostname());
  assert.ok(!Number.isNaN(Date.parse(owner.startedAt)));
  assert.equal(lock.tookOverFrom, undefined);
  await lock.release();
  assert.equal(existsSync(lock.path), false);
});

test('a held lock keeps its mtime fresh (the heartbeat other hosts judge it by)', async (t) => {
  const results = await output(t);
  const lock = await lockResults(results, 10);
  t.after(() => lock.release());
  const old = new Date(Date.now() - STALE_AFTER_MS - 60_000);
  utimesSync(lock.path, old, old);
  await waitFor(() => statSync(lock.path).mtimeMs > old.getTime() + 60_000, 'a heartbeat');
});

test('a lock this process holds is busy: LockedError, exit 75, naming the lock file and the pid', async (t) => {
  const results = await output(t);
  const lock = await lockResults(results);
  t.after(() => lock.release());
  const refused = await lockResults(results).catch((error: unknown) => error);
  assert.ok(refused instanceof LockedError);
  assert.equal(refused.exitCode, 75);
  assert.ok(refused.message.includes(`${results}.lock`), refused.message);
  assert.match(refused.message, new RegExp(`pid ${process.pid} on `));
});

test('a lock held by a live process on this host is busy', async (t) => {
  const results = await output(t);
  writeLock(`${results}.lock`, { pid: process.ppid });
  await assert.rejects(lockResults(results), LockedError);
  assert.equal(JSON.parse(readFileSync(`${results}.lock`, 'utf8')).pid, process.ppid, 'left as it was');
});

test('a lock whose pid is gone is stale and taken over', async (t) => {
  const results = await output(t);
  const gone = deadPid();
  writeLock(`${results}.lock`, { pid: gone });
  const lock = await lockResults(results);
  t.after(() => lock.release());
  assert.match(lock.tookOverFrom ?? '', new RegExp(`pid ${gone} `));
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
});

test('a lock naming this very pid in this pid namespace, not held by this process, was left by a run that is gone', async (t) => {
  const results = await output(t);
  writeLock(`${results}.lock`, { pid: process.pid });
  const lock = await lockResults(results);
  t.after(() => lock.release());
  assert.ok(lock.tookOverFrom);
});

test('a lock from another host is busy while its heartbeat is fresh, and taken over once it stopped', async (t) => {
  const results = await output(t);
  writeLock(`${results}.lock`, { pid: process.ppid, hostname: 'other-pod-7f9c' }, 5_000);
  await assert.rejects(lockResults(results), /other-pod-7f9c/);
  writeLock(`${results}.lock`, { pid: process.ppid, hostname: 'other-pod-7f9c' }, STALE_AFTER_MS + 60_000);
  const lock = await lockResults(results);
  t.after(() => lock.release());
  assert.match(lock.tookOverFrom ?? '', /other-pod-7f9c/);
});

test('a lock from another container (same hostname, another pid namespace) is busy while its heartbeat is fresh, whatever its pid', { skip: currentPidNamespace() === undefined && 'pid namespaces are Linux only' }, async (t) => {
  const results = await output(t);
  const elsewhere = { pid: deadPid(), pidNamespace: 'pid:[1]' };
  writeLock(`${results}.lock`, elsewhere, 5_000);
  await assert.rejects(lockResults(results), LockedError);
  writeLock(`${results}.lock`, { ...elsewhere, pid: process.pid }, 5_000);
  await assert.rejects(lockResults(results), LockedError);
  writeLock(`${results}.lock`, elsewhere, STALE_AFTER_MS + 60_000);
  const lock = await lockResults(results);
  await lock.release();
});

test('an unreadable lock file counts as held until its heartbeat is stale', async (t) => {
  const results = await output(t);
  writeFileSync(`${results}.lock`, '');
  await assert.rejects(lockResults(results), /unknown process/);
  const old = new Date(Date.now() - STALE_AFTER_MS - 60_000);
  utimesSync(`${results}.lock`, old, old);
  const lock = await lockResults(results);
  await lock.release();
});

test('release leaves alone a lock file that is no longer its own', async (t) => {
  const results = await output(t);
  const lock = await lockResults(results);
  writeLock(lock.path, { pid: process.ppid });
  await lock.release();
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.ppid);
});

test('an --output in a folder that does not exist is a usage error (exit 2), not a lock conflict', async (t) => {
  const results = join(await tempDir(t), 'missing', 'results.csv');
  const error = await lockResults(results).catch((caught: unknown) => caught);
  assert.ok(error instanceof UsageError, String(error));
  assert.match(error.message, /cannot create the lock file/);
});

// End-to-end: the built CLI (npm run build first) against the simulator.

async function slowJob(t: TestContext): Promise<{ dir: string; sim: Simulator }> {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), Array.from({ length: 12 }, () => 'slow250+mfa'));
  const sim = await startSimulator();
  t.after(() => sim.close());
  return { dir, sim };
}

test('two runs on one results file: the second exits 75 at once naming the lock and the first run pid, the first completes', async (t) => {
  const { dir, sim } = await slowJob(t);
  const first = spawnCli(jobArgs(dir, sim, { concurrency: '2' }), JOB_ENV);
  await waitFor(() => sim.log.length > 0, 'the first run working');
  for (const flags of [{ resume: true }, {}] as Array<Record<string, true>>) {
    const second = await runCli(jobArgs(dir, sim, { concurrency: '2', ...flags }), JOB_ENV);
    assert.equal(second.code, 75, second.stderr);
    assert.ok(second.stderr.includes(join(dir, 'results.csv.lock')), second.stderr);
    assert.match(second.stderr, new RegExp(`pid ${first.child.pid} on `));
    assert.equal(second.stdout, '');
  }
  assert.equal((await first.exited).code, 0, first.stderr);
  assert.equal(resultLines(join(dir, 'results.csv')).length, 12);
  assert.equal(sim.log.length, 12, 'the refused runs sent nothing');
});

test('the lock of a SIGKILLed run does not block the next one: it is taken over', async (t) => {
  const { dir, sim } = await slowJob(t);
  const killed = spawnCli(jobArgs(dir, sim, { concurrency: '2' }), JOB_ENV);
  await waitFor(() => sim.log.length > 0, 'the first run working');
  killed.child.kill('SIGKILL');
  await killed.exited;
  assert.ok(existsSync(join(dir, 'results.csv.lock')));
  const next = await runCli(jobArgs(dir, sim, { concurrency: '4', resume: true }), JOB_ENV);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`took over .*pid ${killed.child.pid} `));
  assert.equal(existsSync(join(dir, 'results.csv.lock')), false);
});

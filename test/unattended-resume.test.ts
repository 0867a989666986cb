import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resultLines, runCli, seeded, spawnCli, statuses, tempDir, userId, waitFor, writeTokens } from './helpers/cli-process.js';
import { jobArgs, JOB_ENV } from './helpers/job-args.js';
import { simulatorFor } from './helpers/simulator.js';

// End-to-end: the built CLI (npm run build first) in a subprocess against the simulator.

const simulator = simulatorFor;

/** Mostly final outcomes, some throttled once (then ok), some failing for good (never final). */
function mixedPersona(i: number): string {
  if (i % 25 === 24) return 'e0';
  return ['mfa', 'mfa', 'mfa', 'nomfa', 'nomfa', '', 'e105', 'e117x1', 'mfa', 'nomfa'][i % 10] ?? '';
}

function readReport(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}

function assertOneRowPerUser(path: string, users: number): void {
  const lines = resultLines(path);
  assert.equal(lines.length, users, 'one row per user');
  assert.equal(statuses(path).size, users, 'no user twice');
}

test('a run SIGKILLed at seeded random points and resumed ends with the rows and report of an uninterrupted run', async (t) => {
  const personas = Array.from({ length: 300 }, (_, i) => mixedPersona(i));
  const refDir = await tempDir(t);
  await writeTokens(join(refDir, 'tokens.csv'), personas);
  const reference = await runCli(jobArgs(refDir, await simulator(t, { latencyMs: 15 })), JOB_ENV);
  assert.equal(reference.code, 75, reference.stderr);

  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), personas);
  const sim = await simulator(t, { latencyMs: 15 });
  const results = join(dir, 'results.csv');
  const random = seeded(20261204);
  const newRowsBeforeKill = [0, ...Array.from({ length: 3 }, () => 1 + Math.floor(random() * 70))];
  for (const [i, newRows] of newRowsBeforeKill.entries()) {
    const before = resultLines(results).length;
    const run = spawnCli(jobArgs(dir, sim, i === 0 ? {} : { resume: true }), JOB_ENV);
    const ready = () => (newRows === 0 ? existsSync(`${results}.lock`) : resultLines(results).length >= before + newRows);
    await waitFor(ready, `kill point ${i}`);
    run.child.kill('SIGKILL');
    assert.equal((await run.exited).signal, 'SIGKILL', `run ${i} was killed, not finished`);
    assert.ok(existsSync(`${results}.lock`), 'a killed run leaves its lock behind');
    if (i > 0) assert.match(run.stderr, /took over/, 'the stale lock of the killed run was taken over');
  }
  const last = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(last.code, 75, last.stderr);
  assertOneRowPerUser(results, personas.length);
  assert.deepEqual(statuses(results), statuses(join(refDir, 'results.csv')));
  const [report, expected] = [readReport(dir), readReport(refDir)];
  for (const part of ['users', 'adoption', 'input'] as const) assert.deepEqual(report[part], expected[part], part);
  assert.equal(existsSync(`${results}.lock`), false, 'the lock is released');
});

test('--resume tolerates a torn last line: that user is checked again, every other kept', async (t) => {
  const dir = await tempDir(t);
  const personas = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'nomfa' : 'mfa'));
  await writeTokens(join(dir, 'tokens.csv'), personas);
  const sim = await simulator(t);
  assert.equal((await runCli(jobArgs(dir, sim), JOB_ENV)).code, 0);
  const results = join(dir, 'results.csv');
  const complete = statuses(results);
  const [header, ...rows] = readFileSync(results, 'utf8').trimEnd().split('\n');
  const torn = rows[35] ?? '';
  writeFileSync(results, [header, ...rows.slice(0, 35)].join('\n') + '\n' + torn.slice(0, torn.length / 2));
  const lost = rows.slice(35).map((row) => row.split(',')[0]);
  sim.log.length = 0;

  const resumed = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertOneRowPerUser(results, 40);
  assert.deepEqual(statuses(results), complete);
  const checkedAgain = sim.log.map((entry) => entry.user.split('.')[1]);
  assert.deepEqual(checkedAgain.sort(), lost.sort(), 'only the torn row and the rows after it are checked again');
});

test('without --resume an existing results file is refused with exit 2; --resume without one starts afresh', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), ['mfa', 'nomfa', 'mfa']);
  const sim = await simulator(t);
  const first = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(first.code, 0, first.stderr);
  assertOneRowPerUser(join(dir, 'results.csv'), 3);
  const again = await runCli(jobArgs(dir, sim), JOB_ENV);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /results file exists; pass --resume/);
  assert.equal(sim.log.length, 3, 'the refused run sent nothing');
});

test('SIGTERM: no new request is sent, requests in flight finish, the report says incomplete, exit 130, and --resume completes', async (t) => {
  const dir = await tempDir(t);
  const personas = ['slow2000+mfa', 'slow2000+nomfa', ...Array.from({ length: 28 }, () => 'mfa')];
  await writeTokens(join(dir, 'tokens.csv'), personas);
  const sim = await simulator(t);
  const run = spawnCli(jobArgs(dir, sim, { concurrency: '2' }), JOB_ENV);
  await waitFor(() => sim.log.length === 2, 'two requests in flight');
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 130, run.stderr);
  assert.match(run.stderr, /SIGTERM: sending no new requests/);
  assert.equal(sim.log.length, 2, 'nothing sent after the signal');
  assert.deepEqual(statuses(join(dir, 'results.csv')), new Map([[userId(0), 'true,ok'], [userId(1), 'false,ok']]));
  assert.equal(readReport(dir).run.complete, false);
  assert.equal(existsSync(join(dir, 'results.csv.lock')), false, 'the lock is released');

  const resumed = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertOneRowPerUser(join(dir, 'results.csv'), 30);
  assert.equal(readReport(dir).run.complete, true);
  assert.equal(sim.log.length, 30, 'the two finished users were not checked again');
});

test('SIGTERM with requests hanging past --shutdown-grace: they are abandoned, exit 130, and those users are checked on --resume', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), ['hangx1+mfa', 'hangx1+nomfa', 'mfa', 'mfa']);
  const sim = await simulator(t);
  const run = spawnCli(jobArgs(dir, sim, { concurrency: '2', 'shutdown-grace': '100' }), JOB_ENV);
  await waitFor(() => sim.log.length === 2, 'two requests hanging');
  run.child.kill('SIGTERM');
  assert.equal((await run.exited).code, 130, run.stderr);
  assert.equal(resultLines(join(dir, 'results.csv')).length, 0, 'no row for an abandoned user');
  assert.equal(readReport(dir).run.complete, false);

  const resumed = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(resumed.code, 0, resumed.stderr);
  const expected = new Map([[userId(0), 'true,ok'], [userId(1), 'false,ok'], [userId(2), 'true,ok'], [userId(3), 'true,ok']]);
  assert.deepEqual(statuses(join(dir, 'results.csv')), expected);
});

test('a second signal exits at once, releasing the lock and leaving a resumable results file', async (t) => {
  const dir = await tempDir(t);
  await writeTokens(join(dir, 'tokens.csv'), ['hangx1+mfa', 'hangx1+mfa', 'nomfa', 'nomfa']);
  const sim = await simulator(t);
  const run = spawnCli(jobArgs(dir, sim, { concurrency: '2', 'shutdown-grace': '600000', timeout: '600000' }), JOB_ENV);
  await waitFor(() => sim.log.length === 2, 'two requests hanging');
  run.child.kill('SIGTERM');
  await waitFor(() => run.stderr.includes('SIGTERM'), 'the first signal noticed');
  run.child.kill('SIGINT');
  assert.equal((await run.exited).code, 130, run.stderr);
  assert.match(run.stderr, /SIGINT again: exiting at once/);
  assert.equal(existsSync(join(dir, 'report.json')), false, 'no report: it exited at once');
  assert.equal(existsSync(join(dir, 'results.csv.lock')), false, 'the lock is released on exit');

  const resumed = await runCli(jobArgs(dir, sim, { resume: true }), JOB_ENV);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertOneRowPerUser(join(dir, 'results.csv'), 4);
});

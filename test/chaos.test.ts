import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Report } from '../src/report/build-report.js';
import { startSimulator, type SimLogEntry } from '../src/simulator/server.js';
import { runCli, tempDir } from './helpers/cli-process.js';
import { JOB_ENV, jobArgs } from './helpers/job-args.js';

// The built CLI (npm run build first) against the simulator's seeded fault mix: about 10 %
// error 0 / HTTP 503, 5 % error 117, 2 % connection resets, 2 % requests that hang (cut off by
// a short --timeout) and 1 % malformed bodies, over 2,000 users. Every figure the run reports
// is checked against the simulator's own log of what it answered.

const USERS = 2_000;
const FAULT_MIX = { seed: 7, error0: 0.05, http5xx: 0.05, throttle117: 0.05, reset: 0.02, hang: 0.02, malformed: 0.01 };

/** What the contract makes of a user's last answer, when retries ran out on it. */
function outcomeOf(entry: SimLogEntry): string {
  if (entry.result === 'ok') return 'ok';
  const byCode: Record<string, string> = { '0': 'server_error', '117': 'throttled', html503: 'server_error', reset: 'network_error', hang: 'network_error', malformed: 'protocol_error' };
  const outcome = byCode[entry.code ?? ''];
  assert.ok(outcome, `the fault mix answered something unexpected: ${JSON.stringify(entry)}`);
  return outcome;
}

/** Each user's service answers in the order the simulator logged them (keys are ".<id>"). */
function answersByUser(log: readonly SimLogEntry[]): Map<string, SimLogEntry[]> {
  const byUser = new Map<string, SimLogEntry[]>();
  for (const entry of log) {
    if (entry.path === 'oauth') continue;
    const id = entry.user.slice(1);
    byUser.set(id, [...(byUser.get(id) ?? []), entry]);
  }
  return byUser;
}

interface ResultRow {
  user_id: string;
  mfa_status: string;
  outcome: string;
  attempts: string;
}

describe('chaos: a fault mix over 2,000 users', { timeout: 120_000 }, () => {
  test('one row per user, each the outcome of its last answer, and the report counts what the simulator logged', async (t) => {
    const sim = await startSimulator({ faultMix: FAULT_MIX });
    t.after(() => sim.close());
    const dir = await tempDir(t);
    const ids = Array.from({ length: USERS }, (_, i) => `c${i + 1}`);
    await writeFile(join(dir, 'tokens.csv'), ['user_id,access_token', ...ids.map((id) => `${id},at..${id}.chaosTail${id}`)].join('\n') + '\n');

    // Two retries: most users get through, a few end on a fault, so both kinds of row are checked.
    const flags = { concurrency: '16', retries: '2', 'retry-delay': '1', 'throttle-wait': '2', timeout: '400', 'log-format': 'json' };
    const run = await runCli(jobArgs(dir, sim, flags), JOB_ENV);

    assert.ok(run.code === 0 || run.code === 75, `exit ${run.code}: ${run.stderr.slice(-2000)}`);
    assert.doesNotMatch(run.stderr, /internal error|Warning/);
    const rows = parse(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as ResultRow[];
    assert.deepEqual(rows.map((row) => row.user_id).sort(), [...ids].sort(), 'exactly one row per user');

    const byUser = answersByUser(sim.log);
    const expected = { requests: 0, throttledRetries: 0, enabled: 0, byOutcome: {} as Record<string, number> };
    for (const row of rows) {
      const answers = byUser.get(row.user_id) ?? [];
      const last = answers.at(-1);
      assert.ok(last, `${row.user_id} has a row but the simulator never heard of it`);
      const outcome = outcomeOf(last);
      assert.equal(row.outcome, outcome, `${row.user_id}: last answer ${JSON.stringify(last)}`);
      assert.equal(row.mfa_status, last.result === 'ok' ? String(last.mfaStatus) : '', `${row.user_id}: status of its last answer`);
      assert.equal(Number(row.attempts), answers.length, `${row.user_id}: attempts`);
      expected.requests += answers.length;
      expected.throttledRetries += answers.slice(0, -1).filter((entry) => entry.code === '117').length;
      expected.enabled += last.result === 'ok' && last.mfaStatus === true ? 1 : 0;
      expected.byOutcome[outcome] = (expected.byOutcome[outcome] ?? 0) + 1;
    }
    assert.ok(sim.log.some((entry) => entry.code === 'hang'), 'the mix really hung some requests');

    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;
    assert.equal(report.calls.requests, sim.log.length, 'requests: the simulator logged every one');
    assert.equal(report.calls.requests, expected.requests);
    assert.equal(report.calls.retries, expected.requests - USERS);
    assert.equal(report.calls.throttled, expected.throttledRetries);
    assert.equal(report.users.eligible, USERS);
    assert.equal(report.users.mfaEnabled, expected.enabled);
    for (const [outcome, count] of Object.entries(report.users.byOutcome)) {
      assert.equal(count, expected.byOutcome[outcome] ?? 0, `byOutcome.${outcome}`);
    }
    assert.equal(report.run.complete, run.code === 0);
  });
});

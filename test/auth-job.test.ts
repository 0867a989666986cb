import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { journalPathFor } from '../src/auth/rotation-journal.js';
import type { RunOptions } from '../src/job/options.js';
import { identifyToken } from '../src/simulator/personas.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/server.js';
import { tempDir } from './helpers/temp-dir.js';
import { jobOptions, readCsv, runJobIn, SetClock, writeTokenCsv, type TokenRow } from './helpers/token-job.js';

// The job in this process against the simulator, with the token source it builds from --client-id.

async function simulator(t: TestContext, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  t.after(() => sim.close());
  return sim;
}

const serviceEntries = (sim: Simulator) => sim.log.filter((entry) => entry.path !== 'oauth');
const oauthEntries = (sim: Simulator) => sim.log.filter((entry) => entry.path === 'oauth');
const iso = (ms: number) => new Date(ms).toISOString();

/** The newest refresh token the simulator issued to each user id. */
function newestIssued(sim: Simulator): Map<string, string> {
  return new Map(sim.issuedRefreshTokens.map((token) => [identifyToken(token).id, token]));
}

async function run(t: TestContext, sim: Simulator, rows: TokenRow[], overrides: Partial<RunOptions> = {}, clock = new SetClock()) {
  const dir = await tempDir(t);
  await writeTokenCsv(join(dir, 'tokens.csv'), rows);
  const options = jobOptions(dir, sim, { report: join(dir, 'report.json'), ...overrides });
  const { summary, log } = await runJobIn(options, clock);
  const results = new Map(readCsv(options.output).map((row) => [row.user_id, row]));
  return { dir, summary, log, results, report: summary.report };
}

describe('refreshing within a run', () => {
  test('users without an access token, or whose token expires within 5 minutes, are refreshed before the call and never get a 109', async (t) => {
    const sim = await simulator(t);
    const clock = new SetClock();
    const rows = [
      { user: 'u1', rt: 'rt.exp.u1.a' },
      { user: 'u2', at: 'at.exp.u2.a', rt: 'rt.exp.u2.a', exp: iso(clock.now() + 2 * 60_000) },
      { user: 'u3', at: 'at.mfa.u3.a', rt: 'rt.mfa.u3.a', exp: iso(clock.now() + 60 * 60_000) },
    ];
    const { results, report } = await run(t, sim, rows, {}, clock);
    assert.deepEqual(['u1', 'u2', 'u3'].map((id) => [results.get(id)?.outcome, results.get(id)?.attempts]), [['ok', '1'], ['ok', '1'], ['ok', '1']]);
    assert.equal(serviceEntries(sim).filter((entry) => entry.code === '109').length, 0);
    assert.deepEqual(oauthEntries(sim).map((entry) => entry.user).sort(), ['exp.u1', 'exp.u2']);
    assert.equal(report?.calls.tokenRefreshes, 2);
  });

  for (const transport of ['soap', 'rest'] as const) {
    test(`${transport}: an expired access token (109${transport === 'rest' ? ' / HTTP 401' : ''}) is refreshed once and the call retried with success`, async (t) => {
      const sim = await simulator(t);
      const { results, report } = await run(t, sim, [{ user: 'u4', at: 'at.exp.u4.a', rt: 'rt.exp.u4.a' }], { transport });
      assert.equal(results.get('u4')?.outcome, 'ok');
      assert.equal(results.get('u4')?.attempts, '2');
      assert.deepEqual(sim.log.map((entry) => [entry.path, entry.code ?? entry.result]), [[transport, '109'], ['oauth', 'ok'], [transport, 'ok']]);
      if (transport === 'rest') assert.equal(sim.log[0]?.httpStatus, 401);
      assert.equal(report?.calls.tokenRefreshes, 1);
    });
  }

  test('109 again with the fresh token is final (auth_failed 109): one refresh, no loop', async (t) => {
    const sim = await simulator(t);
    const { results } = await run(t, sim, [{ user: 'u5', at: 'at.e109.u5.a', rt: 'rt.e109.u5.a' }]);
    assert.equal(results.get('u5')?.outcome, 'auth_failed');
    assert.equal(results.get('u5')?.error_code, '109');
    assert.equal(oauthEntries(sim).length, 1);
    assert.equal(serviceEntries(sim).length, 2);
  });

  test('invalid_grant → reconsent_required in the results, counted in the report, and the Markdown says what to do', async (t) => {
    const sim = await simulator(t);
    const { dir, results, report } = await run(t, sim, [{ user: 'u6', rt: 'rt.revoked.u6.a' }, { user: 'u7', rt: 'rt.mfa.u7.a' }]);
    const row = results.get('u6');
    assert.equal(row?.outcome, 'reconsent_required');
    assert.equal(row?.error_code, 'invalid_grant');
    assert.match(row?.error_message ?? '', /^AADSTS70008: /);
    assert.equal(report?.users.reconsentRequired, 1);
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /## What to do[\s\S]*1 users must grant consent again/);
    assert.equal(serviceEntries(sim).length, 1, 'u6 is never sent to the service');
  });
});

describe('--tokens-out', () => {
  test('is the complete token file: every row in order, same columns, rotated tokens updated, mode 0600, never seen half-written', async (t) => {
    const sim = await simulator(t);
    const clock = new SetClock();
    const far = iso(clock.now() + 24 * 3_600_000);
    const bulk = 'x'.repeat(1500); // real refresh tokens are kilobytes long: a file of many write chunks
    const rows: TokenRow[] = Array.from({ length: 400 }, (_, i) => {
      const id = `u${i}`;
      if (i % 40 === 0) return { user: id, rt: `rt.mfa.${id}.${bulk}`, region: `r${i % 7}` };
      return { user: id, at: `at.nomfa.${id}.${bulk}`, rt: `rt.nomfa.${id}.${bulk}`, exp: far, region: `r${i % 7}` };
    });
    const dir = await tempDir(t);
    const input = join(dir, 'tokens.csv');
    const tokensOut = join(dir, 'tokens.next.csv');
    await writeTokenCsv(input, rows);
    await writeFile(tokensOut, 'old content\n');
    const seen = { old: 0, complete: 0 };
    let running = true;
    const watcher = (async () => {
      while (running) {
        const text = await readFile(tokensOut, 'utf8');
        if (text === 'old content\n') seen.old++;
        else {
          assert.equal(text.split('\n').length, rows.length + 2, 'a reader never sees a partial --tokens-out');
          seen.complete++;
        }
      }
    })();
    const { summary } = await runJobIn(jobOptions(dir, sim, { tokensOut, concurrency: 16 }), clock);
    running = false;
    await watcher;
    assert.equal(summary.exitCode, 0);
    assert.ok(seen.old > 0, 'the watcher ran while the job did');
    assert.equal(statSync(tokensOut).mode & 0o777, 0o600);
    const inputLines = readFileSync(input, 'utf8').split('\n');
    const outLines = readFileSync(tokensOut, 'utf8').split('\n');
    assert.equal(outLines[0], inputLines[0], 'same header');
    const issued = newestIssued(sim);
    assert.equal(issued.size, 10);
    const out = readCsv(tokensOut);
    assert.deepEqual(out.map((row) => row.user_id), rows.map((row) => row.user));
    for (const [i, row] of out.entries()) {
      if (i % 40 !== 0) assert.equal(outLines[i + 1], inputLines[i + 1], 'untouched rows are copied as they were');
      else {
        assert.equal(row.refresh_token, issued.get(row.user_id ?? ''));
        assert.match(row.access_token ?? '', /^at\.mfa\.u\d+\.m/);
        assert.equal(row.expires_at, iso(clock.now() + 3_600_000));
        assert.equal(row.region, `r${i % 7}`);
      }
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temp file left');
  });

  test('equal to --input: the input is rewritten with the new tokens and the journal removed; the next run uses them', async (t) => {
    const sim = await simulator(t, { oauth: { rejectSuperseded: true } });
    const dir = await tempDir(t);
    const input = join(dir, 'tokens.csv');
    await writeTokenCsv(input, [{ user: 'u1', rt: 'rt.mfa.u1.a' }, { user: 'u2', rt: 'rt.nomfa.u2.a' }]);
    const clock = new SetClock();
    await runJobIn(jobOptions(dir, sim, { tokensOut: input }), clock);
    assert.equal(existsSync(journalPathFor(input)), false, 'journal removed: its content is in the input');
    assert.equal(statSync(input).mode & 0o777, 0o600);
    const issued = newestIssued(sim);
    assert.deepEqual(readCsv(input).map((row) => row.refresh_token), [issued.get('u1'), issued.get('u2')]);
    clock.time += 2 * 3_600_000;
    await rename(join(dir, 'results.csv'), join(dir, 'results.1.csv'));
    const { summary } = await runJobIn(jobOptions(dir, sim, { tokensOut: input }), clock);
    assert.equal(summary.exitCode, 0);
    assert.deepEqual(oauthEntries(sim).map((entry) => entry.code ?? entry.result), ['ok', 'ok', 'ok', 'ok'], 'no invalid_grant: the rotated tokens were used');
  });
});

test('cron loop: run, swap --tokens-out in as the next input, run again, with access tokens expiring between and during runs', async (t) => {
  const clock = new SetClock();
  let serviceAhead = 0;
  const sim = await simulator(t, { now: () => clock.time + serviceAhead, oauth: { accessTokenLifetimeSeconds: 900, rejectSuperseded: true } });
  const dir = await tempDir(t);
  const input = join(dir, 'tokens.csv');
  const next = join(dir, 'tokens.next.csv');
  const users = Array.from({ length: 8 }, (_, i) => ({ user: `u${i}`, rt: `rt.${i % 2 ? 'mfa' : 'nomfa'}.u${i}.a`, region: i < 4 ? 'east' : 'west' }));
  await writeTokenCsv(input, users);
  const cronRun = async (label: string) => {
    const mark = sim.log.length;
    const { summary } = await runJobIn(jobOptions(dir, sim, { tokensOut: next, output: join(dir, `results.${label}.csv`), report: join(dir, `report.${label}.json`) }), clock);
    await rename(next, input);
    const entries = sim.log.slice(mark);
    return { summary, oauth: entries.filter((entry) => entry.path === 'oauth'), service: entries.filter((entry) => entry.path !== 'oauth') };
  };

  const first = await cronRun('1');
  assert.equal(first.summary.exitCode, 0);
  assert.equal(first.oauth.length, 8, 'run 1: no access tokens, every user refreshed');
  assert.deepEqual(readCsv(input).map((row) => row.expires_at), users.map(() => iso(clock.now() + 900_000)), 'expires_at from expires_in');

  clock.time += 4 * 60_000;
  serviceAhead = 12 * 60_000;
  const second = await cronRun('2');
  assert.equal(second.summary.exitCode, 0);
  assert.equal(second.service.filter((entry) => entry.code === '109').length, 8, 'run 2: the stored tokens (11 minutes left for the job) are expired when the service sees them');
  assert.equal(second.oauth.length, 8, 'run 2: one refresh per user after the 109');
  assert.equal(second.service.filter((entry) => entry.result === 'ok').length, 8);

  clock.time += 3 * 3_600_000;
  serviceAhead = 0;
  const third = await cronRun('3');
  assert.equal(third.summary.exitCode, 0);
  assert.equal(third.service.filter((entry) => entry.code === '109').length, 0, 'run 3: tokens that expired between runs are refreshed before the call');
  assert.equal(third.oauth.length, 8);

  assert.equal(sim.log.filter((entry) => entry.code === 'invalid_grant').length, 0, 'no superseded refresh token was ever sent');
  const issued = newestIssued(sim);
  assert.deepEqual(readCsv(input).map((row) => [row.user_id, row.refresh_token, row.region]), users.map((row) => [row.user, issued.get(row.user), row.region]));
});

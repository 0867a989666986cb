import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { journalPathFor } from '../src/auth/rotation-journal.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { CLI, runCli, tempDir } from './helpers/cli-process.js';
import { DEVELOPER_TOKEN, JOB_ENV, jobArgs } from './helpers/job-args.js';

// End to end: the built CLI (npm run build first) in a subprocess, against a simulator started
// here, once over each transport. Waits are shortened by the flags of jobArgs.

const CLIENT_ID = 'e2e-client';
const FIXTURE = fileURLToPath(new URL('../fixtures/tokens.csv', import.meta.url));
const RESULT_HEADER = ['user_id', 'mfa_status', 'outcome', 'error_code', 'error_message', 'tracking_id', 'attempts', 'checked_at'];

/** A secret-looking tail, so that a leaked token is unmistakable. */
const tail = (id: string) => `Zq9${id}Xk4TOKENTAIL${id.length}w`;
const at = (persona: string, id: string) => `at.${persona}.${id}.${tail(id)}`;
const rt = (persona: string, id: string) => `rt.${persona}.${id}.${tail(id)}R`;

interface InputRow {
  line: string;
  /** The outcome (and error code) the contract gives this row. */
  expect: { outcome: string; mfaStatus?: string; errorCode?: string };
}

const user = (id: string, access: string, refresh: string, expect: InputRow['expect']): InputRow => ({ line: `${id},${access},${refresh},`, expect });
const ok = (mfaStatus?: 'true' | 'false') => ({ outcome: 'ok', ...(mfaStatus ? { mfaStatus } : {}) });

/** Every kind of user the run meets: answers, transient faults that clear, refusals, refreshes, bad rows. */
const MAIN_INPUT: InputRow[] = [
  user('u01', at('mfa', 'u01'), rt('mfa', 'u01'), ok('true')),
  user('u02', at('nomfa', 'u02'), '', ok('false')),
  user('u03', at('', 'u03'), '', ok()),
  user('u04', at('e0x1+mfa', 'u04'), '', ok('true')),
  user('u05', at('e117x1+nomfa', 'u05'), '', ok('false')),
  user('u06', at('html503x1+mfa', 'u06'), '', ok('true')),
  user('u07', at('isfx1+nomfa', 'u07'), '', ok('false')),
  user('u08', at('resetx1+mfa', 'u08'), '', ok('true')),
  user('u09', at('malformedx1+mfa', 'u09'), '', ok('true')),
  user('u10', at('emptyx1+nomfa', 'u10'), '', ok('false')),
  user('u11', at('e105', 'u11'), '', { outcome: 'auth_failed', errorCode: '105' }),
  user('u12', at('e106+apifault', 'u12'), '', { outcome: 'auth_failed', errorCode: '106' }),
  user('u13', at('e108+h200', 'u13'), '', { outcome: 'auth_failed', errorCode: '108' }),
  user('u14', at('e3101', 'u14'), '', { outcome: 'reconsent_required', errorCode: '3101' }),
  user('u15', at('e120', 'u15'), '', { outcome: 'auth_failed', errorCode: '120' }),
  user('u16', at('e999', 'u16'), '', { outcome: 'auth_failed', errorCode: '999' }),
  user('u17', at('exp+mfa', 'u17'), rt('mfa', 'u17'), ok('true')),
  user('u18', '', rt('nomfa', 'u18'), ok('false')),
  user('u19', at('exp', 'u19'), rt('revoked', 'u19'), { outcome: 'reconsent_required', errorCode: 'invalid_grant' }),
  user('', at('mfa', 'nouser'), '', { outcome: 'invalid_row' }),
  user('u21', '', '', { outcome: 'invalid_row' }),
  user('u01', at('nomfa', 'dup'), '', { outcome: 'duplicate' }),
  { line: `u23,${at('mfa', 'u23')},,next tuesday`, expect: { outcome: 'invalid_row' } },
];

const tokensIn = (rows: InputRow[]) => rows.flatMap((row) => row.line.split(',').slice(1, 3)).filter((cell) => cell !== '');

async function writeInput(dir: string, rows: InputRow[]): Promise<void> {
  await writeFile(join(dir, 'tokens.csv'), ['user_id,access_token,refresh_token,expires_at', ...rows.map((row) => row.line)].join('\n') + '\n');
}

/** The data rows of a results file, after checking its header (the contract's columns, then any --group-by column). */
async function readRows(path: string): Promise<string[][]> {
  const [header = [], ...rows] = parse(await readFile(path, 'utf8')) as string[][];
  assert.deepEqual(header.slice(0, RESULT_HEADER.length), RESULT_HEADER);
  return rows;
}

/** stdout, stderr and every file the run wrote except the token files it is meant to write. */
async function everythingPrinted(dir: string, run: { stdout: string; stderr: string }): Promise<Record<string, string>> {
  const tokenFiles = new Set(['tokens.csv', 'tokens.next.csv', journalPathFor('tokens.csv')]);
  const texts: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
  for (const name of await readdir(dir)) if (!tokenFiles.has(name)) texts[name] = await readFile(join(dir, name), 'utf8');
  return texts;
}

const TOKEN_SHAPE = /\b(?:at|rt)\.[\w+]*\.[\w-]+\.[\w-]{6,}/;

function assertNoSecret(texts: Record<string, string>, secrets: string[]): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) assert.equal(text.includes(secret), false, `a secret appears in ${where}`);
    assert.doesNotMatch(text, TOKEN_SHAPE, `something shaped like a token appears in ${where}`);
  }
}

/** The facts that must not depend on the transport. */
interface RunFacts {
  rows: string[];
  report: unknown;
}
const factsByTransport = new Map<string, RunFacts>();

for (const transport of ['soap', 'rest'] as const) {
  describe(`end to end over ${transport.toUpperCase()}: node dist/cli.js run --transport ${transport}`, { timeout: 60_000 }, () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator({ developerToken: DEVELOPER_TOKEN, oauth: { clientId: CLIENT_ID } });
    });
    after(() => sim.close());
    const args = (dir: string, flags: Record<string, string | true> = {}) =>
      jobArgs(dir, sim, { transport, 'client-id': CLIENT_ID, 'token-url': sim.tokenUrl, 'tokens-out': join(dir, 'tokens.next.csv'), ...flags });

    test('every user final → exit 0; one row per input row; the report counts the rows; no token anywhere', async (t) => {
      const dir = await tempDir(t);
      await writeInput(dir, MAIN_INPUT);
      const run = await runCli(args(dir), JOB_ENV);
      assert.equal(run.code, 0, run.stderr);
      const rows = await readRows(join(dir, 'results.csv'));
      assert.equal(rows.length, MAIN_INPUT.length, 'one row per input row');

      const seen = rows.map(([id, mfa, outcome, code]) => ({ id, outcome, mfaStatus: mfa || undefined, errorCode: code || undefined }));
      for (const [i, row] of MAIN_INPUT.entries()) {
        const id = row.line.split(',')[0];
        const match = seen.find((s) => s.id === id && s.outcome === row.expect.outcome);
        assert.ok(match, `input line ${i + 2} (${id || 'no user_id'}): expected ${row.expect.outcome}, results hold ${JSON.stringify(seen.filter((s) => s.id === id))}`);
        if (row.expect.mfaStatus) assert.equal(match.mfaStatus, row.expect.mfaStatus, `${id} mfa_status`);
        if (row.expect.errorCode) assert.equal(match.errorCode, row.expect.errorCode, `${id} error_code`);
      }

      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      const byOutcome: Record<string, number> = report.users.byOutcome;
      const counted = (outcome: string) => rows.filter((r) => r[2] === outcome).length;
      for (const [outcome, count] of Object.entries(byOutcome)) assert.equal(count, counted(outcome), `byOutcome.${outcome}`);
      assert.equal(Object.values(byOutcome).reduce((a, b) => a + b, 0), rows.length);
      assert.deepEqual(report.input, { rows: rows.length, invalidRows: counted('invalid_row'), duplicateRows: counted('duplicate') });
      assert.equal(report.users.eligible, rows.length - counted('invalid_row') - counted('duplicate'));
      assert.equal(report.users.mfaEnabled, rows.filter((r) => r[2] === 'ok' && r[1] === 'true').length);
      assert.equal(report.users.mfaDisabled, rows.filter((r) => r[2] === 'ok' && r[1] === 'false').length);
      assert.equal(report.users.mfaEnabled + report.users.mfaDisabled + report.users.undetermined, report.users.eligible);
      assert.equal(report.run.transport, transport);
      assert.equal(report.run.complete, true);
      assert.equal(report.calls.tokenRefreshes, 3);
      assert.match(run.stdout, new RegExp(`wrote ${join(dir, 'results.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));

      assertNoSecret(await everythingPrinted(dir, run), [DEVELOPER_TOKEN, ...tokensIn(MAIN_INPUT), ...sim.issuedRefreshTokens]);
      factsByTransport.set(transport, {
        rows: rows.map(([id, mfa, outcome, code]) => `${id},${mfa},${outcome},${code}`).sort(),
        report: { input: report.input, users: report.users, adoption: report.adoption, calls: report.calls },
      });
    });

    test('a user who stays e0 with --retries 1 --retry-delay 1 → exit 75, not complete, resumable', async (t) => {
      const dir = await tempDir(t);
      const rows = [user('v1', at('mfa', 'v1'), '', ok('true')), user('v2', at('e0', 'v2'), '', { outcome: 'server_error' })];
      await writeInput(dir, rows);
      const run = await runCli(args(dir, { retries: '1', 'retry-delay': '1' }), JOB_ENV);
      assert.equal(run.code, 75, run.stderr);
      const results = await readRows(join(dir, 'results.csv'));
      assert.deepEqual(results.map((r) => [r[0], r[2], r[3], r[6]]).sort(), [['v1', 'ok', '', '1'], ['v2', 'server_error', '0', '2']]);
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      assert.equal(report.run.complete, false);
      assert.equal(report.users.byOutcome.server_error, 1);
      assert.match(run.stdout, /--resume/);
      assertNoSecret(await everythingPrinted(dir, run), [DEVELOPER_TOKEN, ...tokensIn(rows)]);
    });

    test('unusable input → exit 2 with file:line: problem, nothing sent, no results file', async (t) => {
      const dir = await tempDir(t);
      await writeFile(join(dir, 'tokens.csv'), `id,access_token\nu1,${at('mfa', 'u1')}\n`);
      const sent = sim.log.length;
      const run = await runCli(args(dir), JOB_ENV);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /tokens\.csv:1: no "user_id" column in the header/);
      assert.equal(sim.log.length, sent, 'no request reached the service or the token endpoint');
      assert.equal(existsSync(join(dir, 'results.csv')), false);
      assertNoSecret({ stdout: run.stdout, stderr: run.stderr }, [DEVELOPER_TOKEN, at('mfa', 'u1')]);
    });

    test('an existing results file without --resume → exit 2, the file untouched byte for byte, nothing sent', async (t) => {
      const dir = await tempDir(t);
      await writeInput(dir, MAIN_INPUT.slice(0, 3));
      const previous = `${RESULT_HEADER.join(',')}\nu01,true,ok,,,t1,1,2026-01-15T09:00:00.000Z\nu02,,server_error,0,,t2,4,2026-01-15T09:00:01.000Z\n`;
      const results = join(dir, 'results.csv');
      await writeFile(results, previous);
      const before = await stat(results);
      const sent = sim.log.length;
      const run = await runCli(args(dir), JOB_ENV);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--resume/);
      assert.deepEqual(await readFile(results), Buffer.from(previous));
      assert.equal((await stat(results)).mtimeMs, before.mtimeMs);
      assert.equal(sim.log.length, sent);
      assert.equal(existsSync(join(dir, 'report.json')), false);
    });
  });
}

describe('end to end: both transports give the same results and report', () => {
  test('same statuses, outcomes, error codes and counts over SOAP and REST', () => {
    const soap = factsByTransport.get('soap');
    const rest = factsByTransport.get('rest');
    assert.ok(soap && rest, 'both transport runs completed');
    assert.deepEqual(rest.rows, soap.rows);
    assert.deepEqual(rest.report, soap.report);
  });

  test('the demo fixtures give the same results and report over SOAP and REST', { timeout: 120_000, skip: !existsSync(FIXTURE) && 'fixtures/tokens.csv not generated yet' }, async (t) => {
    const facts: RunFacts[] = [];
    for (const transport of ['soap', 'rest']) {
      // A fresh service each time: refresh tokens rotate, and scripted faults count per user.
      const sim = await startSimulator({ developerToken: DEVELOPER_TOKEN, oauth: { clientId: CLIENT_ID } });
      t.after(() => sim.close());
      const dir = await tempDir(t);
      await copyFile(FIXTURE, join(dir, 'tokens.csv'));
      const flags = { transport, 'client-id': CLIENT_ID, 'token-url': sim.tokenUrl, 'group-by': 'region', retries: '3', concurrency: '16' };
      const run = await runCli(jobArgs(dir, sim, flags), JOB_ENV);
      assert.ok(run.code === 0 || run.code === 75, `${transport}: exit ${run.code}: ${run.stderr}`);
      const rows = await readRows(join(dir, 'results.csv'));
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      facts.push({ rows: rows.map(([id, mfa, outcome, code]) => `${id},${mfa},${outcome},${code}`).sort(), report: { input: report.input, users: report.users, adoption: report.adoption, groups: report.groups } });
    }
    const [soap, rest] = facts;
    assert.deepEqual(rest?.rows, soap?.rows);
    assert.deepEqual(rest?.report, soap?.report);
  });
});

/** `node dist/cli.js demo` with `cwd` as the working folder (the demo writes demo-output/ there). */
function demoIn(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'demo'], { cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('npm run demo, equivalent: node dist/cli.js demo', { timeout: 120_000 }, () => {
  test('exits 0 or 75 and writes results and report, one row per fixture row, no token printed', { skip: !existsSync(FIXTURE) && 'fixtures/tokens.csv not generated yet' }, async (t) => {
    const cwd = await tempDir(t);
    const run = await demoIn(cwd);
    assert.ok(run.code === 0 || run.code === 75, `exit ${run.code}: ${run.stderr}`);
    const out = join(cwd, 'demo-output');
    const rows = await readRows(join(out, 'results.csv'));
    const fixtureRows = (parse(await readFile(FIXTURE, 'utf8')) as string[][]).length - 1;
    assert.equal(rows.length, fixtureRows, 'one row per fixture row');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    assert.equal(report.input.rows, fixtureRows);
    assert.ok(existsSync(join(out, 'report.md')));
    assert.match(run.stdout, /results\.csv/);
    const fixtureTokens = (parse(await readFile(FIXTURE, 'utf8'), { columns: true }) as Array<Record<string, string>>)
      .flatMap((row) => [row.access_token ?? '', row.refresh_token ?? ''])
      .filter((token) => token.length > 8);
    assertNoSecret(await everythingPrinted(out, run), ['demo-developer-token', ...fixtureTokens]);
  });
});

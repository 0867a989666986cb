import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { runCli, tempDir } from './helpers/cli-process.js';
import { JOB_ENV } from './helpers/job-args.js';

// The corpus in fixtures/bad-input/, through the built CLI (npm run build first). A file that
// cannot be used is refused with exit 2 and `file:line: problem`, before anything is sent and
// without touching an earlier results file; a file with bad rows runs, and each bad row gets
// the outcome the contract names. Never exit 1.

const CORPUS = fileURLToPath(new URL('../fixtures/bad-input/', import.meta.url));

/** Files refused as a whole: the line and the problem stderr must name. */
const REFUSED: Array<[file: string, line: number, problem: RegExp]> = [
  ['no-header.csv', 1, /no "user_id" column in the header/],
  ['semicolon-delimiter.csv', 1, /no "user_id" column in the header \(is the file comma-separated\?\)/],
  ['tab-delimiter.csv', 1, /is the file comma-separated\?/],
  ['unbalanced-quotes.csv', 3, /never closed \(unbalanced quotes\)/],
  ['quote-inside-unquoted-field.csv', 3, /not a usable CSV: Invalid Opening Quote/],
  ['text-after-closing-quote.csv', 3, /not a usable CSV: Invalid Closing Quote/],
  ['binary-junk.csv', 1, /not UTF-8 text/],
  ['png-image.csv', 1, /not UTF-8 text/],
  ['gzip-compressed.csv', 1, /not UTF-8 text/],
  ['latin1-not-utf8.csv', 3, /not UTF-8 text/],
  ['utf16-with-bom.csv', 1, /not UTF-8 text/],
  ['duplicate-columns.csv', 1, /column "user_id" appears twice in the header/],
  ['empty.csv', 1, /empty file: a header row is required/],
  ['only-blank-lines.csv', 3, /no "user_id" column/],
  ['only-header.csv', 2, /no rows after the header: nothing to check/],
  ['no-token-column.csv', 1, /no access_token or refresh_token column/],
  ['no-user-id-column.csv', 1, /no "user_id" column in the header/],
  ['html-page.csv', 1, /no "user_id" column in the header/],
  ['json-array.csv', 1, /not a usable CSV/],
];

/** Files a run accepts: user_id → [outcome, mfa_status] of every row it must write. */
const ACCEPTED: Array<[file: string, rows: Record<string, [string, string]>]> = [
  ['bom-crlf.csv', { u1: ['ok', 'true'], u2: ['ok', 'false'] }],
  ['crlf-no-final-newline.csv', { u1: ['ok', 'true'], u2: ['ok', 'false'] }],
  ['header-case-and-spaces.csv', { u1: ['ok', 'true'], u2: ['ok', 'false'] }],
  ['quoted-multiline-field.csv', { u1: ['ok', 'true'], u2: ['ok', 'false'] }],
  ['ragged-rows.csv', { u1: ['ok', 'true'], u2: ['invalid_row', ''], u3: ['invalid_row', ''], u4: ['ok', 'false'] }],
  ['formula-user-ids.csv', { '=HYPERLINK("http://evil.example")': ['ok', 'true'], '+1+1': ['ok', 'false'], '@SUM(A1)': ['ok', 'true'], '-2': ['ok', 'false'] }],
];

const PREVIOUS_RESULTS =
  'user_id,mfa_status,outcome,error_code,error_message,tracking_id,attempts,checked_at\n' +
  'earlier,true,ok,,,7d8e4c1b-2a3f-4e5d-9c6b-1a2b3c4d5e6f,1,2026-01-01T00:00:00.000Z\n';

let sim: Simulator;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

/** Runs `input` with --resume over an earlier results file; returns the run and what the folder holds afterwards. */
async function refusedRun(t: TestContext, input: string) {
  const dir = await tempDir(t);
  const output = join(dir, 'results.csv');
  await writeFile(output, PREVIOUS_RESULTS);
  const run = await runCli(['run', '--input', input, '--output', output, '--endpoint', sim.url, '--resume'], JOB_ENV);
  return { ...run, results: await readFile(output, 'utf8'), files: await readdir(dir) };
}

function expectRefused(run: Awaited<ReturnType<typeof refusedRun>>, input: string, line: number, problem: RegExp): void {
  assert.equal(run.code, 2, `stderr: ${run.stderr}`);
  const message = run.stderr.trim().split('\n').at(-1) ?? '';
  assert.ok(message.startsWith(`mfa-adoption: ${input}:${line}: `), `expected ${input}:${line}: in ${JSON.stringify(message)}`);
  assert.match(message, problem);
  assert.equal(run.results, PREVIOUS_RESULTS, 'the earlier results file is untouched');
  assert.deepEqual(run.files, ['results.csv'], 'no file is left beside it');
  assert.equal(sim.log.length, 0, 'nothing was sent');
}

describe('bad input: refused whole with exit 2 and file:line, the earlier results file untouched', () => {
  for (const [file, line, problem] of REFUSED) {
    test(file, async (t) => {
      const input = join(CORPUS, file);
      sim.log.length = 0;
      expectRefused(await refusedRun(t, input), input, line, problem);
    });
  }

  test('a 10 MB field (generated here): refused at its line, not buffered', async (t) => {
    const input = join(await tempDir(t), 'huge-field.csv');
    await writeFile(input, `user_id,access_token\nu1,at..u1\nu2,${'x'.repeat(10 * 1024 * 1024)}\nu3,at..u3\n`);
    sim.log.length = 0;
    expectRefused(await refusedRun(t, input), input, 3, /over 65536 bytes/);
  });

  test('an input that does not exist', async (t) => {
    const input = join(await tempDir(t), 'missing.csv');
    sim.log.length = 0;
    const run = await refusedRun(t, input);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing\.csv:\d+: cannot read the file \(ENOENT\)/);
    assert.equal(run.results, PREVIOUS_RESULTS);
  });
});

describe('bad input: a file with bad rows runs, each bad row gets its outcome', () => {
  for (const [file, expected] of ACCEPTED) {
    test(file, async (t) => {
      const dir = await tempDir(t);
      const run = await runCli(['run', '--input', join(CORPUS, file), '--output', join(dir, 'results.csv'), '--endpoint', sim.url, '--rate', '0'], JOB_ENV);
      assert.equal(run.code, 0, run.stderr);
      const rows = parse(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
      const got = Object.fromEntries(rows.map((row) => [(row.user_id ?? '').replace(/^'/, ''), [row.outcome, row.mfa_status]]));
      assert.deepEqual(got, expected);
    });
  }

  test('bad-rows.csv: empty user_id, no token, unreadable expires_at are invalid_row; a repeated user_id is a duplicate', async (t) => {
    const dir = await tempDir(t);
    const run = await runCli(['run', '--input', join(CORPUS, 'bad-rows.csv'), '--output', join(dir, 'results.csv'), '--endpoint', sim.url, '--rate', '0'], JOB_ENV);
    assert.equal(run.code, 0, run.stderr);
    const rows = parse(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const summary = rows.map((row) => `${row.user_id}:${row.outcome}:${row.error_message}`).sort();
    assert.deepEqual(summary, [
      ':invalid_row:line 3: empty user_id',
      'u1:duplicate:line 6: user_id already seen earlier in the file',
      'u1:ok:',
      'u3:invalid_row:line 4: no access_token and no refresh_token',
      'u4:invalid_row:line 5: expires_at is neither ISO 8601 nor Unix seconds',
      'u6:ok:',
    ]);
  });

  test('formula-user-ids.csv: user ids a spreadsheet would run are neutralised in the results', async (t) => {
    const dir = await tempDir(t);
    await runCli(['run', '--input', join(CORPUS, 'formula-user-ids.csv'), '--output', join(dir, 'results.csv'), '--endpoint', sim.url, '--rate', '0'], JOB_ENV);
    const rows = parse(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((row) => row.user_id).sort(), ["'+1+1", "'-2", '\'=HYPERLINK("http://evil.example")', "'@SUM(A1)"]);
  });
});

test('the corpus holds at least 20 files, each named in a table here', async () => {
  const files = (await readdir(CORPUS)).filter((name) => name.endsWith('.csv')).sort();
  const named = new Set([...REFUSED.map(([file]) => file), ...ACCEPTED.map(([file]) => file), 'bad-rows.csv']);
  assert.ok(files.length >= 20, `${files.length} files`);
  assert.deepEqual(files.filter((file) => !named.has(file)), []);
});

import assert from 'node:assert/strict';
import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { parse } from 'csv-parse/sync';
import { InputError } from '../src/errors.js';
import { neutraliseCell, restoreCell } from '../src/output/cells.js';
import { readResults } from '../src/output/read-results.js';
import type { ResultRow } from '../src/output/result-row.js';
import { ResultsJournal } from '../src/output/results-journal.js';
import { tempDir } from './helpers/temp-dir.js';

const HEADER = 'user_id,mfa_status,outcome,error_code,error_message,tracking_id,attempts,checked_at';

async function collect(rows: AsyncIterable<ResultRow>): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function row(userId: string, extra: Partial<ResultRow> = {}): ResultRow {
  return { userId, mfaStatus: true, outcome: 'ok', attempts: 1, checkedAt: '2026-01-15T09:00:00.000Z', trackingId: `t-${userId}`, ...extra };
}

async function journalOf(t: TestContext, rows: ResultRow[], group?: string): Promise<string> {
  const path = join(await tempDir(t), 'results.csv');
  const journal = await ResultsJournal.create(path, group);
  for (const r of rows) journal.append(r, group);
  await journal.close();
  return path;
}

/** Cells a spreadsheet runs as a formula, or that hide one behind an apostrophe. */
const RISKY_VALUES = ['=1+1', '+SUM(A1:A2)', '-2+3', '@SUM(1)', '\t=cmd', '\r=cmd', "'already quoted", '=HYPERLINK("http://x","a,b")'];

describe('formula neutralisation', () => {
  test('risky cells get a leading apostrophe; ordinary cells are untouched', () => {
    for (const value of RISKY_VALUES) assert.equal(neutraliseCell(value), `'${value}`);
    for (const value of ['u1', 'true', '105', '', 'a=b', 'x-1', '2026-01-15T09:00:00.000Z', ' =leading space']) assert.equal(neutraliseCell(value), value);
  });

  test('restoreCell undoes neutraliseCell exactly, for every value', () => {
    for (const value of [...RISKY_VALUES, 'u1', '', "''", "'"]) assert.equal(restoreCell(neutraliseCell(value)), value);
  });

  test('round trip through the results file: written neutralised, read back as they were', async (t) => {
    const rows = [
      row('=cmd|"/c calc"!A0', { errorMessage: '+danger, with "quotes"', trackingId: '@tracking', group: '-west' }),
      row("'quoted", { outcome: 'auth_failed', mfaStatus: undefined, errorCode: '105', errorMessage: 'InvalidCredentials: bad', group: '=2' }),
      row('plain', { group: 'east' }),
    ];
    const path = await journalOf(t, rows, 'region');
    const cells = (parse(await readFile(path, 'utf8')) as string[][]).slice(1).flat();
    assert.deepEqual(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell)), [], 'no cell in the file starts a formula');
    assert.deepEqual(await collect(readResults(path)), rows.map((r) => ({ errorCode: undefined, errorMessage: undefined, ...r })));
  });

  test('the file has the contract\'s columns in order, one line per row', async (t) => {
    const path = await journalOf(t, [row('u1'), row('u2', { mfaStatus: false })]);
    assert.deepEqual((await readFile(path, 'utf8')).split('\n'), [
      HEADER,
      'u1,true,ok,,,t-u1,1,2026-01-15T09:00:00.000Z',
      'u2,false,ok,,,t-u2,1,2026-01-15T09:00:00.000Z',
      '',
    ]);
  });
});

describe('readResults: the journal after a crash', () => {
  test('a torn last line (no newline) is dropped; every whole line is read', async (t) => {
    const path = await journalOf(t, [row('u1'), row('u2'), row('u3')]);
    const whole = await readFile(path);
    await truncate(path, whole.length - 12);
    assert.deepEqual((await collect(readResults(path))).map((r) => r.userId), ['u1', 'u2']);
  });

  test('a last line that looks whole but lacks its newline is dropped too', async (t) => {
    const path = await journalOf(t, [row('u1')]);
    await appendFile(path, 'u2,true,ok,,,t,1,2026-01-15T09:00:00.000Z');
    assert.deepEqual((await collect(readResults(path))).map((r) => r.userId), ['u1']);
  });

  test('a torn line inside a quoted cell is dropped', async (t) => {
    const path = await journalOf(t, [row('u1')]);
    await appendFile(path, 'u2,,server_error,,"cut in the mid');
    assert.deepEqual((await collect(readResults(path))).map((r) => r.userId), ['u1']);
  });

  test('a torn header, or an empty file, reads as no rows', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'torn.csv'), 'user_id,mfa_st');
    await writeFile(join(dir, 'empty.csv'), '');
    assert.deepEqual(await collect(readResults(join(dir, 'torn.csv'))), []);
    assert.deepEqual(await collect(readResults(join(dir, 'empty.csv'))), []);
  });

  test('a file that is not a results file is refused, not overwritten or misread', async (t) => {
    const path = join(await tempDir(t), 'tokens.csv');
    await writeFile(path, 'user_id,access_token\nu1,at.1\n');
    await assert.rejects(collect(readResults(path)), (error: unknown) => error instanceof InputError && error.line === 1);
  });

  test('a damaged line in the middle names its line', async (t) => {
    const path = join(await tempDir(t), 'results.csv');
    await writeFile(path, `${HEADER}\nu1,true,ok,,,t,1,x\nu2,perhaps,ok,,,t,1,x\nu3,true,ok,,,t,1,x\n`);
    await assert.rejects(collect(readResults(path)), (error: unknown) => error instanceof InputError && error.line === 3);
  });

  test('ResultsJournal.create carries kept rows into the new file before new ones', async (t) => {
    const path = join(await tempDir(t), 'results.csv');
    async function* kept() {
      yield row('=kept', { group: 'a' });
    }
    const journal = await ResultsJournal.create(path, 'team', kept());
    journal.append(row('new', { group: 'b' }), 'team');
    await journal.close();
    assert.equal((await readFile(path, 'utf8')).split('\n')[0], `${HEADER},team`);
    assert.deepEqual((await collect(readResults(path))).map((r) => [r.userId, r.group]), [['=kept', 'a'], ['new', 'b']]);
  });
});

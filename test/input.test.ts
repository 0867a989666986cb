import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { InputError } from '../src/errors.js';
import { readTokenRows, type InputRow, type ReadOptions } from '../src/input/read-tokens.js';
import { scanInput } from '../src/input/scan.js';
import { tempFile } from './helpers/temp-dir.js';

async function rowsOf(t: TestContext, content: string | Buffer, options: ReadOptions = {}): Promise<InputRow[]> {
  const file = await tempFile(t, 'tokens.csv', content);
  const rows: InputRow[] = [];
  for await (const row of readTokenRows(file, options)) rows.push(row);
  return rows;
}

/** The file is refused as a whole: InputError, exit code 2, message `file:line: problem`. */
async function refused(t: TestContext, content: string | Buffer, line: number, problem: RegExp, options: ReadOptions = {}): Promise<void> {
  const file = await tempFile(t, 'tokens.csv', content);
  await assert.rejects(scanInput(file, options), (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.equal(error.file, file);
    assert.equal(error.line, line, error.message);
    assert.ok(error.message.startsWith(`${file}:${line}: `), error.message);
    assert.match(error.message, problem);
    return true;
  });
}

describe('token CSV: usable files', () => {
  test('header names are matched case-insensitively, with spaces around them', async (t) => {
    const rows = await rowsOf(t, ' User_ID ,ACCESS_TOKEN,Refresh_Token,Expires_At\nu1,at.1,rt.1,2030-01-01T00:00:00Z\n');
    assert.deepEqual(rows, [{ kind: 'user', line: 2, userId: 'u1', accessToken: 'at.1', refreshToken: 'rt.1', expiresAt: Date.UTC(2030, 0, 1), group: undefined }]);
  });

  test('a UTF-8 BOM before the header is tolerated', async (t) => {
    const rows = await rowsOf(t, '\uFEFFuser_id,access_token\nu1,at.1\n');
    assert.equal(rows[0]?.kind === 'user' && rows[0].userId, 'u1');
  });

  test('--column renames: contract names mapped to the file\'s own headers, case-insensitively', async (t) => {
    const rows = await rowsOf(t, 'Email,Token,Expiry\nann@example.com,at.1,1767225600\n', { columns: { user_id: 'email', access_token: 'TOKEN', expires_at: 'Expiry' } });
    assert.deepEqual(rows, [{ kind: 'user', line: 2, userId: 'ann@example.com', accessToken: 'at.1', refreshToken: undefined, expiresAt: 1767225600_000, group: undefined }]);
  });

  test('RFC 4180 quoting: commas, doubled quotes and line breaks inside quoted fields (as Excel writes them); CRLF line ends', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token,team\r\n"u,1","at.""1""","line one\nline two"\r\nu2,at.2,x\r\n', { groupBy: 'team' });
    assert.deepEqual(
      rows.map((row) => row.kind === 'user' && [row.userId, row.accessToken, row.group, row.line]),
      [['u,1', 'at."1"', 'line one\nline two', 2], ['u2', 'at.2', 'x', 4]],
    );
  });

  test('a row is numbered by the line it starts on, after blank lines and multi-line rows', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token\n\nu1,a\n"u\n2",\n\n\nu3,c\n');
    assert.deepEqual(rows.map((row) => [row.kind, row.line]), [['user', 3], ['invalid_row', 4], ['user', 8]]);
  });

  test('only a refresh token, or only an access token, is enough', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token,refresh_token\nu1,,rt.1\nu2,at.2,\n');
    assert.deepEqual(rows.map((row) => row.kind), ['user', 'user']);
  });

  test('expires_at as ISO 8601 or Unix seconds; empty means unknown', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token,expires_at\nu1,a,2026-01-15T09:00:00Z\nu2,a,1768467600\nu3,a,\n');
    assert.deepEqual(rows.map((row) => row.kind === 'user' && row.expiresAt), [Date.UTC(2026, 0, 15, 9), 1768467600_000, undefined]);
  });

  test('blank lines are skipped; counts come from scanInput', async (t) => {
    const file = await tempFile(t, 'tokens.csv', 'user_id,access_token\n\nu1,a\n\n\nu2,b\n');
    assert.deepEqual(await scanInput(file, {}), { rows: 2, users: 2, invalidRows: 0, duplicateRows: 0 });
  });
});

describe('token CSV: bad rows become rows, not crashes', () => {
  test('invalid rows: empty user_id, no token, wrong field count, unreadable expires_at', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token,refresh_token,expires_at\n,at.1,,\nu2,,,\nu3,at.3\nu4,at.4,,next week\nu5,at.5,,\n');
    assert.deepEqual(
      rows.map((row) => [row.kind, row.line, row.userId]),
      [['invalid_row', 2, ''], ['invalid_row', 3, 'u2'], ['invalid_row', 4, 'u3'], ['invalid_row', 5, 'u4'], ['user', 6, 'u5']],
    );
    assert.deepEqual(
      rows.map((row) => row.kind !== 'user' && row.problem),
      ['empty user_id', 'no access_token and no refresh_token', 'expected 4 fields, got 2', 'expires_at is neither ISO 8601 nor Unix seconds', false],
    );
  });

  test('a repeated user_id is a duplicate row; the first one is checked', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token\nu1,at.a\nu2,at.b\nu1,at.c\n u1 ,at.d\n');
    assert.deepEqual(rows.map((row) => [row.kind, row.userId, row.line]), [['user', 'u1', 2], ['user', 'u2', 3], ['duplicate', 'u1', 4], ['duplicate', 'u1', 5]]);
  });

  test('scanInput counts them', async (t) => {
    const file = await tempFile(t, 'tokens.csv', 'user_id,access_token\nu1,a\nu1,b\n,c\nu3,\n');
    assert.deepEqual(await scanInput(file, {}), { rows: 4, users: 1, invalidRows: 2, duplicateRows: 1 });
  });

  test('rejected rows carry no token', async (t) => {
    const rows = await rowsOf(t, 'user_id,access_token,expires_at\nu1,at.SECRET1,garbage\n,at.SECRET2,\n');
    assert.equal(JSON.stringify(rows).includes('SECRET'), false);
  });
});

describe('token CSV: unusable files are refused before any request, with file:line: problem', () => {
  test('no header (the first line is data)', async (t) => {
    await refused(t, 'u1,at.mfa.u1,,\nu2,at.mfa.u2,,\n', 1, /no "user_id" column in the header/);
  });

  test('no user_id column', async (t) => {
    await refused(t, 'id,access_token\nu1,at\n', 1, /no "user_id" column/);
  });

  test('a renamed user_id column that is not there is named as renamed', async (t) => {
    await refused(t, 'user_id,access_token\nu1,at\n', 1, /no "Email" column/, { columns: { user_id: 'Email' } });
  });

  test('no token column at all', async (t) => {
    await refused(t, 'user_id,name\nu1,Ann\n', 1, /no access_token or refresh_token column/);
  });

  test('semicolon-delimited: the hint says so', async (t) => {
    await refused(t, 'user_id;access_token\nu1;at\n', 1, /is the file comma-separated\?/);
  });

  test('unbalanced quotes: the line where the quoted field opens, not the end of the file', async (t) => {
    await refused(t, 'user_id,access_token\nu1,at.1\nu2,"at.2\nu3,at.3\nu4,at.4\nu5,at.5\n', 3, /never closed/);
  });

  test('a stray quote inside an unquoted field', async (t) => {
    await refused(t, 'user_id,access_token\nu1,at.1\nu2,at"2\n', 3, /not a usable CSV/);
  });

  test('binary junk (a ZIP file renamed .csv)', async (t) => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xa1, 0x5e, 0x0a, 0xff, 0xfe, 0x00, 0x00]);
    await refused(t, zip, 1, /not UTF-8 text|binary/);
  });

  test('a NUL byte further down names its line', async (t) => {
    await refused(t, Buffer.concat([Buffer.from('user_id,access_token\nu1,a\nu2,b'), Buffer.from([0]), Buffer.from('\n')]), 3, /NUL byte/);
  });

  test('Latin-1 or UTF-16 text is not UTF-8', async (t) => {
    await refused(t, Buffer.from('user_id,access_token\nJos\xe9,at.1\n', 'latin1'), 2, /not UTF-8/);
    await refused(t, Buffer.from('\uFEFFuser_id,access_token\n', 'utf16le'), 1, /not UTF-8|binary/);
  });

  test('empty file', async (t) => {
    await refused(t, '', 1, /empty file/);
  });

  test('header only', async (t) => {
    await refused(t, 'user_id,access_token\n', 2, /no rows after the header/);
  });

  test('duplicate columns', async (t) => {
    await refused(t, 'user_id,access_token,User_Id\nu1,a,b\n', 1, /column "user_id" appears twice/);
  });

  test('a 10 MB field is refused without being buffered whole', async (t) => {
    await refused(t, `user_id,access_token\nu1,a\nu2,${'x'.repeat(10 * 1024 * 1024)}\nu3,c\n`, 3, /over 65536 bytes/);
  });

  test('a 10 MB quoted field likewise', async (t) => {
    await refused(t, `user_id,access_token\nu1,"${'x'.repeat(10 * 1024 * 1024)}"\n`, 2, /over 65536 bytes/);
  });

  test('a missing file', async (t) => {
    const file = (await tempFile(t, 'present.csv', '')).replace('present.csv', 'absent.csv');
    await assert.rejects(scanInput(file, {}), (error: unknown) => error instanceof InputError && /cannot read the file \(ENOENT\)/.test(error.message));
  });
});

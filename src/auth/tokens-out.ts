import { createReadStream } from 'node:fs';
import { realpath, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { indexColumns, type ColumnIndex } from '../input/columns.js';
import { writeFileAtomically } from '../output/atomic-file.js';
import type { TokenBook } from './token-book.js';

/**
 * Writes the complete token file: every row of the input in order, same header and columns,
 * with each rotated user's refresh token (and access_token / expires_at, when the file has
 * them) replaced by the newest. Atomic and 0600, ready to be the next run's --input.
 */
export async function writeTokensOut(input: string, output: string, renames: Record<string, string>, book: TokenBook): Promise<void> {
  await writeFileAtomically(output, updatedLines(input, renames, book), 0o600);
}

async function* updatedLines(input: string, renames: Record<string, string>, book: TokenBook): AsyncGenerator<string> {
  const records = createReadStream(input).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let columns: ColumnIndex | undefined;
  for await (const record of records as AsyncIterable<string[]>) {
    if (columns !== undefined) {
      yield stringify([updated(record, columns, book)]);
      continue;
    }
    columns = headerOf(input, record, renames);
    yield stringify([record]);
  }
}

function headerOf(input: string, header: string[], renames: Record<string, string>): ColumnIndex {
  const columns = indexColumns(header, renames, undefined);
  if (typeof columns === 'string') throw new InputError(input, 1, columns);
  return columns;
}

function updated(record: string[], columns: ColumnIndex, book: TokenBook): string[] {
  const cell = (index: number) => (index < 0 ? '' : (record[index] ?? '').trim());
  const userId = cell(columns.userId);
  const refreshToken = cell(columns.refreshToken);
  if (userId === '' || refreshToken === '' || record.length !== columns.header.length) return record;
  const newest = book.latest(userId, refreshToken);
  if (newest === undefined) return record;
  const out = [...record];
  out[columns.refreshToken] = newest.refreshToken;
  if (newest.accessToken !== undefined) {
    if (columns.accessToken >= 0) out[columns.accessToken] = newest.accessToken;
    if (columns.expiresAt >= 0) out[columns.expiresAt] = formatExpiry(newest.expiresAt, cell(columns.expiresAt));
  }
  return out;
}

/** In the style the file already uses: Unix seconds if the old cell was a number, else ISO 8601. */
function formatExpiry(expiresAt: number | undefined, previous: string): string {
  if (expiresAt === undefined || Number.isNaN(expiresAt)) return '';
  return /^\d+(\.\d+)?$/.test(previous) ? String(Math.floor(expiresAt / 1000)) : new Date(expiresAt).toISOString();
}

export interface TokenFiles {
  input: string;
  tokensOut?: string;
  columns: Record<string, string>;
  journalPath: string;
}

/**
 * At the end of a run: writes --tokens-out from the input and every rotation (the journal is
 * read again first, for rotations a concurrent run such as another shard appended). When
 * --tokens-out is the input itself, the journal is then removed: its content lives in the input.
 */
export async function saveTokenFiles(files: TokenFiles, book: TokenBook, journalWritten: boolean): Promise<string[]> {
  if (files.tokensOut === undefined) return journalWritten ? [files.journalPath] : [];
  const journalSize = await sizeOf(files.journalPath);
  await book.load(files.journalPath);
  const [target, input] = await Promise.all([realPathOrSame(files.tokensOut), realPathOrSame(files.input)]);
  await writeTokensOut(files.input, target, files.columns, book);
  if (target === input && (await sizeOf(files.journalPath)) === journalSize) await rm(files.journalPath, { force: true });
  return [files.tokensOut];
}

async function sizeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

async function realPathOrSame(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { InputError } from '../errors.js';
import { SeenIds } from './seen-ids.js';
import { indexColumns, parseExpiry, type ColumnIndex } from './columns.js';

export interface UserRow {
  kind: 'user';
  line: number;
  userId: string;
  accessToken?: string;
  refreshToken?: string;
  /** Access token expiry, epoch ms. */
  expiresAt?: number;
  group?: string;
}

export interface RejectedRow {
  kind: 'invalid_row' | 'duplicate';
  line: number;
  userId: string;
  group?: string;
  problem: string;
}

export type InputRow = UserRow | RejectedRow;

export interface ReadOptions {
  columns?: Record<string, string>;
  groupBy?: string;
}

/** A field this long is not a token: the file is rejected rather than buffered. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Streams the token CSV row by row. A file that cannot be used throws InputError naming the
 * line; a bad row is yielded as a RejectedRow. Memory holds one row and an 8-byte fingerprint
 * of each user id.
 */
export async function* readTokenRows(file: string, options: ReadOptions = {}): AsyncGenerator<InputRow> {
  const parser = createReadStream(file)
    .on('error', (error) => parser.destroy(error))
    .pipe(new TextGuard(file))
    .on('error', (error) => parser.destroy(error))
    .pipe(parse({ bom: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES }));
  let columns: ColumnIndex | undefined;
  const seen = new SeenIds();
  let next = 1; // the line the next record starts on (counted here: csv-parse's info: true copies an object per record)
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = next;
      next += 1 + newlinesIn(record);
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (columns === undefined) {
        columns = headerOrThrow(file, line, record, options);
        continue;
      }
      yield toRow(record, line, columns, seen);
    }
  } catch (error) {
    throw asInputError(file, error, next);
  }
  if (columns === undefined) throw new InputError(file, 1, 'empty file: a header row is required');
}

/** A quoted field may span lines: they count for the rows after it. */
function newlinesIn(record: string[]): number {
  let count = 0;
  for (const field of record) for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) count++;
  return count;
}

function headerOrThrow(file: string, line: number, record: string[], options: ReadOptions): ColumnIndex {
  const columns = indexColumns(record, options.columns ?? {}, options.groupBy);
  if (typeof columns === 'string') throw new InputError(file, line, columns);
  return columns;
}

function toRow(record: string[], line: number, columns: ColumnIndex, seen: SeenIds): InputRow {
  const cell = (i: number) => (i < 0 ? '' : (record[i] ?? '').trim());
  const userId = cell(columns.userId);
  const group = columns.groupBy < 0 ? undefined : cell(columns.groupBy);
  const reject = (kind: RejectedRow['kind'], problem: string): RejectedRow => ({ kind, line, userId, group, problem });
  if (record.length !== columns.header.length) {
    return reject('invalid_row', `expected ${columns.header.length} fields, got ${record.length}`);
  }
  if (userId === '') return reject('invalid_row', 'empty user_id');
  if (seen.has(userId)) return reject('duplicate', `user_id already seen earlier in the file`);
  seen.add(userId);
  const accessToken = cell(columns.accessToken) || undefined;
  const refreshToken = cell(columns.refreshToken) || undefined;
  if (!accessToken && !refreshToken) return reject('invalid_row', 'no access_token and no refresh_token');
  const expiresAt = parseExpiry(cell(columns.expiresAt));
  if (Number.isNaN(expiresAt)) return reject('invalid_row', 'expires_at is neither ISO 8601 nor Unix seconds');
  return { kind: 'user', line, userId, accessToken, refreshToken, expiresAt, group };
}

/** `recordStart`: the line where the record being parsed began (an unclosed quote's line, not the file's end). */
function asInputError(file: string, error: unknown, recordStart: number): unknown {
  if (error instanceof InputError) return error;
  if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new InputError(file, recordStart, 'not a usable CSV: a quoted field starting on this line is never closed (unbalanced quotes)');
  }
  if (error instanceof CsvError && error.code === 'CSV_MAX_RECORD_SIZE') {
    return new InputError(file, recordStart, `not a usable CSV: the row starting on this line is over ${MAX_RECORD_BYTES} bytes (unbalanced quotes, or not a token file?)`);
  }
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines ?? 1;
    // csv-parse quotes the field's value in some messages: it may be a token.
    const problem = error.message.replace(/^Invalid \w+:\s*/, '').replace(/,?\s*value is [\s\S]*$/, '');
    return new InputError(file, line, `not a usable CSV: ${problem}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return new InputError(file, 0, `cannot read the file (${code})`);
  }
  return error;
}

/** Rejects binary data and invalid UTF-8 before the CSV parser sees it, naming the line. */
class TextGuard extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private line = 1;

  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      const line = this.line + countLines(chunk, firstBadLineStart(chunk));
      return callback(new InputError(this.file, line, 'not UTF-8 text (a binary file, or saved as Latin-1/Windows-1252/UTF-16?)'));
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) return callback(new InputError(this.file, this.line + countLines(chunk, nul), 'binary data (NUL byte): not a CSV text file'));
    this.line += countLines(chunk, chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.decode();
      callback();
    } catch {
      callback(new InputError(this.file, this.line, 'not UTF-8 text: the file ends inside a character'));
    }
  }
}

/** Offset of the line holding the first byte that is not UTF-8, found by decoding line by line. */
function firstBadLineStart(chunk: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let end = chunk.indexOf(10); end >= 0; start = end + 1, end = chunk.indexOf(10, start)) {
    try {
      decoder.decode(chunk.subarray(start, end + 1), { stream: true });
    } catch {
      return start;
    }
  }
  return start;
}

function countLines(chunk: Buffer, end: number): number {
  let lines = 0;
  for (let i = chunk.indexOf(10); i >= 0 && i < end; i = chunk.indexOf(10, i + 1)) lines++;
  return lines;
}

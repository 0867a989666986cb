import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { isOutcome } from '../outcomes.js';
import { restoreCell } from './cells.js';
import { RESULT_COLUMNS, type ResultRow } from './result-row.js';

/**
 * Streams a results CSV written by this tool. A last line without its newline was torn by a
 * crash: it is left out, and that user is checked again.
 */
export async function* readResults(path: string): AsyncGenerator<ResultRow> {
  const end = await lastNewline(path);
  if (end < 0) return;
  const parser = createReadStream(path, { end }).pipe(parse({ info: true, relax_column_count: true }));
  let width = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (width === 0) {
      width = checkHeader(path, record);
      continue;
    }
    const row = toResult(record.map(restoreCell), width);
    if (!row) throw new InputError(path, info.lines, 'not a results row of mfa-adoption (remove the file or fix the line)');
    yield row;
  }
}

/** The header's width: the contract's columns, plus one when the run was grouped. */
function checkHeader(path: string, header: string[]): number {
  const matches = RESULT_COLUMNS.every((column, i) => header[i] === column);
  if (!matches || header.length > RESULT_COLUMNS.length + 1) {
    throw new InputError(path, 1, `not a results file of mfa-adoption (expected the header ${RESULT_COLUMNS.join(',')})`);
  }
  return header.length;
}

function toResult(cells: string[], width: number): ResultRow | undefined {
  const [userId, mfaStatus, outcome, errorCode, errorMessage, trackingId, attempts, checkedAt, group] = cells;
  if (cells.length !== width || outcome === undefined || !isOutcome(outcome)) return undefined;
  if (mfaStatus !== '' && mfaStatus !== 'true' && mfaStatus !== 'false') return undefined;
  return {
    userId: userId ?? '',
    mfaStatus: mfaStatus === '' ? undefined : mfaStatus === 'true',
    outcome,
    errorCode: errorCode || undefined,
    errorMessage: errorMessage || undefined,
    trackingId: trackingId || undefined,
    attempts: Number(attempts) || 0,
    checkedAt: checkedAt ?? '',
    group: width > RESULT_COLUMNS.length ? group ?? '' : undefined,
  };
}

/** Offset of the file's last newline, -1 when there is none (empty or a torn header). */
async function lastNewline(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await file.read(chunk, 0, end - start, start);
      const index = chunk.subarray(0, bytesRead).lastIndexOf(10);
      if (index >= 0) return start + index;
      end = start;
    }
    return -1;
  } finally {
    await file.close();
  }
}

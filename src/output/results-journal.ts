import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomically } from './atomic-file.js';
import { neutraliseCell } from './cells.js';
import { RESULT_COLUMNS, type ResultRow } from './result-row.js';

/** Rows are gathered for at most this long (or this many) and written together. */
const FLUSH_MS = 100;
const FLUSH_ROWS = 500;

/**
 * The results CSV, appended whole lines per finished user: the file is the run's journal.
 * Lines are written in batches (one write a tenth of a second instead of one per user, which
 * was a tenth of the job's CPU at thousands of users a second). A crash loses at most the
 * lines not yet written, whose users --resume checks again, and at worst tears the last line,
 * which --resume tolerates.
 */
export class ResultsJournal {
  private pending: string[][] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly stream: WriteStream) {}

  /** Starts the file atomically with its header and the rows kept from an earlier run. */
  static async create(path: string, groupColumn: string | undefined, kept: AsyncIterable<ResultRow> = none()): Promise<ResultsJournal> {
    await writeFileAtomically(path, lines(groupColumn, kept));
    const stream = createWriteStream(path, { flags: 'a' });
    await once(stream, 'open');
    return new ResultsJournal(stream);
  }

  append(row: ResultRow, groupColumn: string | undefined): void {
    this.pending.push(resultCells(row, groupColumn));
    if (this.pending.length >= FLUSH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Hands the gathered lines to the file now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.stream.write(stringify(this.pending));
    this.pending = [];
  }

  async close(): Promise<void> {
    this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export function headerCells(groupColumn: string | undefined): string[] {
  return groupColumn === undefined ? [...RESULT_COLUMNS] : [...RESULT_COLUMNS, groupColumn];
}

/** A result as CSV cells, neutralised against spreadsheet formulas. */
export function resultCells(row: ResultRow, groupColumn: string | undefined): string[] {
  const cells = [
    row.userId,
    row.mfaStatus === undefined ? '' : String(row.mfaStatus),
    row.outcome,
    row.errorCode ?? '',
    oneLine(row.errorMessage ?? ''),
    row.trackingId ?? '',
    String(row.attempts),
    row.checkedAt,
  ];
  if (groupColumn !== undefined) cells.push(row.group ?? '');
  return cells.map(neutraliseCell);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

async function* lines(groupColumn: string | undefined, kept: AsyncIterable<ResultRow>): AsyncGenerator<string> {
  yield stringify([headerCells(groupColumn)]);
  let batch: string[][] = [];
  for await (const row of kept) {
    batch.push(resultCells(row, groupColumn));
    if (batch.length >= FLUSH_ROWS) {
      yield stringify(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield stringify(batch);
}

async function* none(): AsyncGenerator<ResultRow> {}

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomically } from './atomic-file.js';
import { neutraliseCell } from './cells.js';
import { RESULT_COLUMNS, type ResultRow } from './result-row.js';

/**
 * The results CSV, appended one whole line per finished user: the file is the run's journal.
 * A crash loses at most the lines not yet written, and at worst tears the last one, which
 * --resume tolerates.
 */
export class ResultsJournal {
  private constructor(private readonly stream: WriteStream) {}

  /** Starts the file atomically with its header and the rows kept from an earlier run. */
  static async create(path: string, groupColumn: string | undefined, kept: AsyncIterable<ResultRow> = none()): Promise<ResultsJournal> {
    await writeFileAtomically(path, lines(groupColumn, kept));
    const stream = createWriteStream(path, { flags: 'a' });
    await once(stream, 'open');
    return new ResultsJournal(stream);
  }

  append(row: ResultRow, groupColumn: string | undefined): void {
    this.stream.write(formatRow(row, groupColumn));
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export function headerLine(groupColumn: string | undefined): string {
  return stringify([groupColumn === undefined ? [...RESULT_COLUMNS] : [...RESULT_COLUMNS, groupColumn]]);
}

export function formatRow(row: ResultRow, groupColumn: string | undefined): string {
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
  return stringify([cells.map(neutraliseCell)]);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

async function* lines(groupColumn: string | undefined, kept: AsyncIterable<ResultRow>): AsyncGenerator<string> {
  yield headerLine(groupColumn);
  for await (const row of kept) yield formatRow(row, groupColumn);
}

async function* none(): AsyncGenerator<ResultRow> {}

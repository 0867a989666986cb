import { InputError } from '../errors.js';
import { readTokenRows, type ReadOptions } from './read-tokens.js';

export interface InputCounts {
  rows: number;
  users: number;
  invalidRows: number;
  duplicateRows: number;
}

/**
 * Reads the whole file once before anything is sent, so that a file broken at line 900,000
 * is refused with exit 2 instead of after 899,999 requests. Gives the totals for progress too.
 */
export async function scanInput(file: string, options: ReadOptions): Promise<InputCounts> {
  const counts: InputCounts = { rows: 0, users: 0, invalidRows: 0, duplicateRows: 0 };
  for await (const row of readTokenRows(file, options)) {
    counts.rows++;
    if (row.kind === 'user') counts.users++;
    else if (row.kind === 'duplicate') counts.duplicateRows++;
    else counts.invalidRows++;
  }
  if (counts.rows === 0) throw new InputError(file, 2, 'no rows after the header: nothing to check');
  return counts;
}

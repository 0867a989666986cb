import type { Parser } from 'csv-parse';

/** csv-parse's line counts: `lines` read so far, `empty_lines` the blank ones skipped. */
export interface LineCounts {
  lines: number;
  empty_lines: number;
}

export interface CountedRecord {
  record: string[];
  info: LineCounts;
}

/**
 * Makes `parser` yield `{record, info}` with its line counts at the moment each record is
 * parsed: what csv-parse's `info: true` gives, without the copy of its whole info object per
 * record, which made up two thirds of the cost of reading a row.
 */
export function withLineCounts(parser: Parser): Parser & AsyncIterable<CountedRecord> {
  const push = parser.push.bind(parser);
  parser.push = (record: unknown) => push(record === null ? null : { record, info: { lines: parser.info.lines, empty_lines: parser.info.empty_lines } });
  return parser;
}

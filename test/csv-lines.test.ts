import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { withLineCounts, type CountedRecord } from '../src/input/csv-lines.js';
import { csvLine } from '../src/output/results-journal.js';

test('csvLine quotes exactly as csv-stringify does by default', () => {
  const cells = ['', 'a', 'a,b', 'a"b', '"', 'a\nb', 'a\rb', '\r\n', ' x ', "'=1", '\t', 'ü', 'a;b', '""', ','];
  for (const first of cells) for (const second of cells) assert.equal(csvLine([first, second, 'z']), stringify([[first, second, 'z']]), JSON.stringify([first, second]));
});

test('withLineCounts: each record with the parser line count at its end, as info: true gives', async () => {
  const text = 'h1,h2\n\na,"multi\nline"\nb,c\n\nd,e';
  const counted: CountedRecord[] = [];
  for await (const record of Readable.from([text]).pipe(withLineCounts(parse({ skip_empty_lines: true })))) counted.push(record);
  const reference: Array<{ record: string[]; info: { lines: number; empty_lines: number } }> = [];
  for await (const record of Readable.from([text]).pipe(parse({ skip_empty_lines: true, info: true }))) reference.push(record);
  assert.deepEqual(
    counted.map(({ record, info }) => [record, info.lines, info.empty_lines]),
    reference.map(({ record, info }) => [record, info.lines, info.empty_lines]),
  );
  assert.deepEqual(counted.map(({ info }) => info.lines), [1, 4, 5, 7]);
});

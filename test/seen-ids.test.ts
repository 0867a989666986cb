import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeenIds } from '../src/input/seen-ids.js';

test('SeenIds: an id is seen once added, and only then', () => {
  const seen = new SeenIds();
  assert.equal(seen.has('u1'), false);
  seen.add('u1');
  assert.equal(seen.has('u1'), true);
  assert.equal(seen.has('u2'), false);
  assert.equal(seen.has('U1'), false, 'ids are compared exactly');
  assert.equal(seen.has(''), false);
  seen.add('');
  assert.equal(seen.has(''), true);
});

test('SeenIds: 300,000 ids of several shapes, through many growths: every one found, no stranger reported', () => {
  const seen = new SeenIds();
  const shapes = [(i: number) => `u${i}`, (i: number) => `user-${i}@example.com`, (i: number) => i.toString(16).padStart(32, '0')];
  for (let i = 0; i < 100_000; i++) for (const shape of shapes) seen.add(shape(i));
  for (let i = 0; i < 100_000; i++) for (const shape of shapes) assert.equal(seen.has(shape(i)), true, shape(i));
  let strangers = 0;
  for (let i = 100_000; i < 200_000; i++) for (const shape of shapes) strangers += seen.has(shape(i)) ? 1 : 0;
  assert.equal(strangers, 0);
});

test('SeenIds: adding an id twice keeps one entry (non-ASCII ids too)', () => {
  const seen = new SeenIds();
  for (const id of ['renée', 'renée', '用户', '用户', '😀', '😀']) seen.add(id);
  for (const id of ['renée', '用户', '😀']) assert.equal(seen.has(id), true);
  assert.equal(seen.has('renee'), false);
});

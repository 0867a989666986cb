import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fnv1a32 } from '../src/fnv1a.js';
import { selectUsers, shardIndex } from '../src/job/selection.js';
import { readTokenRows, type UserRow } from '../src/input/read-tokens.js';
import { tempDir } from './helpers/cli-process.js';
import { writeGroupedTokens } from './helpers/report-inputs.js';

const COUNTS = { rows: 0, users: 0, invalidRows: 0, duplicateRows: 0 };

describe('--shard: the hash', () => {
  test('is FNV-1a 32-bit over the UTF-8 bytes of user_id (published vectors and non-ASCII ids)', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    assert.equal(fnv1a32('jürgen@example.com'), 0x3046d613);
    assert.equal(fnv1a32('用户7'), 0x772c708a);
  });

  test('the shard is the hash modulo the shard count', () => {
    assert.equal(shardIndex('u0001', 4), 3);
    assert.equal(shardIndex('jürgen@example.com', 3), 0);
    assert.equal(shardIndex('用户7', 3), 2);
  });
});

describe('--shard: selecting users from the token file', () => {
  test('the shards of a split take every user exactly once; only shard 0 writes rejected rows', async (t) => {
    const input = join(await tempDir(t), 'tokens.csv');
    await writeGroupedTokens(input, 400);
    const users: UserRow[] = [];
    for await (const row of readTokenRows(input)) if (row.kind === 'user') users.push(row);
    const shards = await Promise.all([0, 1, 2, 3].map((index) => selectUsers({ input, columns: {}, shard: { index, count: 4 } }, COUNTS)));
    for (const user of users) {
      assert.equal(shards.filter((shard) => shard.includes(user)).length, 1, `${user.userId} is in exactly one shard`);
    }
    assert.deepEqual(shards.map((s) => s.includesRejected), [true, false, false, false]);
    assert.equal(shards.reduce((sum, s) => sum + s.users, 0), 400);
    assert.ok(shards.every((s) => s.users > 60), `shards are roughly balanced: ${shards.map((s) => s.users).join(', ')}`);
    assert.deepEqual(shards[2]?.shard, { index: 2, count: 4 });
  });

  test('without --shard or --sample every user and every rejected row is taken', async (t) => {
    const input = join(await tempDir(t), 'tokens.csv');
    await writeGroupedTokens(input, 5);
    const selection = await selectUsers({ input, columns: {} }, { ...COUNTS, users: 5 });
    assert.equal(selection.includes({ kind: 'user', line: 2, userId: 'u0001' }), true);
    assert.equal(selection.includesRejected, true);
    assert.equal(selection.users, 5);
    assert.equal(selection.sample, undefined);
    assert.equal(selection.shard, undefined);
  });
});

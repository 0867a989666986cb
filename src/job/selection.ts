import { createHash } from 'node:crypto';
import { readTokenRows, type UserRow } from '../input/read-tokens.js';
import type { InputCounts } from '../input/scan.js';
import type { RunOptions } from './options.js';
import { fnv1a32 } from '../fnv1a.js';

export interface SampleInfo {
  /** Eligible users in the input: the population the sample estimates. */
  population: number;
  size: number;
  seed: string;
}

export interface ShardInfo {
  index: number;
  count: number;
}

/** Which users of the input this run checks (all of them, one shard, or a random sample). */
export interface Selection {
  includes(user: UserRow): boolean;
  /** Whether this run writes the input's invalid and duplicate rows: only shard 0 does, so merged shards count each row once. */
  includesRejected: boolean;
  /** How many users this run checks. */
  users: number;
  /** Set in sample mode: what the report's `sample` field says. */
  sample?: SampleInfo;
  /** Set in shard mode: what the report's `shard` field says. */
  shard?: ShardInfo;
}

type SelectOptions = Pick<RunOptions, 'input' | 'columns' | 'groupBy' | 'sample' | 'seed' | 'shard'>;

/** Decides the run's users before any request. `--sample` and `--shard` exclude each other (checked with the flags). */
export async function selectUsers(options: SelectOptions, input: InputCounts): Promise<Selection> {
  if (options.sample !== undefined) return sampleOf(options, options.sample, options.seed ?? '1');
  if (options.shard !== undefined) return shardOf(options, options.shard);
  return { includes: () => true, includesRejected: true, users: input.users };
}

/** One pass over the stream, memory O(size): the reservoir keeps line numbers. */
async function sampleOf(options: SelectOptions, size: number, seed: string): Promise<Selection> {
  const { chosen, seen } = await reservoirSample(lines(userRows(options)), size, seededRandom(seed));
  const picked = new Set(chosen);
  return {
    includes: (user) => picked.has(user.line),
    includesRejected: true,
    users: picked.size,
    sample: { population: seen, size: picked.size, seed },
  };
}

async function shardOf(options: SelectOptions, shard: ShardInfo): Promise<Selection> {
  const includes = (user: UserRow) => shardIndex(user.userId, shard.count) === shard.index;
  let users = 0;
  for await (const user of userRows(options)) if (includes(user)) users++;
  return { includes, includesRejected: shard.index === 0, users, shard };
}

async function* userRows(options: SelectOptions): AsyncGenerator<UserRow> {
  for await (const row of readTokenRows(options.input, { columns: options.columns, groupBy: options.groupBy })) {
    if (row.kind === 'user') yield row;
  }
}

async function* lines(users: AsyncIterable<UserRow>): AsyncGenerator<number> {
  for await (const user of users) yield user.line;
}

/**
 * Algorithm R: after item i (from 0), each item seen so far is in the reservoir with
 * probability size / (i + 1). Returns the chosen items and how many were seen.
 */
export async function reservoirSample<T>(items: AsyncIterable<T> | Iterable<T>, size: number, random: () => number): Promise<{ chosen: T[]; seen: number }> {
  const chosen: T[] = [];
  let seen = 0;
  for await (const item of items) {
    if (seen < size) chosen.push(item);
    else {
      const slot = Math.floor(random() * (seen + 1));
      if (slot < size) chosen[slot] = item;
    }
    seen++;
  }
  return { chosen, seen };
}

/** sfc32 seeded from SHA-256 of the seed text: the same floats in [0, 1) on every machine and Node version. */
export function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  let [a, b, c, d] = [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset)) as [number, number, number, number];
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return () => ((next() >>> 6) * 2 ** 27 + (next() >>> 5)) / 2 ** 53;
}

/** The shard of a user: FNV-1a (32 bits) of the UTF-8 bytes of user_id, modulo the shard count. */
export function shardIndex(userId: string, count: number): number {
  return fnv1a32(userId) % count;
}

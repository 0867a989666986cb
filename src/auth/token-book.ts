import { readRotations, tokenHash, type Rotation } from './rotation-journal.js';

/**
 * Every known rotation, keyed by user and the hash of the refresh token it replaced. A user's newest
 * tokens are found by following the chain from the refresh token in the input file, so a
 * journal entry applies only to the very token it replaced: a re-exported or newer input file
 * is never overridden by stale entries.
 */
export class TokenBook {
  private readonly byReplaced = new Map<string, Rotation>();

  get size(): number {
    return this.byReplaced.size;
  }

  /** Later rotations of the same token win: they are newer. */
  add(rotation: Rotation): void {
    this.byReplaced.set(key(rotation.userId, rotation.replaces), rotation);
  }

  /** Adds a journal's lines; returns how many were readable and how many were not. */
  async load(journalPath: string): Promise<{ read: number; unreadable: number }> {
    const counts = { read: 0, unreadable: 0 };
    for await (const rotation of readRotations(journalPath)) {
      if (rotation === undefined) counts.unreadable++;
      else {
        this.add(rotation);
        counts.read++;
      }
    }
    return counts;
  }

  /** The newest rotation reached from this user's refresh token, or undefined if it never rotated. */
  latest(userId: string, refreshToken: string): Rotation | undefined {
    let found: Rotation | undefined;
    let hash = tokenHash(refreshToken);
    for (let steps = 0; steps < this.byReplaced.size; steps++) {
      const next = this.byReplaced.get(key(userId, hash));
      if (next === undefined) break;
      found = next;
      const nextHash = tokenHash(next.refreshToken);
      if (nextHash === hash) break;
      hash = nextHash;
    }
    return found;
  }
}

function key(userId: string, replacedHash: string): string {
  return `${replacedHash}:${userId}`;
}

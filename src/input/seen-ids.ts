/**
 * The user ids read so far, for duplicate detection, in 8 bytes a slot: a 64-bit fingerprint
 * of each id (two 32-bit hashes) in an open-addressing table of typed arrays. A million ids
 * take 16 MB instead of the ~70 MB of a Set of strings, so memory stays flat as inputs grow.
 * Two different ids share a fingerprint with probability about n² / 2⁶⁵ (3 in 100 million for
 * a million ids): the later one would then be reported as a duplicate.
 */
export class SeenIds {
  private high = new Uint32Array(1024);
  private low = new Uint32Array(1024);
  private count = 0;

  has(id: string): boolean {
    const [high, low] = fingerprint(id);
    return this.high[this.slotOf(high, low)] !== 0;
  }

  add(id: string): void {
    const [high, low] = fingerprint(id);
    const slot = this.slotOf(high, low);
    if (this.high[slot] !== 0) return;
    this.high[slot] = high;
    this.low[slot] = low;
    if (++this.count * 2 > this.high.length) this.grow();
  }

  /** The slot holding this fingerprint, or the empty one where it would go. */
  private slotOf(high: number, low: number): number {
    const mask = this.high.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const stored = this.high[slot];
      if (stored === 0 || (stored === high && this.low[slot] === low)) return slot;
    }
  }

  private grow(): void {
    const [oldHigh, oldLow] = [this.high, this.low];
    this.high = new Uint32Array(oldHigh.length * 2);
    this.low = new Uint32Array(oldLow.length * 2);
    for (let i = 0; i < oldHigh.length; i++) {
      const high = oldHigh[i] ?? 0;
      if (high === 0) continue;
      const slot = this.slotOf(high, oldLow[i] ?? 0);
      this.high[slot] = high;
      this.low[slot] = oldLow[i] ?? 0;
    }
  }
}

/** Two independent 32-bit string hashes (murmur3's mixing, two seeds); `high` is never 0, which marks an empty slot. */
function fingerprint(id: string): [high: number, low: number] {
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    b = Math.imul(b ^ c, 0x1b873593);
    b = (b << 13) | (b >>> 19);
  }
  return [finish(a ^ id.length) || 1, finish(b ^ id.length)];
}

/** murmur3's final avalanche. */
function finish(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

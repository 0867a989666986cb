import type { Clock } from '../../src/clock.js';

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** Lets every pending promise callback and I/O callback that is already due run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A virtual-time Clock: `sleep` resolves only when the test moves time forward with
 * `advance`/`advanceToNext`, never by itself, so retry and pause tests run in microseconds
 * and always in the same order. Starts at a realistic epoch.
 */
export class FakeClock implements Clock {
  private time: number;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = { at: this.time + ms, resolve: () => undefined };
      const wake = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      sleeper.resolve = wake;
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** How many sleeps are waiting for time to pass. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** When the earliest sleeper wakes, or undefined when nobody sleeps. */
  get nextWake(): number | undefined {
    return this.sleepers.reduce<number | undefined>((min, s) => (min === undefined || s.at < min ? s.at : min), undefined);
  }

  /** Moves time forward by `ms`, waking each sleeper at its own moment, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (let next = this.nextWake; next !== undefined && next <= target; next = this.nextWake) {
      this.time = Math.max(this.time, next);
      await this.wakeDue();
    }
    this.time = target;
    await settle();
  }

  /**
   * Moves time forward by `ms` at once, then wakes every sleeper that is due, all together:
   * timers firing late, as on a busy machine or after a laptop slept.
   */
  async jump(ms: number): Promise<void> {
    this.time += ms;
    await this.wakeDue();
  }

  /** Jumps to the earliest sleeper's moment and wakes it; false when nobody sleeps. */
  async advanceToNext(): Promise<boolean> {
    const next = this.nextWake;
    if (next === undefined) return false;
    this.time = Math.max(this.time, next);
    await this.wakeDue();
    return true;
  }

  private async wakeDue(): Promise<void> {
    for (const sleeper of this.sleepers.filter((s) => s.at <= this.time)) sleeper.resolve();
    await settle();
  }
}

/**
 * Runs `work` to completion in virtual time: whenever nothing but sleepers is left (`busy()`
 * says no real I/O is under way), time jumps to the next wake-up. Time never moves while
 * `busy()` is true, so every event is stamped with the virtual time it really belongs to.
 */
export async function runInVirtualTime<T>(clock: FakeClock, work: Promise<T>, busy: () => boolean = () => false): Promise<T> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  finished.catch(() => undefined);
  while (!done) {
    await settle();
    if (done) break;
    if (busy() || clock.pending === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    else await clock.advanceToNext();
  }
  return finished;
}

import type { Clock } from '../clock.js';

/** How much the time from grant to arrival at the server may vary without the server counting a burst. */
export const ARRIVAL_MARGIN_MS = 25;

/**
 * The run's global request gate: a rate limit and a throttle pause, shared by every request
 * and every retry.
 *
 * Grants are spaced 1000/rate ms apart on a fixed schedule (so timer lateness does not lower
 * the average rate), and a sliding log guarantees that no window of one second ever holds
 * more than `rate` grants, rounded down (so lateness does not cause a burst either); below one
 * per second, no window of 1/rate seconds holds more than one. The window is longer than that by
 * ARRIVAL_MARGIN_MS, so that the server, which counts arrivals rather than grants, sees no more
 * than `rate` in its own second when the time from grant to arrival varies (a cold first request,
 * a new connection, a busy event loop); the price is a rate about 2.5 % below `rate`. A throttle
 * signal pauses every waiting request, not only the one that was throttled.
 */
const GRANTED = Promise.resolve();

export class RateLimiter {
  private readonly interval: number;
  /** Grants allowed in any `windowMs`. */
  private readonly capacity: number;
  private readonly windowMs: number;
  private readonly window: number[] = [];
  private nextSlot = 0;
  private pausedUntil = 0;
  /** Requests queued for their turn: with no rate and nobody queued, a request goes at once. */
  private waiting = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    this.interval = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
    this.capacity = Math.max(1, Math.floor(ratePerSecond));
    this.windowMs = Math.max(1000, this.interval) + ARRIVAL_MARGIN_MS;
  }

  /** Waits for this request's turn; FIFO. Resolves at once when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.interval === 0 && this.waiting === 0 && this.clock.now() >= this.pausedUntil) return GRANTED;
    this.waiting++;
    const turn = this.queue.then(() => this.waitForSlot(signal));
    this.queue = turn;
    return turn;
  }

  /** Holds every request until `now + ms` (a later pause extends, an earlier one does not shorten). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    try {
      for (;;) {
        if (signal?.aborted) return;
        const now = this.clock.now();
        const wait = Math.max(this.pausedUntil - now, this.rateWait(now));
        if (wait <= 0) return this.grant(now);
        await this.clock.sleep(wait, signal);
      }
    } finally {
      this.waiting--;
    }
  }

  private rateWait(now: number): number {
    if (this.interval === 0) return 0;
    const full = this.window.length >= this.capacity;
    const windowWait = full ? (this.window[0] ?? 0) + this.windowMs - now : 0;
    return Math.max(this.nextSlot - now, windowWait);
  }

  private grant(now: number): void {
    if (this.interval === 0) return;
    this.nextSlot = Math.max(this.nextSlot, now - this.interval) + this.interval;
    this.window.push(now);
    while (this.window.length > 0 && (this.window[0] ?? 0) <= now - this.windowMs) this.window.shift();
  }
}

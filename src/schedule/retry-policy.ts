import { MAX_RETRY_DELAY_MS } from '../job/options.js';
import type { Verdict } from '../service/classify.js';

export interface RetrySettings {
  retries: number;
  retryDelay: number;
  throttleWait: number;
}

export type NextStep =
  | { retry: false }
  /** Wait `delayMs` (this user only), after pausing the whole queue for `pauseAllMs`. */
  | { retry: true; delayMs: number; pauseAllMs: number };

/**
 * Pure: after attempt number `attempt` (1-based) ended with `verdict`, retry or stop?
 * Backoff is exponential with full jitter (`random` in [0, 1)), capped at 60 s. A throttle
 * pauses everyone for Retry-After when the service sent one, else for --throttle-wait.
 */
export function nextStep(verdict: Verdict, attempt: number, settings: RetrySettings, random: number): NextStep {
  if (verdict.action === 'done' || verdict.action === 'refresh' || attempt > settings.retries) return { retry: false };
  if (verdict.action === 'throttle') {
    return { retry: true, delayMs: 0, pauseAllMs: verdict.retryAfterMs ?? settings.throttleWait };
  }
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, settings.retryDelay * 2 ** (attempt - 1));
  const delayMs = Math.max(Math.floor(random * ceiling), verdict.retryAfterMs ?? 0);
  return { retry: true, delayMs, pauseAllMs: 0 };
}

import type { LimitFunction } from 'p-limit';
import type { TokenSource } from '../auth/token-source.js';
import type { Clock } from '../clock.js';
import type { UserRow } from '../input/read-tokens.js';
import type { Logger } from '../log/logger.js';
import type { ResultRow } from '../output/result-row.js';
import type { RateLimiter } from '../schedule/rate-limiter.js';
import { nextStep, type RetrySettings } from '../schedule/retry-policy.js';
import type { Transport } from '../service/answer.js';
import { classify, type Verdict } from '../service/classify.js';
import type { CallStats } from '../report/build-report.js';

export interface CheckContext {
  transport: Transport;
  tokens: TokenSource;
  /** Bounds requests in flight (--concurrency). */
  inFlight: LimitFunction;
  /** Bounds the rate and carries throttle pauses, for first tries and retries alike. */
  limiter: RateLimiter;
  clock: Clock;
  random: () => number;
  settings: RetrySettings;
  calls: CallStats;
  log: Logger;
  /** Aborted when the run must stop: the user is then left without a row, for --resume. */
  signal: AbortSignal;
  /** Aborted when no new request may start (SIGINT/SIGTERM); those in flight go on until `signal`. */
  drain?: AbortSignal;
}

/** Checks one user: calls, classifies, retries or refreshes, until an outcome to record. */
export async function checkUser(user: UserRow, ctx: CheckContext): Promise<ResultRow | undefined> {
  let attempts = 0;
  let expired = false;
  let refreshedOnExpiry = false;
  const drain = ctx.drain ?? ctx.signal;
  for (;;) {
    if (drain.aborted) return undefined;
    const token = await ctx.tokens.accessTokenFor(user, expired, ctx.signal);
    expired = false;
    if (ctx.signal.aborted) return undefined;
    if ('verdict' in token) return toRow(user, token.verdict, attempts, ctx.clock);
    attempts++;
    const answer = await send(token.accessToken, ctx, drain);
    if (answer === undefined || ctx.signal.aborted) return undefined;
    const verdict = classify(answer);
    if (verdict.action === 'refresh' && !refreshedOnExpiry && ctx.tokens.canRefresh(user)) {
      expired = refreshedOnExpiry = true;
      continue;
    }
    const step = nextStep(verdict, attempts, ctx.settings, ctx.random());
    if (!step.retry) return toRow(user, verdict, attempts, ctx.clock);
    logRetry(user, verdict, attempts, step.delayMs + step.pauseAllMs, ctx);
    ctx.calls.retries++;
    if (step.pauseAllMs > 0) {
      ctx.calls.throttled++;
      ctx.limiter.pause(step.pauseAllMs);
    }
    await ctx.clock.sleep(step.delayMs, drain);
  }
}

/** Sends one request when its turn comes; undefined when the run stops sending first. */
async function send(accessToken: string, ctx: CheckContext, drain: AbortSignal) {
  return ctx.inFlight(async () => {
    await ctx.limiter.acquire(drain);
    if (drain.aborted) return undefined;
    ctx.calls.requests++;
    return ctx.transport.check(accessToken, ctx.signal);
  });
}

function logRetry(user: UserRow, verdict: Verdict, attempt: number, waitMs: number, ctx: CheckContext): void {
  const throttle = verdict.action === 'throttle';
  ctx.log.log(throttle ? 'warn' : 'debug', throttle ? 'throttle_pause' : 'retry', throttle ? `throttled: every request waits ${waitMs} ms` : `retrying ${user.userId} after ${verdict.outcome}`, {
    user_id: user.userId,
    attempt,
    outcome: verdict.outcome,
    error_code: verdict.errorCode,
    tracking_id: verdict.trackingId,
    wait_ms: waitMs,
  });
}

function toRow(user: UserRow, verdict: Verdict, attempts: number, clock: Clock): ResultRow {
  return {
    userId: user.userId,
    mfaStatus: verdict.outcome === 'ok' ? verdict.mfaStatus : undefined,
    outcome: verdict.outcome,
    errorCode: verdict.errorCode,
    errorMessage: verdict.errorMessage,
    trackingId: verdict.trackingId,
    attempts,
    checkedAt: new Date(clock.now()).toISOString(),
    group: user.group,
  };
}

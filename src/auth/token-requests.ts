import pLimit, { type LimitFunction } from 'p-limit';
import type { Clock } from '../clock.js';
import type { ConfigRefusedError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redact.js';
import { RateLimiter } from '../schedule/rate-limiter.js';
import { nextStep, type RetrySettings } from '../schedule/retry-policy.js';
import type { Verdict } from '../service/classify.js';
import { redeemRefreshToken, type GrantedTokens, type TokenAnswer, type TokenClient } from './token-endpoint.js';
import { judgeTokenFailure, type Scrub } from './token-errors.js';

export interface RequesterSettings extends RetrySettings {
  client: TokenClient;
  /** Token requests in flight at most: a budget apart from the service's. */
  concurrency: number;
  /** Token requests per second at most (0 = unlimited): a bucket apart from the service's. */
  rate: number;
}

export interface RequesterWorld {
  clock: Clock;
  random: () => number;
  log: Logger;
  redactor: Redactor;
}

export type Redeemed = GrantedTokens | { kind: 'verdict'; verdict: Verdict } | { kind: 'abandoned' };

/**
 * Sends refresh grants within their own concurrency and rate budget, retrying transient
 * failures with exponential backoff and full jitter (the service's retry policy). The first
 * invalid_client / unauthorized_client is kept in `refused`: from then on nothing is sent and
 * every caller gets that error.
 */
export class TokenRequester {
  private readonly inFlight: LimitFunction;
  private readonly limiter: RateLimiter;
  /** Token requests sent. */
  sent = 0;
  refused: ConfigRefusedError | undefined;

  constructor(
    private readonly settings: RequesterSettings,
    private readonly world: RequesterWorld,
  ) {
    this.inFlight = pLimit(settings.concurrency);
    this.limiter = new RateLimiter(settings.rate, world.clock);
  }

  /** Redeems one refresh token, retrying as the policy allows. Throws ConfigRefusedError. */
  async redeem(userId: string, refreshToken: string, signal: AbortSignal): Promise<Redeemed> {
    const scrub = this.scrubberFor(refreshToken);
    for (let attempt = 1; ; attempt++) {
      const answer = await this.sendOnce(refreshToken, signal);
      if (answer === undefined) return { kind: 'abandoned' };
      if (answer.kind === 'granted') return answer;
      const judged = judgeTokenFailure(answer, scrub);
      if (judged.kind === 'config') throw (this.refused ??= judged.error);
      const step = nextStep(judged.verdict, attempt, this.settings, this.world.random());
      if (!step.retry) return { kind: 'verdict', verdict: judged.verdict };
      this.logRetry(userId, judged.verdict, attempt, step.delayMs);
      await this.world.clock.sleep(step.delayMs, signal);
      if (signal.aborted) return { kind: 'abandoned' };
    }
  }

  /** Removes this request's secrets, and anything token-shaped, from text the endpoint sent. */
  scrubberFor(refreshToken: string): Scrub {
    const secrets = [refreshToken, this.settings.client.clientSecret].filter((value): value is string => Boolean(value));
    return (text) => {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join('[redacted]');
      return this.world.redactor.redact(out).replace(/[\w.~+/=*!$-]{40,}/g, '[redacted]');
    };
  }

  /** One request when the budget allows; undefined when the run stopped before it was sent. */
  private sendOnce(refreshToken: string, signal: AbortSignal): Promise<TokenAnswer | undefined> {
    return this.inFlight(async () => {
      await this.limiter.acquire(signal);
      if (this.refused) throw this.refused;
      if (signal.aborted) return undefined;
      this.sent++;
      return redeemRefreshToken(refreshToken, this.settings.client, this.world.clock.now());
    });
  }

  private logRetry(userId: string, verdict: Verdict, attempt: number, waitMs: number): void {
    this.world.log.log('debug', 'token_retry', `token endpoint: retrying ${userId} after ${verdict.errorCode ?? verdict.outcome}`, {
      user_id: userId,
      attempt,
      error_code: verdict.errorCode,
      wait_ms: waitMs,
    });
  }
}

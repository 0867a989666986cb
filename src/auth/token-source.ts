import type { UserRow } from '../input/read-tokens.js';
import type { Verdict } from '../service/classify.js';

/** An access token to call with, or the verdict that ends this user's check. */
export type TokenResult = { accessToken: string } | { verdict: Verdict };

/** Where check-user gets each user's access token from. */
export interface TokenSource {
  /**
   * A usable access token for this user. `expired` says the service just refused the last
   * one as expired (109 / HTTP 401): a new one is needed.
   */
  accessTokenFor(user: UserRow, expired: boolean, signal: AbortSignal): Promise<TokenResult>;
  /** Whether an expired access token can be replaced for this user. */
  canRefresh(user: UserRow): boolean;
  readonly refreshes: number;
  /** At the end of the run (complete or not): write what must outlive it; returns the files written. */
  finish(): Promise<string[]>;
}

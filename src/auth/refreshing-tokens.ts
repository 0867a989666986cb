import type { Clock } from '../clock.js';
import type { UserRow } from '../input/read-tokens.js';
import type { Verdict } from '../service/classify.js';
import { tokenHash, type Rotation, type RotationJournal } from './rotation-journal.js';
import { storedTokens } from './stored-tokens.js';
import type { TokenBook } from './token-book.js';
import { grantsMsadsManage, type GrantedTokens } from './token-endpoint.js';
import { missingScopeVerdict } from './token-errors.js';
import type { TokenRequester } from './token-requests.js';
import type { TokenResult, TokenSource } from './token-source.js';

/** A stored access token is replaced this long before it expires. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

const ABANDONED: Verdict = { outcome: 'network_error', action: 'done', errorMessage: 'abandoned at shutdown' };

interface HeldTokens {
  refreshToken: string;
  accessToken?: string;
  /** When to stop using the access token and refresh instead, epoch ms. */
  refreshAfter?: number;
}

/**
 * Access tokens from refresh tokens (--client-id given). A user's tokens are the newest of
 * the chain that starts at the input row's refresh token. A new access token is fetched when
 * there is none, when it expires within 5 minutes, or when the service refused it as expired;
 * one refresh per user at a time. Every rotated refresh token is in the journal before its
 * access token is handed out.
 */
export class RefreshingTokens implements TokenSource {
  private readonly flights = new Map<string, Promise<TokenResult>>();
  private readonly withoutRefresh = storedTokens();

  constructor(
    private readonly requester: TokenRequester,
    private readonly book: TokenBook,
    private readonly journal: RotationJournal,
    private readonly clock: Clock,
    private readonly finishing: () => Promise<string[]>,
  ) {}

  get refreshes(): number {
    return this.requester.sent;
  }

  canRefresh(user: UserRow): boolean {
    return user.refreshToken !== undefined && this.requester.refused === undefined;
  }

  async accessTokenFor(user: UserRow, expired: boolean, signal: AbortSignal): Promise<TokenResult> {
    if (this.requester.refused) throw this.requester.refused;
    if (user.refreshToken === undefined) return this.withoutRefresh.accessTokenFor(user, expired, signal);
    const held = this.held(user, user.refreshToken);
    const usable = held.accessToken !== undefined && (held.refreshAfter === undefined || this.clock.now() < held.refreshAfter);
    if (!expired && usable && held.accessToken) return { accessToken: held.accessToken };
    return this.refreshOnce(user.userId, held.refreshToken, signal);
  }

  /** Waits for refreshes still under way (their rotations must be saved), then writes what outlives the run. */
  async finish(): Promise<string[]> {
    await Promise.allSettled(this.flights.values());
    await this.journal.close();
    return this.finishing();
  }

  private held(user: UserRow, inputRefreshToken: string): HeldTokens {
    const rotation = this.book.latest(user.userId, inputRefreshToken);
    if (rotation) return { refreshToken: rotation.refreshToken, accessToken: rotation.accessToken, refreshAfter: refreshAfter(rotation) };
    const stored = user.expiresAt === undefined ? undefined : user.expiresAt - REFRESH_MARGIN_MS;
    return { refreshToken: inputRefreshToken, accessToken: user.accessToken, refreshAfter: stored };
  }

  /** Single-flight: callers for a user whose refresh is under way share its result. */
  private refreshOnce(userId: string, refreshToken: string, signal: AbortSignal): Promise<TokenResult> {
    const pending = this.flights.get(userId);
    if (pending) return pending;
    const flight = this.refresh(userId, refreshToken, signal).finally(() => this.flights.delete(userId));
    this.flights.set(userId, flight);
    return flight;
  }

  private async refresh(userId: string, refreshToken: string, signal: AbortSignal): Promise<TokenResult> {
    const redeemed = await this.requester.redeem(userId, refreshToken, signal);
    if (redeemed.kind === 'abandoned') return { verdict: ABANDONED };
    if (redeemed.kind === 'verdict') return { verdict: redeemed.verdict };
    await this.save(userId, refreshToken, redeemed);
    if (!grantsMsadsManage(redeemed.scope)) return { verdict: missingScopeVerdict(redeemed.scope, this.requester.scrubberFor(refreshToken)) };
    return { accessToken: redeemed.accessToken };
  }

  /** In the book at once, in the journal before the caller may use the access token. */
  private async save(userId: string, usedToken: string, granted: GrantedTokens): Promise<void> {
    const receivedAt = this.clock.now();
    const rotation: Rotation = {
      userId,
      refreshToken: granted.refreshToken ?? usedToken,
      replaces: tokenHash(usedToken),
      accessToken: granted.accessToken,
      expiresAt: granted.expiresInSeconds === undefined ? undefined : receivedAt + granted.expiresInSeconds * 1000,
      receivedAt,
    };
    this.book.add(rotation);
    if (granted.refreshToken !== undefined && granted.refreshToken !== usedToken) await this.journal.append(rotation);
  }
}

/** Five minutes before expiry, or half-way through a lifetime shorter than ten minutes. */
function refreshAfter(rotation: Rotation): number | undefined {
  if (rotation.expiresAt === undefined) return undefined;
  const lifetime = rotation.expiresAt - rotation.receivedAt;
  return rotation.expiresAt - Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetime / 2));
}

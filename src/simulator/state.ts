import { createPrng, type Prng } from './random.js';
import type { ResolvedOptions, SimLogEntry } from './types.js';

export interface MintedAccessToken { expiresAt: number; scopeAllowsService: boolean }

/** Everything the simulator remembers between requests. */
export class SimulatorState {
  readonly log: SimLogEntry[] = [];
  readonly issuedRefreshTokens: string[] = [];
  readonly faultMixDraw: Prng | undefined;
  private readonly serviceRequests = new Map<string, number>();
  private readonly refreshes = new Map<string, number>();
  private readonly generations = new Map<string, number>();
  private readonly usedRefreshTokens = new Set<string>();
  private readonly mintedAccessTokens = new Map<string, MintedAccessToken>();
  private readonly acceptedAt: number[] = [];
  private answers = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.faultMixDraw = options.faultMix ? createPrng(options.faultMix.seed) : undefined;
  }

  /** 1-based number of this service request among the user's. */
  countServiceRequest(key: string): number {
    return increment(this.serviceRequests, key);
  }

  /** 1-based number of this refresh among the user's. */
  countRefresh(key: string): number {
    return increment(this.refreshes, key);
  }

  nextGeneration(key: string): number {
    return increment(this.generations, key);
  }

  isUsedRefreshToken(token: string): boolean {
    return this.usedRefreshTokens.has(token);
  }

  recordRotation(usedToken: string, issuedToken: string): void {
    this.usedRefreshTokens.add(usedToken);
    this.issuedRefreshTokens.push(issuedToken);
  }

  recordMinted(accessToken: string, minted: MintedAccessToken): void {
    this.mintedAccessTokens.set(accessToken, minted);
  }

  mintedAccessToken(accessToken: string): MintedAccessToken | undefined {
    return this.mintedAccessTokens.get(accessToken);
  }

  /** Sliding 1 s window over accepted service requests; false when the request is over the limit. */
  admitServiceRequest(): boolean {
    const limit = this.options.rateLimitPerSecond;
    if (limit === undefined) return true;
    const now = this.options.now();
    while (this.acceptedAt.length > 0 && (this.acceptedAt[0] ?? 0) <= now - 1000) this.acceptedAt.shift();
    if (this.acceptedAt.length >= limit) return false;
    this.acceptedAt.push(now);
    return true;
  }

  /** Rotates through the namespace-prefix variants so clients cannot rely on prefixes. */
  nextPrefixVariant(): number {
    return this.answers++;
  }
}

function increment(counters: Map<string, number>, key: string): number {
  const next = (counters.get(key) ?? 0) + 1;
  counters.set(key, next);
  return next;
}

/** What every request handler is given. */
export interface SimContext {
  options: ResolvedOptions;
  state: SimulatorState;
  /** Aborted by close(), so pending delays end at once. */
  signal: AbortSignal;
}

export interface FaultMix {
  seed: number;
  error0?: number;
  http5xx?: number;
  throttle117?: number;
  reset?: number;
  hang?: number;
  malformed?: number;
}

export interface OAuthOptions {
  /** When set, any other client_id gets unauthorized_client (AADSTS700016). */
  clientId?: string;
  /** When set, a missing or different client_secret gets invalid_client (AADSTS7000215). */
  clientSecret?: string;
  /** @default 3600 */
  accessTokenLifetimeSeconds?: number;
  /** Refuse refresh tokens that were already rotated away. @default true */
  rejectSuperseded?: boolean;
}

export interface SimulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (ephemeral) */
  port?: number;
  /** When set, any other DeveloperToken gets error 105 for every user. @default any non-empty */
  developerToken?: string;
  /** Added to every service answer. @default 0 */
  latencyMs?: number;
  /** Service requests allowed in a sliding 1 s window; beyond it 117 (SOAP) / 429 (REST). @default off */
  rateLimitPerSecond?: number;
  /** REST 429: the Retry-After header to send. @default none */
  retryAfterSeconds?: number;
  /** Per-request fault probabilities (0..1, summing to at most 1) from a seeded generator. */
  faultMix?: FaultMix;
  oauth?: OAuthOptions;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

export interface SimLogEntry {
  at: number;
  path: 'soap' | 'rest' | 'oauth';
  /** The persona.id key; never a whole token. Empty when the request carried no token. */
  user: string;
  httpStatus: number | 'reset' | 'hang';
  result: 'ok' | 'fault' | 'transport';
  /** Service code ("105"), WCF fault name, transport directive, or OAuth error. */
  code?: string;
  mfaStatus?: boolean | null;
  trackingId?: string;
}

export interface Simulator {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  soapUrl: string;
  restUrl: string;
  tokenUrl: string;
  /** Every request, in the order the simulator received it whole. */
  log: SimLogEntry[];
  /** Every refresh token the OAuth endpoint issued, in order. */
  issuedRefreshTokens: string[];
  /** Closes the server and destroys open sockets (hanging requests included). */
  close(): Promise<void>;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  developerToken: string | undefined;
  latencyMs: number;
  rateLimitPerSecond: number | undefined;
  retryAfterSeconds: number | undefined;
  faultMix: FaultMix | undefined;
  oauth: Required<Pick<OAuthOptions, 'accessTokenLifetimeSeconds' | 'rejectSuperseded'>> &
    Pick<OAuthOptions, 'clientId' | 'clientSecret'>;
  now: () => number;
}

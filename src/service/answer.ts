/**
 * What one request to GetUserMFAStatus came back with, whatever the transport.
 * Transports only turn a response into an Answer; `classify` decides what it means.
 */
export type Answer =
  | { kind: 'status'; mfaStatus: boolean; trackingId?: string }
  /** A fault with an API error code (AdApiFaultDetail, ApiFault, or a REST ApplicationFault). */
  | { kind: 'fault'; code: number; errorName?: string; message?: string; trackingId?: string; httpStatus: number; retryAfterMs?: number }
  /** WCF InternalServiceFault, or a 5xx without a readable body: the service's own trouble. */
  | { kind: 'server-fault'; httpStatus: number; message?: string }
  /** A non-API HTTP error (HTML 503 page, bare 429, 401 without body…). */
  | { kind: 'http-error'; httpStatus: number; retryAfterMs?: number }
  /** The response could not be understood. `garbled` ones (cut, not XML) may be worth retrying. */
  | { kind: 'protocol'; problem: string; garbled: boolean; trackingId?: string }
  /** No response: reset, refused, timed out. */
  | { kind: 'network'; problem: string; timedOut: boolean };

export interface Transport {
  readonly name: 'soap' | 'rest';
  /** Sends one GetUserMFAStatus for the user holding this access token. Never throws. */
  check(accessToken: string, signal: AbortSignal): Promise<Answer>;
}

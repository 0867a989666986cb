import type { Dispatcher } from 'undici';
import { post, type HttpResponse } from '../service/http.js';
import { retryAfterMs } from '../service/retry-after.js';

export const MSADS_MANAGE_SCOPE = 'https://ads.microsoft.com/msads.manage';
const REQUESTED_SCOPE = `${MSADS_MANAGE_SCOPE} offline_access`;
/** A token response is a few kilobytes; anything far larger is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** The application's side of the refresh grant. */
export interface TokenClient {
  tokenUrl: string;
  clientId: string;
  /** Web apps only: a public client must send none. */
  clientSecret?: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
}

export interface GrantedTokens {
  kind: 'granted';
  accessToken: string;
  /** The rotated refresh token; absent when the endpoint did not rotate it. */
  refreshToken?: string;
  expiresInSeconds?: number;
  /** Absent means "as requested" (RFC 6749 §5.1). */
  scope?: string;
}

/** What one token request came back with, before it is judged. */
export type TokenAnswer =
  | GrantedTokens
  /** `{error, error_description, error_codes}` as the identity platform words it. */
  | { kind: 'oauth-error'; httpStatus: number; error: string; codes: number[]; description: string; retryAfterMs?: number }
  /** An answer that is neither tokens nor an OAuth error (an HTML 503 page, cut JSON…). */
  | { kind: 'unreadable'; httpStatus: number; problem: string; retryAfterMs?: number }
  /** No answer: refused, reset, timed out. */
  | { kind: 'no-answer'; timedOut: boolean; problem: string };

/**
 * Redeems a refresh token (grant_type=refresh_token). Deliberately not abortable by the run's
 * stop signal: once sent, the endpoint may rotate the token, and the answer must be read so
 * that the new one is saved. `timeoutMs` bounds it. Never throws.
 */
export async function redeemRefreshToken(refreshToken: string, client: TokenClient, now: number): Promise<TokenAnswer> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, refresh_token: refreshToken, scope: REQUESTED_SCOPE });
  if (client.clientSecret) form.set('client_secret', client.clientSecret);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const result = await post(client.tokenUrl, headers, form.toString(), { dispatcher: client.dispatcher, timeoutMs: client.timeoutMs, maxBytes: MAX_TOKEN_RESPONSE_BYTES });
  if (!('failed' in result)) return readTokenResponse(result, now);
  if (result.failed === 'network' || result.failed === 'timeout' || result.failed === 'aborted') {
    return { kind: 'no-answer', timedOut: result.failed === 'timeout', problem: result.problem };
  }
  return { kind: 'unreadable', httpStatus: 0, problem: result.problem };
}

/** Pure: an HTTP response of the token endpoint → tokens, an OAuth error, or unreadable. */
export function readTokenResponse(response: HttpResponse, now: number): TokenAnswer {
  const retryAfter = retryAfterMs(response.headers['retry-after'], now);
  const json = parseObject(response.body);
  if (json && response.status === 200 && typeof json.access_token === 'string' && json.access_token !== '') {
    return {
      kind: 'granted',
      accessToken: json.access_token,
      refreshToken: typeof json.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : undefined,
      expiresInSeconds: positiveNumber(json.expires_in),
      scope: typeof json.scope === 'string' ? json.scope : undefined,
    };
  }
  if (json && typeof json.error === 'string' && json.error !== '') {
    const description = typeof json.error_description === 'string' ? json.error_description : '';
    return { kind: 'oauth-error', httpStatus: response.status, error: json.error, codes: errorCodes(json.error_codes, description), description, retryAfterMs: retryAfter };
  }
  const problem = json ? 'JSON without access_token or error' : 'not JSON';
  return { kind: 'unreadable', httpStatus: response.status, problem: `HTTP ${response.status}: ${problem}`, retryAfterMs: retryAfter };
}

/** Whether a granted scope string lets the tokens call the Microsoft Advertising API. */
export function grantsMsadsManage(scope: string | undefined): boolean {
  if (scope === undefined) return true;
  return scope.split(/\s+/).some((granted) => granted === MSADS_MANAGE_SCOPE || granted === 'msads.manage');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `expires_in` is a number, though some endpoints send it as a string. */
function positiveNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}

/** `error_codes` when sent, else the AADSTS numbers found in the description. */
function errorCodes(value: unknown, description: string): number[] {
  if (Array.isArray(value)) {
    const codes = value.filter((code): code is number => typeof code === 'number' && Number.isInteger(code));
    if (codes.length > 0) return codes;
  }
  return [...description.matchAll(/AADSTS(\d+)/g)].map((match) => Number(match[1]));
}

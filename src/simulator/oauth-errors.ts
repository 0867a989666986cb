import { randomUUID } from 'node:crypto';
import type { Reply } from './http.js';

/** An OAuth error as the Microsoft identity platform words it. */
export interface OAuthError { httpStatus: number; error: string; aadsts: number; description: string }

const DAY_MS = 24 * 60 * 60 * 1000;

export const OAUTH_ERRORS = {
  missingParameter: (name: string): OAuthError => ({ httpStatus: 400, error: 'invalid_request', aadsts: 900144,
    description: `The request body must contain the following parameter: '${name}'.` }),
  unsupportedGrantType: { httpStatus: 400, error: 'unsupported_grant_type', aadsts: 70003,
    description: 'The app requested an unsupported grant type.' },
  unknownClient: (clientId: string): OAuthError => ({ httpStatus: 400, error: 'unauthorized_client', aadsts: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory 'Microsoft Accounts'.` }),
  invalidClientSecret: { httpStatus: 401, error: 'invalid_client', aadsts: 7000215,
    description: 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.' },
  invalidScope: { httpStatus: 400, error: 'invalid_scope', aadsts: 70011,
    description: "The provided value for the input parameter 'scope' is not valid: it must include https://ads.microsoft.com/msads.manage." },
  notARefreshToken: { httpStatus: 400, error: 'invalid_grant', aadsts: 9002313,
    description: 'Invalid request. Request is malformed or invalid.' },
  superseded: { httpStatus: 400, error: 'invalid_grant', aadsts: 70000,
    description: 'Provided grant is invalid or malformed: the provided grant has been used to obtain a newer refresh token.' },
  revoked: { httpStatus: 400, error: 'invalid_grant', aadsts: 70008,
    description: 'The provided authorization code or refresh token has expired due to inactivity or was revoked. Send a new interactive authorization request for this user and resource.' },
  idle: (now: number): OAuthError => ({ httpStatus: 400, error: 'invalid_grant', aadsts: 700082,
    description: `The refresh token has expired due to inactivity. The token was issued on ${new Date(now - 91 * DAY_MS).toISOString()} and was inactive for 90.00:00:00.` }),
  interactionRequired: { httpStatus: 400, error: 'interaction_required', aadsts: 50076,
    description: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'https://ads.microsoft.com'." },
  temporarilyUnavailable: { httpStatus: 503, error: 'temporarily_unavailable', aadsts: 50033,
    description: 'A transient error has occurred. Please try again.' },
} satisfies Record<string, OAuthError | ((argument: never) => OAuthError)>;

export const OAUTH_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store, no-cache',
  Pragma: 'no-cache',
};

/** Formats the timestamp the way the identity platform does: "2024-05-01 12:34:56Z". */
function aadTimestamp(now: number): string {
  return new Date(now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function oauthErrorReply(failure: OAuthError, user: string, now: number): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = aadTimestamp(now);
  const body = {
    error: failure.error,
    error_description: `AADSTS${failure.aadsts}: ${failure.description}\r\nTrace ID: ${traceId}\r\n`
      + `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.aadsts}`,
  };
  return {
    entry: { path: 'oauth', user, httpStatus: failure.httpStatus, result: 'fault', code: failure.error },
    headers: OAUTH_HEADERS,
    body: JSON.stringify(body),
  };
}

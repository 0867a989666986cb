import type { Outcome } from '../outcomes.js';
import type { Answer } from './answer.js';

/**
 * What to do after an answer: `done` (record it), `backoff` (transient: retry after an
 * exponential, jittered delay), `throttle` (pause the whole queue, then retry), `refresh`
 * (the access token expired: refresh it and retry once).
 */
export type Action = 'done' | 'backoff' | 'throttle' | 'refresh';

export interface Verdict {
  outcome: Outcome;
  action: Action;
  mfaStatus?: boolean;
  errorCode?: string;
  errorMessage?: string;
  trackingId?: string;
  retryAfterMs?: number;
}

/**
 * Error codes of GetUserMFAStatus and what they mean for one user (protocol.md). Codes not
 * listed (120–126 and 1001, identity errors, and any undocumented code) are permanent for
 * that user: `auth_failed`, with the code and tracking id kept in the results.
 */
const CODE_TABLE: Record<number, { outcome: Outcome; action: Action }> = {
  0: { outcome: 'server_error', action: 'backoff' },
  105: { outcome: 'auth_failed', action: 'done' },
  106: { outcome: 'auth_failed', action: 'done' },
  108: { outcome: 'auth_failed', action: 'done' },
  109: { outcome: 'auth_failed', action: 'refresh' },
  116: { outcome: 'protocol_error', action: 'done' },
  117: { outcome: 'throttled', action: 'throttle' },
  3101: { outcome: 'reconsent_required', action: 'done' },
};

/** Pure: one answer → its outcome and the next action. Unknown codes are permanent per user. */
export function classify(answer: Answer): Verdict {
  switch (answer.kind) {
    case 'status':
      return { outcome: 'ok', action: 'done', mfaStatus: answer.mfaStatus, trackingId: answer.trackingId };
    case 'fault':
      return classifyFault(answer);
    case 'server-fault':
      return { outcome: 'server_error', action: 'backoff', errorCode: `HTTP ${answer.httpStatus}`, errorMessage: 'internal service fault' };
    case 'http-error':
      return classifyHttp(answer.httpStatus, answer.retryAfterMs);
    case 'protocol':
      return { outcome: 'protocol_error', action: answer.garbled ? 'backoff' : 'done', errorMessage: answer.problem, trackingId: answer.trackingId };
    case 'network':
      return { outcome: 'network_error', action: 'backoff', errorMessage: answer.problem };
  }
}

function classifyFault(answer: Extract<Answer, { kind: 'fault' }>): Verdict {
  const rule = CODE_TABLE[answer.code] ?? { outcome: 'auth_failed', action: 'done' };
  return {
    ...rule,
    errorCode: String(answer.code),
    errorMessage: [answer.errorName, answer.message].filter(Boolean).join(': ') || undefined,
    trackingId: answer.trackingId,
    retryAfterMs: answer.retryAfterMs,
  };
}

function classifyHttp(status: number, retryAfterMs: number | undefined): Verdict {
  const errorCode = `HTTP ${status}`;
  if (status === 429) return { outcome: 'throttled', action: 'throttle', errorCode, retryAfterMs };
  if (status === 401) return { outcome: 'auth_failed', action: 'refresh', errorCode, errorMessage: 'unauthorized' };
  if (status === 403) return { outcome: 'auth_failed', action: 'done', errorCode, errorMessage: 'forbidden' };
  if (status >= 500 || status === 408) return { outcome: 'server_error', action: 'backoff', errorCode, retryAfterMs };
  return { outcome: 'protocol_error', action: 'done', errorCode, errorMessage: 'unexpected HTTP status without an API fault' };
}

import { ConfigRefusedError } from '../errors.js';
import type { Verdict } from '../service/classify.js';
import type { TokenAnswer } from './token-endpoint.js';

export type TokenFailure = Exclude<TokenAnswer, { kind: 'granted' }>;

/** A failed token request means a verdict for the user, or a configuration wrong for everyone. */
export type Judgement = { kind: 'verdict'; verdict: Verdict } | { kind: 'config'; error: ConfigRefusedError };

/** Removes secrets from text taken from the endpoint's answer. */
export type Scrub = (text: string) => string;

const CONFIG_ERRORS = new Set(['invalid_client', 'unauthorized_client']);
const CONFIG_CODES = new Set([7000215, 7000222, 70002, 700016, 7000218, 700025]);
const TRANSIENT_CODES = new Set([50033, 90024, 90006, 90055]);
const RECONSENT_ERRORS = new Set(['invalid_grant', 'interaction_required', 'consent_required', 'login_required']);
const RECONSENT_CODES = new Set([70008, 700082, 50173, 70000, 70043, 65001, 50076, 50079]);

/**
 * Pure: what a failed token request means (protocol.md, OAuth). The app's own configuration
 * (invalid_client, unauthorized_client) stops the run; invalid_grant, interaction_required and
 * their AADSTS codes mean the user must consent again (never retried); throttling, 5xx and
 * network trouble are transient (`backoff`); anything else is final for the user.
 */
export function judgeTokenFailure(failure: TokenFailure, scrub: Scrub): Judgement {
  if (failure.kind === 'no-answer') return transient('network_error', undefined, failure.problem);
  if (failure.kind === 'unreadable') return judgeUnreadable(failure, scrub);
  const summary = summarise(failure.description, failure.codes, scrub);
  if (CONFIG_ERRORS.has(failure.error) || failure.codes.some((code) => CONFIG_CODES.has(code))) {
    return { kind: 'config', error: configRefused(failure.error, failure.codes, summary) };
  }
  const transientCode = failure.error === 'temporarily_unavailable' || failure.codes.some((code) => TRANSIENT_CODES.has(code));
  if (transientCode) return transient('server_error', failure.error, summary, failure.retryAfterMs);
  if (RECONSENT_ERRORS.has(failure.error) || failure.codes.some((code) => RECONSENT_CODES.has(code))) {
    return verdict({ outcome: 'reconsent_required', action: 'done', errorCode: failure.error, errorMessage: summary });
  }
  if (isTransientStatus(failure.httpStatus)) return transient('server_error', failure.error, summary, failure.retryAfterMs);
  return verdict({ outcome: 'auth_failed', action: 'done', errorCode: failure.error, errorMessage: `token endpoint: ${summary}` });
}

/** The verdict for tokens granted without msads.manage (an old ads.manage consent). */
export function missingScopeVerdict(scope: string | undefined, scrub: Scrub): Verdict {
  const granted = scrub(scope ?? '').slice(0, 120);
  return { outcome: 'reconsent_required', action: 'done', errorCode: 'insufficient_scope', errorMessage: `granted scope "${granted}" lacks msads.manage` };
}

function judgeUnreadable(failure: Extract<TokenFailure, { kind: 'unreadable' }>, scrub: Scrub): Judgement {
  const errorCode = failure.httpStatus > 0 ? `HTTP ${failure.httpStatus}` : undefined;
  const problem = scrub(failure.problem);
  // A cut or garbled 200 may come right the next time; a 4xx page will not.
  if (isTransientStatus(failure.httpStatus) || failure.httpStatus === 200 || failure.httpStatus === 0) {
    return transient('server_error', errorCode, problem, failure.retryAfterMs);
  }
  return verdict({ outcome: 'protocol_error', action: 'done', errorCode, errorMessage: `token endpoint: ${problem}` });
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function transient(outcome: 'network_error' | 'server_error', errorCode: string | undefined, problem: string, retryAfterMs?: number): Judgement {
  return verdict({ outcome, action: 'backoff', errorCode, errorMessage: `token endpoint: ${problem}`, retryAfterMs });
}

function verdict(value: Verdict): Judgement {
  return { kind: 'verdict', verdict: value };
}

/** "AADSTS70008: <first sentence>." — the first line, first sentence, bounded, scrubbed. */
export function summarise(description: string, codes: number[], scrub: Scrub): string {
  const firstLine = description.split(/[\r\n]/, 1)[0]?.trim() ?? '';
  const sentence = /^.*?[.!?](?=\s|$)/.exec(firstLine)?.[0] ?? firstLine;
  const labelled = /^AADSTS\d+/.test(sentence) || codes[0] === undefined ? sentence : `AADSTS${codes[0]}: ${sentence}`;
  const clean = scrub(labelled);
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}

function configRefused(error: string, codes: number[], summary: string): ConfigRefusedError {
  return new ConfigRefusedError(`the token endpoint refused the application (${error}: ${summary}); ${settingToFix(error, codes)}; stopped, nothing more was sent`);
}

function settingToFix(error: string, codes: number[]): string {
  if (codes.includes(700016) || (error === 'unauthorized_client' && codes.length === 0)) {
    return 'fix --client-id: no application with this id is known to this token endpoint (check --token-url too)';
  }
  if (error === 'unauthorized_client') return 'fix --client-id: this application may not use the refresh grant (check its registration)';
  if (codes.includes(700025)) return 'fix --client-secret: this application is a public client and must send no secret; remove it';
  if (codes.includes(7000218)) return 'fix --client-secret: this application is a web app and must send its secret';
  if (codes.includes(7000222)) return 'fix --client-secret: the secret has expired; create a new one';
  return "fix --client-secret: wrong secret (use the secret's value, not its id) or a --client-id of another application";
}

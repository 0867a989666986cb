/**
 * The persona scheme: every answer of the simulator is decided by the token a request carries.
 *
 *   access token   at.<persona>.<id>[.<anything>]
 *   refresh token  rt.<persona>.<id>[.<anything>]
 *   persona        directives joined by "+", possibly empty ("at..u17")
 *   user key       <persona>.<id>  (counters, logs and rotation are per key; a token never is)
 *
 * Directives (unknown ones are ignored; for repeated status directives the last one wins):
 *   mfa | nomfa | unknown      MFAStatus true / false / success without MFAStatus;
 *                              none of them: a hash of the key decides (about 62 % true)
 *   e<code>                    a service fault with that code (e0, e105, e117, e3101, e999 …)
 *   apifault                   faults use the ApiFault detail instead of AdApiFaultDetail
 *   h200                       SOAP faults arrive with HTTP 200 instead of 500
 *   isf                        WCF InternalServiceFault (HTTP 200, no detail, no TrackingId)
 *   html503                    HTTP 503 with an HTML page
 *   reset | hang               destroy the socket unanswered / never answer
 *   malformed | empty          HTTP 200 with broken XML or JSON / with an empty body
 *   exp                        the (non-minted) access token is expired: fault 109 (REST: 401)
 *   slow<ms>                   answer normally, <ms> later
 *   revoked | idle             token endpoint: invalid_grant AADSTS70008 / AADSTS700082
 *   interaction                token endpoint: interaction_required AADSTS50076
 *   tok503                     token endpoint: 503 temporarily_unavailable AADSTS50033
 *   oldscope                   token endpoint succeeds with an ads.manage scope (no msads.manage);
 *                              the service answers 3101 to the access tokens minted that way
 *   tokslow<ms>                token endpoint answers <ms> later
 *
 * Any fault, slow or token-endpoint directive takes an optional "x<N>" suffix: only the first N
 * requests of that user key (service requests for service directives, refreshes for token
 * endpoint ones). Fault directives form a script in the order written: "html503x1+e117x2"
 * answers 503, then 117 twice, then normally. A directive without "x<N>" lasts for ever.
 * Tokens of any other form are ordinary users keyed on a hash of the whole token.
 */
import { fnv1a32 } from '../fnv1a.js';

export type TransportFault = 'isf' | 'html503' | 'reset' | 'hang' | 'malformed' | 'empty';
export type ServiceStep = { kind: 'fault'; code: number } | { kind: TransportFault } | { kind: 'exp' };
export type OAuthStep = 'revoked' | 'idle' | 'interaction' | 'tok503';
export interface Scripted<T> { step: T; times: number }
export interface Delay { ms: number; times: number }

export interface Persona {
  status: 'mfa' | 'nomfa' | 'unknown' | undefined;
  faultShape: 'AdApiFaultDetail' | 'ApiFault';
  faultHttp200: boolean;
  serviceScript: Scripted<ServiceStep>[];
  serviceDelay: Delay | undefined;
  oauthScript: Scripted<OAuthStep>[];
  oauthDelay: Delay | undefined;
  oldScope: boolean;
}

export interface TokenIdentity {
  kind: 'access' | 'refresh' | 'opaque';
  personaText: string;
  id: string;
  key: string;
  persona: Persona;
}

type Apply = (match: RegExpMatchArray, persona: Persona) => void;

const times = (text: string | undefined): number => (text === undefined ? Infinity : Number(text));

const DIRECTIVES: Array<[RegExp, Apply]> = [
  [/^(mfa|nomfa|unknown)$/, (m, p) => { p.status = m[1] as Persona['status']; }],
  [/^apifault$/, (_, p) => { p.faultShape = 'ApiFault'; }],
  [/^h200$/, (_, p) => { p.faultHttp200 = true; }],
  [/^e(\d+)(?:x(\d+))?$/, (m, p) => {
    p.serviceScript.push({ step: { kind: 'fault', code: Number(m[1]) }, times: times(m[2]) });
  }],
  [/^(isf|html503|reset|hang|malformed|empty|exp)(?:x(\d+))?$/, (m, p) => {
    p.serviceScript.push({ step: { kind: m[1] as TransportFault | 'exp' }, times: times(m[2]) });
  }],
  [/^slow(\d+)(?:x(\d+))?$/, (m, p) => { p.serviceDelay = { ms: Number(m[1]), times: times(m[2]) }; }],
  [/^(revoked|idle|interaction|tok503)(?:x(\d+))?$/, (m, p) => {
    p.oauthScript.push({ step: m[1] as OAuthStep, times: times(m[2]) });
  }],
  [/^oldscope$/, (_, p) => { p.oldScope = true; }],
  [/^tokslow(\d+)(?:x(\d+))?$/, (m, p) => { p.oauthDelay = { ms: Number(m[1]), times: times(m[2]) }; }],
];

export function parsePersona(text: string): Persona {
  const persona: Persona = {
    status: undefined, faultShape: 'AdApiFaultDetail', faultHttp200: false,
    serviceScript: [], serviceDelay: undefined, oauthScript: [], oauthDelay: undefined, oldScope: false,
  };
  for (const directive of text.split('+')) {
    for (const [pattern, apply] of DIRECTIVES) {
      const match = directive.match(pattern);
      if (match) { apply(match, persona); break; }
    }
  }
  return persona;
}

const TOKEN_FORM = /^(at|rt)\.([^.]*)\.([^.]+)(?:\.[\s\S]*)?$/;

export function identifyToken(token: string): TokenIdentity {
  const match = token.match(TOKEN_FORM);
  if (!match) {
    const id = `h${fnv1a32(token).toString(16).padStart(8, '0')}`;
    return { kind: 'opaque', personaText: '', id, key: `.${id}`, persona: parsePersona('') };
  }
  const [, prefix = '', personaText = '', id = ''] = match;
  return {
    kind: prefix === 'at' ? 'access' : 'refresh',
    personaText, id, key: `${personaText}.${id}`, persona: parsePersona(personaText),
  };
}

/** The scripted step for the n-th (1-based) request of a user, or undefined once the script is done. */
export function scriptStepAt<T>(script: Scripted<T>[], requestNumber: number): T | undefined {
  let remaining = requestNumber;
  for (const { step, times: count } of script) {
    if (remaining <= count) return step;
    remaining -= count;
  }
  return undefined;
}

export function delayAt(delay: Delay | undefined, requestNumber: number): number {
  return delay !== undefined && requestNumber <= delay.times ? delay.ms : 0;
}

/** The MFAStatus the service answers for a user; null means "not determined" (element absent). */
export function mfaStatusOf(identity: TokenIdentity): boolean | null {
  const { status } = identity.persona;
  if (status === 'mfa') return true;
  if (status === 'nomfa') return false;
  if (status === 'unknown') return null;
  return fnv1a32(identity.key) % 1000 < 620;
}

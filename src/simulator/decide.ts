import {
  delayAt, identifyToken, mfaStatusOf, scriptStepAt, type Persona, type TokenIdentity, type TransportFault,
} from './personas.js';
import type { SimContext } from './state.js';

/** What the service answers, before it is rendered as SOAP or REST. */
export type ServiceAnswer =
  | { kind: 'ok'; mfaStatus: boolean | null }
  | { kind: 'fault'; code: number }
  | { kind: TransportFault };

export interface ServiceDecision {
  answer: ServiceAnswer;
  user: string;
  delayMs: number;
  faultShape: Persona['faultShape'];
  faultHttp200: boolean;
}

export interface ServiceCredentials { accessToken: string; developerToken: string }

const fault = (code: number): ServiceAnswer => ({ kind: 'fault', code });

/**
 * Decides the answer to a well-formed GetUserMFAStatus request. Requests refused by the rate limit,
 * the developer-token check or the fault mix never reach the user, so they do not advance the
 * user's x<N> counters.
 */
export function decideServiceAnswer(ctx: SimContext, credentials: ServiceCredentials): ServiceDecision {
  const identity = identifyToken(credentials.accessToken);
  const decision = (answer: ServiceAnswer, extraDelayMs = 0): ServiceDecision => ({
    answer,
    user: identity.key,
    delayMs: ctx.options.latencyMs + extraDelayMs,
    faultShape: identity.persona.faultShape,
    faultHttp200: identity.persona.faultHttp200,
  });
  if (!ctx.state.admitServiceRequest()) return decision(fault(117));
  const expectedDeveloperToken = ctx.options.developerToken;
  if (expectedDeveloperToken !== undefined && credentials.developerToken !== expectedDeveloperToken) {
    return decision(fault(105));
  }
  const mixed = drawFaultMix(ctx);
  if (mixed) return decision(mixed);
  const requestNumber = ctx.state.countServiceRequest(identity.key);
  const answer = personaAnswer(ctx, identity, credentials.accessToken, requestNumber);
  return decision(answer, delayAt(identity.persona.serviceDelay, requestNumber));
}

function personaAnswer(
  ctx: SimContext, identity: TokenIdentity, accessToken: string, requestNumber: number,
): ServiceAnswer {
  if (identity.kind === 'refresh') return fault(105);
  const minted = ctx.state.mintedAccessToken(accessToken);
  if (minted && ctx.options.now() >= minted.expiresAt) return fault(109);
  if (minted && !minted.scopeAllowsService) return fault(3101);
  const step = scriptStepAt(identity.persona.serviceScript, requestNumber);
  if (step === undefined || (step.kind === 'exp' && minted)) return { kind: 'ok', mfaStatus: mfaStatusOf(identity) };
  if (step.kind === 'exp') return fault(109);
  return step;
}

/** One draw per request, so a seed replays the same faults for the same request order. */
function drawFaultMix(ctx: SimContext): ServiceAnswer | undefined {
  const mix = ctx.options.faultMix;
  const draw = ctx.state.faultMixDraw;
  if (mix === undefined || draw === undefined) return undefined;
  const table: Array<[number | undefined, ServiceAnswer]> = [
    [mix.error0, fault(0)],
    [mix.http5xx, { kind: 'html503' }],
    [mix.throttle117, fault(117)],
    [mix.reset, { kind: 'reset' }],
    [mix.hang, { kind: 'hang' }],
    [mix.malformed, { kind: 'malformed' }],
  ];
  let roll = draw();
  for (const [probability = 0, answer] of table) {
    if (roll < probability) return answer;
    roll -= probability;
  }
  return undefined;
}

/** Error 116 for a request without the required credentials; the user is known when a token came. */
export function missingHeadersDecision(ctx: SimContext, accessToken: string | undefined): ServiceDecision {
  const identity = accessToken === undefined ? undefined : identifyToken(accessToken);
  return {
    answer: fault(116),
    user: identity?.key ?? '',
    delayMs: ctx.options.latencyMs,
    faultShape: identity?.persona.faultShape ?? 'AdApiFaultDetail',
    faultHttp200: identity?.persona.faultHttp200 ?? false,
  };
}

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { decideServiceAnswer, missingHeadersDecision, type ServiceDecision } from './decide.js';
import { restStatusFor, serviceError } from './faults.js';
import { deliver, SERVICE_UNAVAILABLE_PAGE, type Reply } from './http.js';
import { newTrackingId } from './random.js';
import type { TransportFault } from './personas.js';
import type { SimContext } from './state.js';
import type { SimLogEntry } from './types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

type RestCheck =
  | { kind: 'valid'; accessToken: string; developerToken: string }
  | { kind: 'refused'; decision: ServiceDecision; httpStatus: number }
  | { kind: 'unreadable'; httpStatus: 400 | 415; message: string };

export async function handleRest(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const check = checkRestRequest(ctx, req, body);
  if (check.kind === 'unreadable') {
    const entry: Omit<SimLogEntry, 'at'> = { path: 'rest', user: '', httpStatus: check.httpStatus, result: 'fault', code: 'BadRequest' };
    const reply = { entry, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify({ Message: check.message }) };
    return deliver(ctx, res, reply, ctx.options.latencyMs);
  }
  const decision = check.kind === 'valid' ? decideServiceAnswer(ctx, check) : check.decision;
  const httpStatus = check.kind === 'refused' ? check.httpStatus : undefined;
  return deliver(ctx, res, restReply(ctx, decision, httpStatus), decision.delayMs);
}

/** Missing Authorization: 401 + 116; a non-Bearer one: 401 + 105; missing DeveloperToken: 400 + 116. */
function checkRestRequest(ctx: SimContext, req: IncomingMessage, body: string): RestCheck {
  const authorization = req.headers.authorization;
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const developerToken = headerValue(req.headers.developertoken);
  if (authorization === undefined) return refused(ctx, undefined, 116, 401);
  if (bearer === undefined) return refused(ctx, undefined, 105, 401);
  if (developerToken === undefined) return refused(ctx, bearer, 116, 400);
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return { kind: 'unreadable', httpStatus: 415, message: 'The request entity\'s media type is not supported for this resource.' };
  }
  if (!isJsonObject(body)) return { kind: 'unreadable', httpStatus: 400, message: 'The request is invalid: the body must be a JSON object.' };
  return { kind: 'valid', accessToken: bearer, developerToken };
}

function refused(ctx: SimContext, accessToken: string | undefined, code: number, httpStatus: number): RestCheck {
  const decision = { ...missingHeadersDecision(ctx, accessToken), answer: { kind: 'fault', code } as const };
  return { kind: 'refused', decision, httpStatus };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function isJsonObject(body: string): boolean {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function restReply(ctx: SimContext, decision: ServiceDecision, statusOverride: number | undefined): Reply {
  const { answer, user } = decision;
  const trackingId = newTrackingId();
  const headers: OutgoingHttpHeaders = { 'Content-Type': JSON_TYPE, TrackingId: trackingId };
  if (answer.kind === 'ok') {
    const body = answer.mfaStatus === null ? {} : { MFAStatus: answer.mfaStatus };
    const entry = { path: 'rest', user, httpStatus: 200, result: 'ok', mfaStatus: answer.mfaStatus, trackingId } as const;
    return { entry, headers, body: JSON.stringify(body) };
  }
  if (answer.kind === 'fault') {
    const httpStatus = statusOverride ?? restStatusFor(answer.code);
    const retryAfter = httpStatus === 429 ? ctx.options.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    const entry = { path: 'rest', user, httpStatus, result: 'fault', code: String(answer.code), trackingId } as const;
    return { entry, headers, body: JSON.stringify(applicationFault(decision, answer.code, trackingId)) };
  }
  return transportReply(answer.kind, user, headers);
}

function transportReply(kind: TransportFault, user: string, headers: OutgoingHttpHeaders): Reply {
  const transport = (httpStatus: SimLogEntry['httpStatus']) => ({ path: 'rest', user, httpStatus, result: 'transport', code: kind } as const);
  switch (kind) {
    case 'isf':
      return {
        entry: { path: 'rest', user, httpStatus: 500, result: 'fault', code: 'InternalServiceFault' },
        headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify({ Message: 'An error has occurred.' }),
      };
    case 'html503':
      return { entry: transport(503), headers: { 'Content-Type': 'text/html; charset=us-ascii' }, body: SERVICE_UNAVAILABLE_PAGE };
    case 'malformed':
      return { entry: transport(200), headers, body: '{"MFAStatus": tr' };
    case 'empty':
      return { entry: transport(200), headers };
    case 'reset':
    case 'hang':
      return { entry: transport(kind) };
  }
}

function applicationFault(decision: ServiceDecision, code: number, trackingId: string): object {
  const error = serviceError(code);
  if (decision.faultShape === 'ApiFault') {
    return { Type: 'ApiFault', TrackingId: trackingId, OperationErrors: [{ Code: code, Details: null, Message: error.message }] };
  }
  return {
    Type: 'AdApiFaultDetail', TrackingId: trackingId,
    Errors: [{ Code: code, Detail: null, ErrorCode: error.errorCode, Message: error.message }],
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideServiceAnswer, missingHeadersDecision, type ServiceDecision } from './decide.js';
import { serviceError } from './faults.js';
import { deliver, SERVICE_UNAVAILABLE_PAGE, type Reply } from './http.js';
import { newTrackingId } from './random.js';
import { checkSoapRequest, type SoapRequestCheck } from './soap-request.js';
import {
  actionNotSupportedEnvelope, deserializationFailedEnvelope, internalServiceFaultEnvelope, malformedEnvelope,
  serviceFaultEnvelope, successEnvelope, versionMismatchEnvelope,
} from './soap-response.js';
import type { TransportFault } from './personas.js';
import type { SimContext } from './state.js';
import type { SimLogEntry } from './types.js';

const XML = { 'Content-Type': 'text/xml; charset=utf-8' };

export async function handleSoap(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const check = checkSoapRequest(req.headers, body);
  if (check.kind === 'valid') {
    const decision = decideServiceAnswer(ctx, check);
    return deliver(ctx, res, soapReply(ctx, decision), decision.delayMs);
  }
  if (check.kind === 'missing-headers') {
    const decision = missingHeadersDecision(ctx, check.accessToken);
    return deliver(ctx, res, soapReply(ctx, decision), decision.delayMs);
  }
  return deliver(ctx, res, rejection(ctx, check), ctx.options.latencyMs);
}

function soapReply(ctx: SimContext, decision: ServiceDecision): Reply {
  const { answer, user } = decision;
  const variant = ctx.state.nextPrefixVariant();
  const trackingId = newTrackingId();
  if (answer.kind === 'ok') {
    return {
      entry: { path: 'soap', user, httpStatus: 200, result: 'ok', mfaStatus: answer.mfaStatus, trackingId },
      headers: XML, body: successEnvelope(variant, trackingId, answer.mfaStatus),
    };
  }
  if (answer.kind === 'fault') {
    const httpStatus = decision.faultHttp200 ? 200 : 500;
    return {
      entry: { path: 'soap', user, httpStatus, result: 'fault', code: String(answer.code), trackingId },
      headers: XML, body: serviceFaultEnvelope(variant, serviceError(answer.code), decision.faultShape, trackingId),
    };
  }
  return transportReply(answer.kind, user, variant, trackingId);
}

function transportReply(kind: TransportFault, user: string, variant: number, trackingId: string): Reply {
  const transport = (httpStatus: SimLogEntry['httpStatus']) => ({ path: 'soap', user, httpStatus, result: 'transport', code: kind } as const);
  switch (kind) {
    case 'isf':
      return {
        entry: { path: 'soap', user, httpStatus: 200, result: 'fault', code: 'InternalServiceFault' },
        headers: XML, body: internalServiceFaultEnvelope(variant),
      };
    case 'html503':
      return { entry: transport(503), headers: { 'Content-Type': 'text/html; charset=us-ascii' }, body: SERVICE_UNAVAILABLE_PAGE };
    case 'malformed':
      return { entry: transport(200), headers: XML, body: malformedEnvelope(variant, trackingId) };
    case 'empty':
      return { entry: transport(200), headers: XML };
    case 'reset':
    case 'hang':
      return { entry: transport(kind) };
  }
}

/** Requests WCF refuses before the operation runs; none of them carries a TrackingId. */
function rejection(ctx: SimContext, check: Exclude<SoapRequestCheck, { kind: 'valid' | 'missing-headers' }>): Reply {
  const variant = ctx.state.nextPrefixVariant();
  const fault = (code: string, body: string): Reply => ({
    entry: { path: 'soap', user: '', httpStatus: 500, result: 'fault', code }, headers: XML, body,
  });
  switch (check.kind) {
    case 'unsupported-media':
      return {
        entry: { path: 'soap', user: '', httpStatus: 415, result: 'fault', code: 'UnsupportedMediaType' },
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: `Cannot process the message because the content type '${check.contentType}' was not the expected type 'text/xml; charset=utf-8'.`,
      };
    case 'bad-request':
      return {
        entry: { path: 'soap', user: '', httpStatus: 400, result: 'fault', code: 'BadRequest' },
        headers: { 'Content-Type': 'text/html; charset=us-ascii' },
        body: '<HTML><HEAD><TITLE>Bad Request</TITLE></HEAD><BODY><h2>Bad Request</h2><hr><p>HTTP Error 400. The request is badly formed.</p></BODY></HTML>',
      };
    case 'version-mismatch':
      return fault('VersionMismatch', versionMismatchEnvelope(variant));
    case 'action-not-supported':
      return fault('ActionNotSupported', actionNotSupportedEnvelope(variant, check.action));
    case 'deserialization-failed':
      return fault('DeserializationFailed', deserializationFailedEnvelope(variant, check.found));
  }
}

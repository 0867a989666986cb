import type { Answer } from '../answer.js';
import type { HttpResponse } from '../http.js';
import { parseFaultCode } from '../fault-code.js';
import { retryAfterMs } from '../retry-after.js';

interface ApplicationFault {
  Type?: string;
  TrackingId?: string;
  Errors?: Array<{ Code?: number | string; ErrorCode?: string; Message?: string }>;
  OperationErrors?: Array<{ Code?: number | string; Message?: string }>;
}

/** Turns a REST response into an Answer: 200 with MFAStatus, or an ApplicationFault JSON. */
export function readRestResponse(response: HttpResponse): Answer {
  const headerTrackingId = firstHeader(response.headers.trackingid);
  const json = parseJson(response.body);
  if (response.status === 200) return readSuccess(json, headerTrackingId);
  const fault = readFault(json, response);
  if (fault) return fault;
  return { kind: 'http-error', httpStatus: response.status, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
}

function readSuccess(json: unknown, trackingId: string | undefined): Answer {
  if (json === undefined || typeof json !== 'object' || json === null) {
    return { kind: 'protocol', problem: 'HTTP 200 with a body that is not a JSON object', garbled: true, trackingId };
  }
  const status = (json as { MFAStatus?: unknown }).MFAStatus;
  if (status === undefined || status === null) return { kind: 'protocol', problem: 'no MFAStatus in the response: status not determined', garbled: false, trackingId };
  if (typeof status !== 'boolean') return { kind: 'protocol', problem: 'MFAStatus is not a boolean', garbled: false, trackingId };
  return { kind: 'status', mfaStatus: status, trackingId };
}

function readFault(json: unknown, response: HttpResponse): Answer | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const fault = json as ApplicationFault;
  const error = firstOf(fault.Errors) ?? firstOf(fault.OperationErrors);
  const code = parseFaultCode(error?.Code);
  if (!error || code === undefined) return undefined;
  return {
    kind: 'fault',
    code,
    errorName: textOf((error as { ErrorCode?: unknown }).ErrorCode),
    message: textOf(error.Message),
    trackingId: textOf(fault.TrackingId) ?? firstHeader(response.headers.trackingid),
    httpStatus: response.status,
    retryAfterMs: retryAfterMs(response.headers['retry-after']),
  };
}

/** Untrusted JSON: only a non-empty string is taken as text. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function firstOf<T>(list: T[] | undefined): T | undefined {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as T) : undefined;
}

function parseJson(body: string): unknown {
  try {
    return body.trim() === '' ? undefined : (JSON.parse(body) as unknown);
  } catch {
    return undefined;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

import type { Answer } from '../answer.js';
import type { HttpResponse } from '../http.js';
import { parseFaultCode } from '../fault-code.js';
import { retryAfterMs } from '../retry-after.js';
import { NS } from './envelope.js';
import { childNamed, childrenNamed, parseXml, type XmlElement } from './xml.js';

const NS_EXCEPTION = 'https://bingads.microsoft.com/Customer/v13/Exception';

/**
 * Turns a SOAP response into an Answer. Success or fault is decided from the body, never
 * from the HTTP status: Customer Management faults arrive with 200 as well as 500.
 */
export function readSoapResponse(response: HttpResponse): Answer {
  const { status, body } = response;
  if (!body.trim().startsWith('<')) return notSoap(response, body.trim() === '' ? 'empty body' : 'not XML');
  const root = parseXml(body);
  if (typeof root === 'string') return notSoap(response, root, /DTD/.test(root) && (status < 400 || /<!ENTITY/i.test(body)));
  if (root.ns !== NS.soap || root.name !== 'Envelope') return notSoap(response, `root element is {${root.ns}}${root.name}, not a SOAP 1.1 Envelope`);
  const soapBody = childNamed(root, NS.soap, 'Body');
  const fault = childNamed(soapBody, NS.soap, 'Fault');
  if (fault) return readFault(fault, status);
  return readSuccess(soapBody, childNamed(root, NS.soap, 'Header'));
}

/**
 * Not a SOAP envelope at all: an HTTP error page (its status says enough; an HTML page's
 * DOCTYPE is harmless since it is never parsed further), or garbage on a 2xx. A DTD on a 2xx,
 * or one declaring entities whatever the status, is hostile and not retried.
 */
function notSoap(response: HttpResponse, problem: string, hostile = false): Answer {
  const { status } = response;
  if (status >= 400 && !hostile) return { kind: 'http-error', httpStatus: status, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
  return { kind: 'protocol', problem: `HTTP ${status}: ${problem}`, garbled: !hostile };
}

function readSuccess(soapBody: XmlElement | undefined, header: XmlElement | undefined): Answer {
  const trackingId = childNamed(header, NS.customer, 'TrackingId')?.text || undefined;
  const response = childNamed(soapBody, NS.customer, 'GetUserMFAStatusResponse');
  if (!response) return { kind: 'protocol', problem: 'no GetUserMFAStatusResponse in the SOAP body', garbled: false, trackingId };
  const statuses = childrenNamed(response, NS.customer, 'MFAStatus');
  if (statuses.length === 0) return { kind: 'protocol', problem: 'no MFAStatus in the response: status not determined', garbled: false, trackingId };
  if (statuses.length > 1) return { kind: 'protocol', problem: 'more than one MFAStatus in the response', garbled: false, trackingId };
  const mfaStatus = parseXsBoolean(statuses[0]?.text ?? '');
  if (mfaStatus === undefined) return { kind: 'protocol', problem: 'MFAStatus is not an xs:boolean', garbled: false, trackingId };
  return { kind: 'status', mfaStatus, trackingId };
}

/**
 * faultcode, faultstring and detail are unqualified in SOAP 1.1; an envelope written with a
 * default namespace puts them in the envelope's namespace, which is accepted too.
 */
function faultPart(fault: XmlElement, name: string): XmlElement | undefined {
  return childNamed(fault, '', name) ?? childNamed(fault, NS.soap, name);
}

function readFault(fault: XmlElement, httpStatus: number): Answer {
  const detail = faultPart(fault, 'detail');
  const adApi = childNamed(detail, NS.adapi, 'AdApiFaultDetail');
  const apiFault = childNamed(detail, NS.customer, 'ApiFault') ?? childNamed(detail, NS_EXCEPTION, 'ApiFault');
  const error = adApi
    ? childNamed(childNamed(adApi, NS.adapi, 'Errors'), NS.adapi, 'AdApiError')
    : childNamed(childNamed(apiFault, NS_EXCEPTION, 'OperationErrors'), NS_EXCEPTION, 'OperationError');
  const container = adApi ?? apiFault;
  const code = parseFaultCode(error && childNamed(error, error.ns, 'Code')?.text);
  const faultstring = faultPart(fault, 'faultstring')?.text ?? '';
  if (!container || !error || code === undefined) {
    const faultcode = faultPart(fault, 'faultcode')?.text ?? '';
    if (/(^|:)InternalServiceFault$/.test(faultcode) || httpStatus >= 500) return { kind: 'server-fault', httpStatus, message: faultstring };
    return { kind: 'protocol', problem: `SOAP fault without an error code: ${faultcode} ${faultstring}`.trim(), garbled: false };
  }
  return {
    kind: 'fault',
    code,
    errorName: childNamed(error, error.ns, 'ErrorCode')?.text || undefined,
    message: childNamed(error, error.ns, 'Message')?.text || faultstring || undefined,
    trackingId: childNamed(container, NS.adapi, 'TrackingId')?.text || undefined,
    httpStatus,
  };
}

/** xs:boolean allows true, false, 1, 0 (with surrounding whitespace). */
function parseXsBoolean(text: string): boolean | undefined {
  const value = text.trim();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

import type { IncomingHttpHeaders } from 'node:http';
import { parseXmlDocument, type XmlElement } from '../xml/strict-xml.js';

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const CUSTOMER_NS = 'https://bingads.microsoft.com/Customer/v13';

/** The verdict on a SOAP request, in the order the service checks: media type, XML, action, body, headers. */
export type SoapRequestCheck =
  | { kind: 'valid'; accessToken: string; developerToken: string }
  | { kind: 'unsupported-media'; contentType: string }
  | { kind: 'bad-request'; reason: string }
  | { kind: 'version-mismatch' }
  | { kind: 'action-not-supported'; action: string }
  | { kind: 'deserialization-failed'; found: XmlElement | undefined }
  | { kind: 'missing-headers'; accessToken: string | undefined };

export function checkSoapRequest(headers: IncomingHttpHeaders, body: string): SoapRequestCheck {
  const contentType = headers['content-type'] ?? '';
  if (!/^text\/xml\s*(;|$)/i.test(contentType)) return { kind: 'unsupported-media', contentType };
  let envelope: XmlElement;
  try {
    envelope = parseXmlDocument(body);
  } catch (error) {
    return { kind: 'bad-request', reason: (error as Error).message };
  }
  if (envelope.name !== 'Envelope') return { kind: 'bad-request', reason: 'the root is not a SOAP Envelope' };
  if (envelope.ns !== SOAP_ENVELOPE_NS) return { kind: 'version-mismatch' };
  const action = String(headers.soapaction ?? '').replace(/^"(.*)"$/, '$1');
  if (action !== 'GetUserMFAStatus') return { kind: 'action-not-supported', action };
  return checkEnvelope(envelope);
}

function checkEnvelope(envelope: XmlElement): SoapRequestCheck {
  const parts = envelope.children.map((child) => (child.ns === SOAP_ENVELOPE_NS ? child.name : `{${child.ns}}${child.name}`));
  const layout = parts.join(',');
  if (layout !== 'Body' && layout !== 'Header,Body') {
    return { kind: 'bad-request', reason: `unexpected Envelope content: ${layout}` };
  }
  const header = layout === 'Header,Body' ? envelope.children[0] : undefined;
  const operations = envelope.children.at(-1)?.children ?? [];
  const [operation] = operations;
  if (operations.length !== 1 || operation?.ns !== CUSTOMER_NS || operation.name !== 'GetUserMFAStatusRequest') {
    return { kind: 'deserialization-failed', found: operation };
  }
  return checkHeaders(header?.children ?? []);
}

/** Both headers present, non-empty, in the customer namespace, AuthenticationToken first. */
function checkHeaders(headers: XmlElement[]): SoapRequestCheck {
  const indexOf = (local: string) => headers.findIndex((h) => h.ns === CUSTOMER_NS && h.name === local);
  const authenticationIndex = indexOf('AuthenticationToken');
  const developerIndex = indexOf('DeveloperToken');
  const accessToken = headers[authenticationIndex]?.text || undefined;
  const developerToken = headers[developerIndex]?.text || undefined;
  if (accessToken === undefined || developerToken === undefined || authenticationIndex > developerIndex) {
    return { kind: 'missing-headers', accessToken };
  }
  return { kind: 'valid', accessToken, developerToken };
}

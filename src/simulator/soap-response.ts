import { GENERIC_FAULTSTRING, type ServiceError } from './faults.js';
import type { Persona } from './personas.js';
import { CUSTOMER_NS, SOAP_ENVELOPE_NS } from './soap-request.js';

const ADAPI_NS = 'https://adapi.microsoft.com';
const EXCEPTION_NS = 'https://bingads.microsoft.com/Customer/v13/Exception';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const DISPATCHER_NS = 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher';
const ADDRESSING_NONE_NS = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';

/** Prefix choices the real service is seen to vary; "" means a default-namespace declaration. */
interface PrefixVariant { envelope: string; header: string; response: string; detail: string; customerOnEnvelope: boolean }

const VARIANTS: readonly PrefixVariant[] = [
  { envelope: 's', header: 'h', response: '', detail: '', customerOnEnvelope: false },
  { envelope: 'soap', header: '', response: 'd3p1', detail: 'd4p1', customerOnEnvelope: false },
  { envelope: 's', header: 'a', response: 'a', detail: 'b', customerOnEnvelope: true },
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const qualified = (prefix: string, local: string) => (prefix ? `${prefix}:${local}` : local);
const xmlns = (prefix: string, uri: string) => (prefix ? ` xmlns:${prefix}="${uri}"` : ` xmlns="${uri}"`);

/** <prefix:local [xmlns:prefix="declare"] attributes>content</prefix:local>; content is already XML. */
function element(prefix: string, local: string, content: string, declare?: string, attributes = ''): string {
  const name = qualified(prefix, local);
  const open = `${name}${declare === undefined ? '' : xmlns(prefix, declare)}${attributes}`;
  return content === '' ? `<${open}/>` : `<${open}>${content}</${name}>`;
}

const variantAt = (index: number): PrefixVariant => VARIANTS[index % VARIANTS.length] ?? VARIANTS[0]!;
const localCustomerNs = (v: PrefixVariant) => (v.customerOnEnvelope ? undefined : CUSTOMER_NS);

function envelope(v: PrefixVariant, header: string, body: string): string {
  const declarations = xmlns(v.envelope, SOAP_ENVELOPE_NS) + (v.customerOnEnvelope ? xmlns(v.response, CUSTOMER_NS) : '');
  const name = qualified(v.envelope, 'Envelope');
  const headerPart = header === '' ? '' : element(v.envelope, 'Header', header);
  return `<${name}${declarations}>${headerPart}${element(v.envelope, 'Body', body)}</${name}>`;
}

export function successEnvelope(variantIndex: number, trackingId: string, mfaStatus: boolean | null): string {
  const v = variantAt(variantIndex);
  const tracking = element(v.header, 'TrackingId', escapeXml(trackingId), localCustomerNs(v));
  const status = mfaStatus === null ? '' : element(v.response, 'MFAStatus', String(mfaStatus));
  return envelope(v, tracking, element(v.response, 'GetUserMFAStatusResponse', status, localCustomerNs(v)));
}

/** faultcode, faultstring and detail are unqualified, as SOAP 1.1 has them. */
function faultEnvelope(v: PrefixVariant, faultcode: string, faultstring: string, detail = ''): string {
  const parts = faultcode
    + `<faultstring xml:lang="en-US">${escapeXml(faultstring)}</faultstring>`
    + (detail === '' ? '' : `<detail>${detail}</detail>`);
  return envelope(v, '', element(v.envelope, 'Fault', parts));
}

export function serviceFaultEnvelope(
  variantIndex: number, error: ServiceError, shape: Persona['faultShape'], trackingId: string,
): string {
  const v = variantAt(variantIndex);
  const detail = shape === 'ApiFault' ? apiFaultDetail(v.detail, error, trackingId) : adApiFaultDetail(v.detail, error, trackingId);
  const faultstring = `${GENERIC_FAULTSTRING} TrackingId: ${trackingId}.`;
  return faultEnvelope(v, element('', 'faultcode', qualified(v.envelope, 'Server')), faultstring, detail);
}

function adApiFaultDetail(p: string, error: ServiceError, trackingId: string): string {
  const child = (local: string, text: string) => element(p, local, escapeXml(text));
  const adApiError = child('Code', String(error.code))
    + element(p, 'Detail', '', undefined, ' i:nil="true"')
    + child('ErrorCode', error.errorCode) + child('Message', error.message);
  const content = child('TrackingId', trackingId) + element(p, 'Errors', element(p, 'AdApiError', adApiError));
  return element(p, 'AdApiFaultDetail', content, ADAPI_NS, xmlns('i', XSI_NS));
}

/** ApiFault: the element in the customer namespace, its members in the namespaces of their types. */
function apiFaultDetail(p: string, error: ServiceError, trackingId: string): string {
  const operationError = `<Code>${error.code}</Code><Details i:nil="true"/><Message>${escapeXml(error.message)}</Message>`;
  const content = element('', 'TrackingId', escapeXml(trackingId), ADAPI_NS)
    + element('', 'OperationErrors', `<OperationError>${operationError}</OperationError>`, EXCEPTION_NS);
  return element(p, 'ApiFault', content, CUSTOMER_NS, xmlns('i', XSI_NS));
}

/** WCF's own faults carry no detail and no TrackingId. */
function wcfFault(variantIndex: number, namespace: string, code: string, faultstring: string): string {
  const faultcode = element('', 'faultcode', `a:${code}`, undefined, xmlns('a', namespace));
  return faultEnvelope(variantAt(variantIndex), faultcode, faultstring);
}

export function internalServiceFaultEnvelope(variantIndex: number): string {
  return wcfFault(variantIndex, DISPATCHER_NS, 'InternalServiceFault',
    'The server was unable to process the request due to an internal error.  For more information about the error, '
    + 'either turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute or from the <serviceDebug> '
    + 'configuration behavior) on the server in order to send the exception information back to the client, or turn '
    + 'on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.');
}

export function actionNotSupportedEnvelope(variantIndex: number, action: string): string {
  return wcfFault(variantIndex, ADDRESSING_NONE_NS, 'ActionNotSupported',
    `The message with Action '${action}' cannot be processed at the receiver, due to a ContractFilter mismatch at `
    + 'the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between sender '
    + 'and receiver) or a binding/security mismatch between the sender and the receiver.  Check that sender and '
    + 'receiver have the same contract and the same binding (including security requirements, e.g. Message, '
    + 'Transport, None).');
}

export function deserializationFailedEnvelope(variantIndex: number, found: { ns: string; name: string } | undefined): string {
  const foundText = found ? `Found node type 'Element' with name '${found.name}' and namespace '${found.ns}'` : 'Found no element';
  return wcfFault(variantIndex, DISPATCHER_NS, 'DeserializationFailed',
    "The formatter threw an exception while trying to deserialize the message: Error in deserializing body of request "
    + "message for operation 'GetUserMFAStatus'. OperationFormatter encountered an invalid Message body. Expected to "
    + `find node type 'Element' with name 'GetUserMFAStatusRequest' and namespace '${CUSTOMER_NS}'. ${foundText}`);
}

export function versionMismatchEnvelope(variantIndex: number): string {
  const v = variantAt(variantIndex);
  return faultEnvelope(v, element('', 'faultcode', qualified(v.envelope, 'VersionMismatch')),
    `The envelope namespace is not '${SOAP_ENVELOPE_NS}': this endpoint speaks SOAP 1.1 only.`);
}

/** A success envelope cut short: not well-formed. */
export function malformedEnvelope(variantIndex: number, trackingId: string): string {
  const whole = successEnvelope(variantIndex, trackingId, true);
  return whole.slice(0, Math.floor(whole.length * 0.6));
}

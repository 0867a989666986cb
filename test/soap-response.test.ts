import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Answer } from '../src/service/answer.js';
import { classify } from '../src/service/classify.js';
import { readSoapResponse } from '../src/service/soap/read-response.js';
import { parseXml } from '../src/service/soap/xml.js';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const CUSTOMER = 'https://bingads.microsoft.com/Customer/v13';
const ADAPI = 'https://adapi.microsoft.com';
const EXCEPTION = 'https://bingads.microsoft.com/Customer/v13/Exception';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const DISPATCHER = 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher';
const TRACKING = '7d8e4c1b-2a3f-4e5d-9c6b-1a2b3c4d5e6f';
const GENERIC = `Invalid client data. Check the SOAP fault details for more information. TrackingId: ${TRACKING}.`;

function read(body: string, status = 200, headers: Record<string, string> = {}): Answer {
  return readSoapResponse({ status, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
}

function expectProtocolError(answer: Answer, problem?: RegExp): void {
  assert.equal(answer.kind, 'protocol', `expected a protocol error, got ${JSON.stringify(answer)}`);
  assert.equal(classify(answer).outcome, 'protocol_error');
  if (problem && answer.kind === 'protocol') assert.match(answer.problem, problem);
}

/** Success envelopes as the service sends them: the prefixes vary, the namespaces do not. */
const SUCCESS_SHAPES: Record<string, (status: string) => string> = {
  's: envelope, h: TrackingId, default-namespace response': (status) =>
    `<s:Envelope xmlns:s="${SOAP}"><s:Header><h:TrackingId xmlns:h="${CUSTOMER}">${TRACKING}</h:TrackingId></s:Header>` +
    `<s:Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>${status}</MFAStatus></GetUserMFAStatusResponse></s:Body></s:Envelope>`,
  'soap: envelope, default-namespace TrackingId, d3p1: response': (status) =>
    `<soap:Envelope xmlns:soap="${SOAP}"><soap:Header><TrackingId xmlns="${CUSTOMER}">${TRACKING}</TrackingId></soap:Header>` +
    `<soap:Body><d3p1:GetUserMFAStatusResponse xmlns:d3p1="${CUSTOMER}"><d3p1:MFAStatus>${status}</d3p1:MFAStatus></d3p1:GetUserMFAStatusResponse></soap:Body></soap:Envelope>`,
  'default namespaces only, re-declared on every level': (status) =>
    `<Envelope xmlns="${SOAP}"><Header><TrackingId xmlns="${CUSTOMER}">${TRACKING}</TrackingId></Header>` +
    `<Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>${status}</MFAStatus></GetUserMFAStatusResponse></Body></Envelope>`,
  'customer prefix a: declared once on the envelope': (status) =>
    `<s:Envelope xmlns:s="${SOAP}" xmlns:a="${CUSTOMER}"><s:Header><a:TrackingId>${TRACKING}</a:TrackingId></s:Header>` +
    `<s:Body><a:GetUserMFAStatusResponse><a:MFAStatus>${status}</a:MFAStatus></a:GetUserMFAStatusResponse></s:Body></s:Envelope>`,
  'XML declaration, pretty-printed, the soap prefix "h" and the customer prefix "s" swapped': (status) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<h:Envelope xmlns:h="${SOAP}">\n  <h:Header>\n    <s:TrackingId xmlns:s="${CUSTOMER}">${TRACKING}</s:TrackingId>\n  </h:Header>\n` +
    `  <h:Body>\n    <s:GetUserMFAStatusResponse xmlns:s="${CUSTOMER}">\n      <s:MFAStatus>${status}</s:MFAStatus>\n    </s:GetUserMFAStatusResponse>\n  </h:Body>\n</h:Envelope>\n`,
};

describe('SOAP success responses: matched on namespace + local name, whatever the prefixes', () => {
  for (const [shape, envelope] of Object.entries(SUCCESS_SHAPES)) {
    test(`${shape}: true and false, with the TrackingId header`, () => {
      assert.deepEqual(read(envelope('true')), { kind: 'status', mfaStatus: true, trackingId: TRACKING });
      assert.deepEqual(read(envelope('false')), { kind: 'status', mfaStatus: false, trackingId: TRACKING });
    });
  }

  test('MFAStatus as xs:boolean: 1 and 0, surrounding whitespace', () => {
    const envelope = SUCCESS_SHAPES['s: envelope, h: TrackingId, default-namespace response']!;
    assert.equal((read(envelope('1')) as { mfaStatus: boolean }).mfaStatus, true);
    assert.equal((read(envelope('0')) as { mfaStatus: boolean }).mfaStatus, false);
    assert.equal((read(envelope('\n  true \n')) as { mfaStatus: boolean }).mfaStatus, true);
  });

  test('without a TrackingId header the status still counts', () => {
    const body = `<s:Envelope xmlns:s="${SOAP}"><s:Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>true</MFAStatus></GetUserMFAStatusResponse></s:Body></s:Envelope>`;
    assert.deepEqual(read(body), { kind: 'status', mfaStatus: true, trackingId: undefined });
  });
});

describe('SOAP responses that do not determine the status are protocol errors, never false', () => {
  const envelope = SUCCESS_SHAPES['s: envelope, h: TrackingId, default-namespace response']!;
  const withResponse = (inner: string) =>
    `<s:Envelope xmlns:s="${SOAP}"><s:Header><h:TrackingId xmlns:h="${CUSTOMER}">${TRACKING}</h:TrackingId></s:Header>` +
    `<s:Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}">${inner}</GetUserMFAStatusResponse></s:Body></s:Envelope>`;

  test('MFAStatus absent (minOccurs 0): not determined, TrackingId kept', () => {
    const answer = read(withResponse(''));
    expectProtocolError(answer, /no MFAStatus/);
    assert.equal((answer as { trackingId?: string }).trackingId, TRACKING);
  });

  test('"maybe", empty and "TRUE" are not xs:boolean', () => {
    for (const value of ['maybe', '', 'TRUE', 'yes']) expectProtocolError(read(envelope(value)));
  });

  test('two MFAStatus elements', () => {
    expectProtocolError(read(withResponse('<MFAStatus>true</MFAStatus><MFAStatus>false</MFAStatus>')), /more than one/);
  });

  test('MFAStatus in a wrong namespace is not the MFAStatus', () => {
    expectProtocolError(read(withResponse('<x:MFAStatus xmlns:x="https://bingads.microsoft.com/Customer/v12">true</x:MFAStatus>')));
    expectProtocolError(read(withResponse('<MFAStatus xmlns="">true</MFAStatus>')));
  });

  test('a familiar prefix bound to a wrong namespace does not fool the parser', () => {
    const body = `<s:Envelope xmlns:s="${SOAP}"><s:Body><d3p1:GetUserMFAStatusResponse xmlns:d3p1="urn:not-customer"><d3p1:MFAStatus>true</d3p1:MFAStatus></d3p1:GetUserMFAStatusResponse></s:Body></s:Envelope>`;
    expectProtocolError(read(body), /no GetUserMFAStatusResponse/);
  });

  test('an Envelope in a wrong namespace (SOAP 1.2, or none) is not a SOAP 1.1 answer', () => {
    const soap12 = envelope('true').replace(`xmlns:s="${SOAP}"`, 'xmlns:s="http://www.w3.org/2003/05/soap-envelope"');
    expectProtocolError(read(soap12), /not a SOAP 1\.1 Envelope/);
    const bare = `<Envelope><Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>true</MFAStatus></GetUserMFAStatusResponse></Body></Envelope>`;
    expectProtocolError(read(bare));
  });

  test('malformed XML (cut short, unclosed tags) on HTTP 200', () => {
    const whole = envelope('true');
    expectProtocolError(read(whole.slice(0, whole.length - 40)), /malformed XML/);
    expectProtocolError(read(`<s:Envelope xmlns:s="${SOAP}"><s:Body></s:Envelope>`), /malformed XML/);
  });
});

/** A fault envelope with the given faultcode element and detail content. */
function fault(detail: string, faultcode = '<faultcode>s:Server</faultcode>', faultstring = GENERIC): string {
  return (
    `<s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault>${faultcode}<faultstring xml:lang="en-US">${faultstring}</faultstring>` +
    `${detail === '' ? '' : `<detail>${detail}</detail>`}</s:Fault></s:Body></s:Envelope>`
  );
}

const adApiFault = (code: string, name = 'InvalidCredentials') =>
  fault(
    `<AdApiFaultDetail xmlns="${ADAPI}" xmlns:i="${XSI}"><TrackingId>${TRACKING}</TrackingId><Errors><AdApiError>` +
      `<Code>${code}</Code><Detail i:nil="true"/><ErrorCode>${name}</ErrorCode>` +
      `<Message>Authentication failed. Either supplied credentials are invalid or the account is inactive</Message></AdApiError></Errors></AdApiFaultDetail>`,
  );

/** ApiFault: element in Customer/v13, TrackingId in the adapi namespace, errors in …/Exception. */
const apiFault = (code: string, element = CUSTOMER) =>
  fault(
    `<ApiFault xmlns="${element}" xmlns:i="${XSI}"><TrackingId xmlns="${ADAPI}">${TRACKING}</TrackingId>` +
      `<OperationErrors xmlns="${EXCEPTION}"><OperationError><Code>${code}</Code><Details i:nil="true"/>` +
      `<Message>The user is not authorized to perform this operation.</Message></OperationError></OperationErrors></ApiFault>`,
  );

const ISF =
  `<s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${DISPATCHER}">a:InternalServiceFault</faultcode>` +
  '<faultstring xml:lang="en-US">The server was unable to process the request due to an internal error.  For more information about the error, ' +
  'either turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute or from the &lt;serviceDebug&gt; configuration behavior) on the server ' +
  'in order to send the exception information back to the client, or turn on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.</faultstring>' +
  '</s:Fault></s:Body></s:Envelope>';

const IIS_503 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n';

describe('SOAP faults: decided from the body, on HTTP 500 and on HTTP 200 alike', () => {
  for (const status of [500, 200]) {
    test(`AdApiFaultDetail on HTTP ${status}: code, error name, message, TrackingId`, () => {
      assert.deepEqual(read(adApiFault('105'), status), {
        kind: 'fault',
        code: 105,
        errorName: 'InvalidCredentials',
        message: 'Authentication failed. Either supplied credentials are invalid or the account is inactive',
        trackingId: TRACKING,
        httpStatus: status,
      });
    });

    test(`ApiFault (element in Customer/v13, errors in the Exception namespace) on HTTP ${status}`, () => {
      const answer = read(apiFault('106'), status);
      assert.equal(answer.kind, 'fault');
      assert.deepEqual({ ...answer, message: undefined }, { kind: 'fault', code: 106, errorName: undefined, message: undefined, trackingId: TRACKING, httpStatus: status });
    });

    test(`ApiFault element in the Exception namespace itself on HTTP ${status}`, () => {
      const answer = read(apiFault('3101', EXCEPTION), status);
      assert.equal(answer.kind === 'fault' && answer.code, 3101);
    });

    test(`WCF InternalServiceFault without detail, code or TrackingId on HTTP ${status}: a server fault, retried`, () => {
      const answer = read(ISF, status);
      assert.equal(answer.kind, 'server-fault');
      assert.deepEqual({ outcome: classify(answer).outcome, action: classify(answer).action }, { outcome: 'server_error', action: 'backoff' });
    });
  }

  test('the code is read as text with whitespace around it', () => {
    for (const code of [' 117 ', '\n      117\n    ', '\t117']) {
      const answer = read(adApiFault(code, 'CallRateExceeded'), 500);
      assert.equal(answer.kind === 'fault' && answer.code, 117, JSON.stringify(code));
    }
  });

  test('an empty or non-numeric code is never taken for 0 (InternalError)', () => {
    for (const code of ['', ' ', 'abc', '0x69', '1e2', '10.5']) {
      for (const status of [200, 500]) {
        const answer = read(adApiFault(code), status);
        assert.notEqual(answer.kind, 'fault', `code ${JSON.stringify(code)} on HTTP ${status} gave ${JSON.stringify(answer)}`);
      }
    }
  });

  test('the generic faultstring is never used to classify: the detail code decides', () => {
    const withOddString = fault(
      `<AdApiFaultDetail xmlns="${ADAPI}"><TrackingId>${TRACKING}</TrackingId><Errors><AdApiError><Code>117</Code></AdApiError></Errors></AdApiFaultDetail>`,
      '<faultcode>s:Server</faultcode>',
      'Authentication failed (InvalidCredentials 105)',
    );
    assert.equal(classify(read(withOddString, 500)).outcome, 'throttled');
  });

  test('detail with another prefix style: d4p1: on AdApiFaultDetail and its children', () => {
    const body = fault(
      `<d4p1:AdApiFaultDetail xmlns:d4p1="${ADAPI}"><d4p1:TrackingId>${TRACKING}</d4p1:TrackingId><d4p1:Errors><d4p1:AdApiError>` +
        '<d4p1:Code>0</d4p1:Code><d4p1:ErrorCode>InternalError</d4p1:ErrorCode><d4p1:Message>An internal error has occurred.</d4p1:Message>' +
        '</d4p1:AdApiError></d4p1:Errors></d4p1:AdApiFaultDetail>',
    );
    assert.deepEqual(read(body, 500), { kind: 'fault', code: 0, errorName: 'InternalError', message: 'An internal error has occurred.', trackingId: TRACKING, httpStatus: 500 });
  });

  test('a fault in a default-namespace envelope (faultcode and detail then in the envelope namespace)', () => {
    const body =
      `<Envelope xmlns="${SOAP}"><Body><Fault><faultcode>Server</faultcode><faultstring>${GENERIC}</faultstring><detail>` +
      `<AdApiFaultDetail xmlns="${ADAPI}"><TrackingId>${TRACKING}</TrackingId><Errors><AdApiError><Code>109</Code><ErrorCode>AuthenticationTokenExpired</ErrorCode>` +
      '<Message>Authentication token expired. Please renew it or obtain a new token.</Message></AdApiError></Errors></AdApiFaultDetail></detail></Fault></Body></Envelope>';
    const answer = read(body, 500);
    assert.equal(answer.kind === 'fault' && answer.code, 109, JSON.stringify(answer));
  });

  test('a client fault without detail on HTTP 200 is a protocol error, not retried', () => {
    const answer = read(fault('', '<faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:ActionNotSupported</faultcode>', 'ContractFilter mismatch'), 200);
    expectProtocolError(answer, /ActionNotSupported/);
    assert.equal(classify(answer).action, 'done');
  });
});

describe('non-SOAP bodies', () => {
  test('IIS HTML 503 page: an HTTP error, retried, Retry-After honoured', () => {
    const answer = read(IIS_503, 503, { 'content-type': 'text/html; charset=us-ascii', 'retry-after': '7' });
    assert.deepEqual(answer, { kind: 'http-error', httpStatus: 503, retryAfterMs: 7000 });
    assert.deepEqual({ outcome: classify(answer).outcome, action: classify(answer).action }, { outcome: 'server_error', action: 'backoff' });
  });

  test('empty body on HTTP 200 is a protocol error; on HTTP 500 a server error', () => {
    expectProtocolError(read('', 200), /empty body/);
    expectProtocolError(read('  \r\n', 200), /empty body/);
    assert.equal(classify(read('', 500)).outcome, 'server_error');
  });

  test('plain text, JSON or HTML without a DTD on HTTP 200 are protocol errors', () => {
    expectProtocolError(read('OK', 200), /not XML/);
    expectProtocolError(read('{"MFAStatus":true}', 200), /not XML/);
    expectProtocolError(read('<html><body>Sign in to continue</body></html>', 200), /not a SOAP 1\.1 Envelope/);
  });
});

describe('hostile XML: DOCTYPE and entity declarations are refused, nothing is expanded', () => {
  const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
  const billionLaughs =
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]>` +
    `<s:Envelope xmlns:s="${SOAP}"><s:Body><GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>&lol9;</MFAStatus></GetUserMFAStatusResponse></s:Body></s:Envelope>`;

  for (const status of [200, 500]) {
    test(`billion laughs on HTTP ${status}: protocol error, not retried, no expansion`, () => {
      const answer = read(billionLaughs, status);
      expectProtocolError(answer, /DTD/);
      assert.equal(classify(answer).action, 'done');
      assert.equal(JSON.stringify(answer).includes('lollol'), false);
    });
  }

  test('an external entity (XXE) is refused before any parsing', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="${SOAP}"><s:Body>&x;</s:Body></s:Envelope>`;
    expectProtocolError(read(xxe, 200), /DTD/);
    assert.equal(parseXml(xxe), 'the response carries a DTD, which SOAP forbids');
  });

  test('the parser itself refuses the DTD instead of expanding it', () => {
    assert.equal(typeof parseXml(billionLaughs), 'string');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { Agent } from 'undici';
import { buildEnvelope, NS, SOAP_ACTION } from '../src/service/soap/envelope.js';
import { soapTransport } from '../src/service/soap/transport.js';
import { checkSoapRequest } from '../src/simulator/soap-request.js';
import { parseXmlDocument, type XmlElement } from '../src/xml/strict-xml.js';
import { scriptedServer, soapSuccess } from './helpers/scripted-server.js';

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const CUSTOMER_NS = 'https://bingads.microsoft.com/Customer/v13';

/** {namespace}local, the only way the service itself tells elements apart. */
const qname = (element: XmlElement) => `{${element.ns}}${element.name}`;

describe('SOAP request envelope (official GetUserMFAStatus template)', () => {
  const envelope = parseXmlDocument(buildEnvelope('at.mfa.u1.abc', 'DEV-123'));

  test('is a SOAP 1.1 Envelope holding a Header then a Body', () => {
    assert.equal(qname(envelope), `{${SOAP_NS}}Envelope`);
    assert.deepEqual(envelope.children.map(qname), [`{${SOAP_NS}}Header`, `{${SOAP_NS}}Body`]);
  });

  test('header elements are AuthenticationToken then DeveloperToken, in the Customer v13 namespace, and nothing else', () => {
    const header = envelope.children[0]!;
    assert.deepEqual(header.children.map(qname), [`{${CUSTOMER_NS}}AuthenticationToken`, `{${CUSTOMER_NS}}DeveloperToken`]);
    assert.deepEqual(header.children.map((h) => h.text), ['at.mfa.u1.abc', 'DEV-123']);
  });

  test('sends no Action header (not in the WSDL; the official SDKs leave it out)', () => {
    const all = (e: XmlElement): XmlElement[] => [e, ...e.children.flatMap(all)];
    assert.equal(all(envelope).some((e) => e.name === 'Action'), false);
  });

  test('body is one empty GetUserMFAStatusRequest in the Customer v13 namespace', () => {
    const body = envelope.children[1]!;
    assert.deepEqual(body.children.map(qname), [`{${CUSTOMER_NS}}GetUserMFAStatusRequest`]);
    assert.deepEqual(body.children[0]!.children, []);
    assert.equal(body.children[0]!.text, '');
  });

  test('the namespaces are the WSDL ones', () => {
    assert.equal(NS.soap, SOAP_NS);
    assert.equal(NS.customer, CUSTOMER_NS);
    assert.equal(NS.adapi, 'https://adapi.microsoft.com');
  });

  test('XML-escapes token values: markup characters arrive as text, the document stays well-formed', () => {
    const hostile = `a<b>&c'd"e</AuthenticationToken><x>`;
    const xml = buildEnvelope(hostile, `dev&<"'>`);
    assert.equal(XMLValidator.validate(xml), true);
    const header = parseXmlDocument(xml).children[0]!;
    assert.deepEqual(header.children.map(qname), [`{${CUSTOMER_NS}}AuthenticationToken`, `{${CUSTOMER_NS}}DeveloperToken`]);
    assert.deepEqual(header.children.map((h) => h.text), [hostile, `dev&<"'>`]);
  });

  test('the simulator, which checks envelopes the way the service does, accepts it as valid', () => {
    const check = checkSoapRequest({ 'content-type': 'text/xml; charset=utf-8', soapaction: SOAP_ACTION }, buildEnvelope('at.x.1', 'dev'));
    assert.deepEqual(check, { kind: 'valid', accessToken: 'at.x.1', developerToken: 'dev' });
  });

  test('goes out as POST to the documented path with Content-Type text/xml; charset=utf-8 and SOAPAction GetUserMFAStatus', async (t) => {
    const server = await scriptedServer(t, () => soapSuccess(true));
    const dispatcher = new Agent();
    t.after(() => dispatcher.close());
    const transport = soapTransport({ endpoint: server.url, developerToken: 'dev', timeoutMs: 5000, maxBytes: 1 << 20, dispatcher });
    const answer = await transport.check('at.mfa.u1', new AbortController().signal);
    assert.equal(answer.kind, 'status');
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/Api/CustomerManagement/v13/CustomerManagementService.svc');
    assert.equal(request?.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(request?.headers.soapaction, 'GetUserMFAStatus');
    assert.equal(request?.body, buildEnvelope('at.mfa.u1', 'dev'));
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import type { TestContext } from 'node:test';
import { serveOnLoopback } from './serve.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What the script answers: a reply, or `reset` to destroy the socket unanswered. */
export type Script = (request: ReceivedRequest, index: number) => Reply | 'reset' | Promise<Reply | 'reset'>;

export interface ScriptedServer {
  /** Origin, e.g. http://127.0.0.1:40123 */
  url: string;
  requests: ReceivedRequest[];
  /** Requests received whose reply is not sent yet. */
  readonly inFlight: number;
  /** The most requests ever open at once. */
  readonly maxInFlight: number;
}

/** A real local HTTP server answering each request as the test scripts it; closed after the test. */
export async function scriptedServer(t: TestContext, script: Script): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  const counts = { inFlight: 0, maxInFlight: 0 };
  const url = await serveOnLoopback(t, (req, res) => {
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const reply = await script(request, requests.length - 1);
      counts.inFlight--;
      if (reply === 'reset') return void req.socket.destroy();
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  return {
    url,
    requests,
    get inFlight() {
      return counts.inFlight;
    },
    get maxInFlight() {
      return counts.maxInFlight;
    },
  };
}

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const CUSTOMER_NS = 'https://bingads.microsoft.com/Customer/v13';
const XML = { 'content-type': 'text/xml; charset=utf-8' };

/** A success envelope shaped like the service's (h: header prefix, default-namespace response). */
export function soapSuccess(mfaStatus: boolean, trackingId = 'tracking-ok'): Reply {
  return {
    headers: XML,
    body:
      `<s:Envelope xmlns:s="${SOAP_NS}"><s:Header><h:TrackingId xmlns:h="${CUSTOMER_NS}">${trackingId}</h:TrackingId></s:Header>` +
      `<s:Body><GetUserMFAStatusResponse xmlns="${CUSTOMER_NS}"><MFAStatus>${mfaStatus}</MFAStatus></GetUserMFAStatusResponse></s:Body></s:Envelope>`,
  };
}

/** An AdApiFaultDetail fault with one error code, as HTTP 500. */
export function soapFault(code: number, trackingId = 'tracking-fault'): Reply {
  return {
    status: 500,
    headers: XML,
    body:
      `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><s:Fault><faultcode>s:Server</faultcode>` +
      `<faultstring xml:lang="en-US">Invalid client data. Check the SOAP fault details for more information. TrackingId: ${trackingId}.</faultstring>` +
      `<detail><AdApiFaultDetail xmlns="https://adapi.microsoft.com" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `<TrackingId>${trackingId}</TrackingId><Errors><AdApiError><Code>${code}</Code><Detail i:nil="true"/>` +
      `<ErrorCode>E${code}</ErrorCode><Message>error ${code}</Message></AdApiError></Errors></AdApiFaultDetail></detail>` +
      `</s:Fault></s:Body></s:Envelope>`,
  };
}

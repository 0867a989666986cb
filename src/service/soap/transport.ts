import type { Dispatcher } from 'undici';
import type { Transport } from '../answer.js';
import { post } from '../http.js';
import { failureAnswer } from '../failure-answer.js';
import { buildEnvelope, SOAP_ACTION, SOAP_PATH } from './envelope.js';
import { readSoapResponse } from './read-response.js';
import { scrubAnswer } from '../scrub.js';

export interface TransportOptions {
  endpoint: string;
  developerToken: string;
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Dispatcher;
}

export function soapTransport(options: TransportOptions): Transport {
  const url = options.endpoint + SOAP_PATH;
  const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: SOAP_ACTION };
  return {
    name: 'soap',
    async check(accessToken, signal) {
      const body = buildEnvelope(accessToken, options.developerToken);
      const result = await post(url, headers, body, { ...options, signal });
      return scrubAnswer('failed' in result ? failureAnswer(result) : readSoapResponse(result), [accessToken, options.developerToken]);
    },
  };
}

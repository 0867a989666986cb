import type { Transport } from '../answer.js';
import { failureAnswer } from '../failure-answer.js';
import { post } from '../http.js';
import type { TransportOptions } from '../soap/transport.js';
import { readRestResponse } from './read-response.js';
import { scrubAnswer } from '../scrub.js';

export const REST_PATH = '/CustomerManagement/v13/UserMFAStatus/Query';

export function restTransport(options: TransportOptions): Transport {
  const url = options.endpoint + REST_PATH;
  return {
    name: 'rest',
    async check(accessToken, signal) {
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
        developertoken: options.developerToken,
      };
      const result = await post(url, headers, '{}', { ...options, signal });
      return scrubAnswer('failed' in result ? failureAnswer(result) : readRestResponse(result), [accessToken, options.developerToken]);
    },
  };
}

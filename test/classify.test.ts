import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import type { Answer, Transport } from '../src/service/answer.js';
import { classify, type Action } from '../src/service/classify.js';
import { restTransport } from '../src/service/rest/transport.js';
import { soapTransport } from '../src/service/soap/transport.js';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import type { Outcome } from '../src/outcomes.js';

interface Expected {
  outcome: Outcome;
  action: Action;
}

const fault = (code: number, httpStatus = 500): Answer => ({ kind: 'fault', code, errorName: 'Name', message: 'text', trackingId: `t-${code}`, httpStatus });

/** Every code protocol.md lists, and undocumented ones, with the outcome the contract gives it. */
const CODE_TABLE: Array<[number, Expected]> = [
  [0, { outcome: 'server_error', action: 'backoff' }],
  [105, { outcome: 'auth_failed', action: 'done' }],
  [106, { outcome: 'auth_failed', action: 'done' }],
  [108, { outcome: 'auth_failed', action: 'done' }],
  [109, { outcome: 'auth_failed', action: 'refresh' }],
  [116, { outcome: 'protocol_error', action: 'done' }],
  [117, { outcome: 'throttled', action: 'throttle' }],
  ...[120, 121, 122, 123, 124, 125, 126, 1001].map((code): [number, Expected] => [code, { outcome: 'auth_failed', action: 'done' }]),
  [3101, { outcome: 'reconsent_required', action: 'done' }],
  [107, { outcome: 'auth_failed', action: 'done' }],
  [999, { outcome: 'auth_failed', action: 'done' }],
  [4321, { outcome: 'auth_failed', action: 'done' }],
];

describe('classify: every service error code of protocol.md', () => {
  for (const [code, expected] of CODE_TABLE) {
    test(`code ${code} → ${expected.outcome} / ${expected.action}`, () => {
      for (const httpStatus of [200, 500]) {
        const verdict = classify(fault(code, httpStatus));
        assert.deepEqual({ outcome: verdict.outcome, action: verdict.action }, expected);
        assert.equal(verdict.errorCode, String(code));
        assert.equal(verdict.trackingId, `t-${code}`, 'the TrackingId is kept for support');
        assert.equal(verdict.errorMessage, 'Name: text');
        assert.equal(verdict.mfaStatus, undefined);
      }
    });
  }

  test('a throttle fault carries its Retry-After through', () => {
    const verdict = classify({ kind: 'fault', code: 117, httpStatus: 429, retryAfterMs: 9000 });
    assert.equal(verdict.retryAfterMs, 9000);
  });
});

/** Every Answer kind, with the outcome and next action the contract gives it. */
const ANSWER_TABLE: Array<[string, Answer, Expected & { mfaStatus?: boolean }]> = [
  ['status true', { kind: 'status', mfaStatus: true, trackingId: 't' }, { outcome: 'ok', action: 'done', mfaStatus: true }],
  ['status false', { kind: 'status', mfaStatus: false }, { outcome: 'ok', action: 'done', mfaStatus: false }],
  ['InternalServiceFault (server-fault)', { kind: 'server-fault', httpStatus: 200 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 429 without a fault', { kind: 'http-error', httpStatus: 429 }, { outcome: 'throttled', action: 'throttle' }],
  ['HTTP 401 without a fault', { kind: 'http-error', httpStatus: 401 }, { outcome: 'auth_failed', action: 'refresh' }],
  ['HTTP 403 without a fault', { kind: 'http-error', httpStatus: 403 }, { outcome: 'auth_failed', action: 'done' }],
  ['HTTP 408', { kind: 'http-error', httpStatus: 408 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 500 without a fault', { kind: 'http-error', httpStatus: 500 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 502', { kind: 'http-error', httpStatus: 502 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 503 page', { kind: 'http-error', httpStatus: 503 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 504', { kind: 'http-error', httpStatus: 504 }, { outcome: 'server_error', action: 'backoff' }],
  ['HTTP 404 (wrong endpoint)', { kind: 'http-error', httpStatus: 404 }, { outcome: 'protocol_error', action: 'done' }],
  ['HTTP 400 without a fault', { kind: 'http-error', httpStatus: 400 }, { outcome: 'protocol_error', action: 'done' }],
  ['garbled response (cut, not XML)', { kind: 'protocol', problem: 'malformed', garbled: true }, { outcome: 'protocol_error', action: 'backoff' }],
  ['understood but unusable (no MFAStatus, DTD)', { kind: 'protocol', problem: 'no MFAStatus', garbled: false }, { outcome: 'protocol_error', action: 'done' }],
  ['connection reset', { kind: 'network', problem: 'ECONNRESET', timedOut: false }, { outcome: 'network_error', action: 'backoff' }],
  ['timeout', { kind: 'network', problem: 'no answer within 30000 ms', timedOut: true }, { outcome: 'network_error', action: 'backoff' }],
];

describe('classify: every Answer kind', () => {
  for (const [name, answer, expected] of ANSWER_TABLE) {
    test(`${name} → ${expected.outcome} / ${expected.action}`, () => {
      const verdict = classify(answer);
      assert.deepEqual({ outcome: verdict.outcome, action: verdict.action, mfaStatus: verdict.mfaStatus }, { mfaStatus: undefined, ...expected });
    });
  }

  test('HTTP errors keep their Retry-After and name the status as the error code', () => {
    const verdict = classify({ kind: 'http-error', httpStatus: 503, retryAfterMs: 4000 });
    assert.equal(verdict.errorCode, 'HTTP 503');
    assert.equal(verdict.retryAfterMs, 4000);
  });

  test('is pure: the same answer always gives the same verdict', () => {
    for (const [, answer] of ANSWER_TABLE) assert.deepEqual(classify(answer), classify(answer));
  });
});

/**
 * The same persona over both transports: the transport only turns the response into an Answer,
 * and one classification decides. Each case is proven on SOAP and on REST against the simulator.
 */
const PERSONA_TABLE: Array<[string, Expected & { code?: string; mfaStatus?: boolean }]> = [
  ['mfa', { outcome: 'ok', action: 'done', mfaStatus: true }],
  ['nomfa', { outcome: 'ok', action: 'done', mfaStatus: false }],
  ['unknown', { outcome: 'protocol_error', action: 'done' }],
  ['e0', { outcome: 'server_error', action: 'backoff', code: '0' }],
  ['e105', { outcome: 'auth_failed', action: 'done', code: '105' }],
  ['e105+h200', { outcome: 'auth_failed', action: 'done', code: '105' }],
  ['e106+apifault', { outcome: 'auth_failed', action: 'done', code: '106' }],
  ['e108', { outcome: 'auth_failed', action: 'done', code: '108' }],
  ['exp', { outcome: 'auth_failed', action: 'refresh', code: '109' }],
  ['e116', { outcome: 'protocol_error', action: 'done', code: '116' }],
  ['e117', { outcome: 'throttled', action: 'throttle', code: '117' }],
  ['e117+apifault', { outcome: 'throttled', action: 'throttle', code: '117' }],
  ['e120', { outcome: 'auth_failed', action: 'done', code: '120' }],
  ['e126', { outcome: 'auth_failed', action: 'done', code: '126' }],
  ['e1001', { outcome: 'auth_failed', action: 'done', code: '1001' }],
  ['e3101', { outcome: 'reconsent_required', action: 'done', code: '3101' }],
  ['e999', { outcome: 'auth_failed', action: 'done', code: '999' }],
  ['isf', { outcome: 'server_error', action: 'backoff' }],
  ['html503', { outcome: 'server_error', action: 'backoff' }],
  ['malformed', { outcome: 'protocol_error', action: 'backoff' }],
  ['empty', { outcome: 'protocol_error', action: 'backoff' }],
  ['reset', { outcome: 'network_error', action: 'backoff' }],
  ['hang', { outcome: 'network_error', action: 'backoff' }],
];

for (const transportName of ['soap', 'rest'] as const) {
  describe(`classify over the ${transportName.toUpperCase()} transport, against the simulator`, () => {
    let simulator: Simulator;
    let dispatcher: Agent;
    let transport: Transport;
    before(async () => {
      simulator = await startSimulator();
      dispatcher = new Agent({ connections: 4 });
      const settings = { endpoint: simulator.url, developerToken: 'dev', timeoutMs: 300, maxBytes: 1 << 20, dispatcher };
      transport = transportName === 'soap' ? soapTransport(settings) : restTransport(settings);
    });
    after(async () => {
      await simulator.close();
      await dispatcher.destroy();
    });

    for (const [persona, expected] of PERSONA_TABLE) {
      test(`persona ${persona} → ${expected.outcome} / ${expected.action}`, async () => {
        const verdict = classify(await transport.check(`at.${persona}.u-${transportName}`, new AbortController().signal));
        const seen = { outcome: verdict.outcome, action: verdict.action, mfaStatus: verdict.mfaStatus, code: /^\d+$/.test(verdict.errorCode ?? '') ? verdict.errorCode : undefined };
        assert.deepEqual(seen, { mfaStatus: undefined, code: undefined, ...expected });
      });
    }
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent } from 'undici';
import type { Answer } from '../src/service/answer.js';
import { classify } from '../src/service/classify.js';
import { readRestResponse } from '../src/service/rest/read-response.js';
import { restTransport } from '../src/service/rest/transport.js';
import { retryAfterMs } from '../src/service/retry-after.js';
import { scriptedServer } from './helpers/scripted-server.js';

const TRACKING = '0f9e8d7c-6b5a-4c3d-2e1f-0a1b2c3d4e5f';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

function read(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return readRestResponse({ status, headers: { ...JSON_TYPE, ...headers }, body: text });
}

const verdictOf = (answer: Answer) => {
  const { outcome, action } = classify(answer);
  return { outcome, action };
};

describe('REST success', () => {
  test('200 {"MFAStatus":true} with the TrackingId header', () => {
    assert.deepEqual(read(200, { MFAStatus: true }, { trackingid: TRACKING }), { kind: 'status', mfaStatus: true, trackingId: TRACKING });
  });

  test('200 {"MFAStatus":false}', () => {
    assert.deepEqual(read(200, { MFAStatus: false }, { trackingid: TRACKING }), { kind: 'status', mfaStatus: false, trackingId: TRACKING });
  });

  test('200 without MFAStatus is not determined: a protocol error, never false', () => {
    for (const body of [{}, { MFAStatus: null }, { mfaStatus: true }, { Other: 1 }]) {
      const answer = read(200, body, { trackingid: TRACKING });
      assert.equal(answer.kind, 'protocol', JSON.stringify(body));
      assert.equal(verdictOf(answer).outcome, 'protocol_error');
      assert.equal(classify(answer).mfaStatus, undefined);
      assert.equal((answer as { trackingId?: string }).trackingId, TRACKING);
    }
  });

  test('200 with MFAStatus that is not a JSON boolean is a protocol error', () => {
    for (const value of ['true', 1, 0, 'maybe', [true]]) {
      assert.equal(read(200, { MFAStatus: value }).kind, 'protocol', JSON.stringify(value));
    }
  });

  test('200 with an empty, cut or non-JSON body is a protocol error', () => {
    for (const body of ['', '{"MFAStatus": tr', '<html>OK</html>', 'null']) {
      assert.equal(verdictOf(read(200, body)).outcome, 'protocol_error', JSON.stringify(body));
    }
  });
});

/** The ApplicationFault shapes of the REST form, one per HTTP status the service uses. */
const FAULT_CASES: Array<{ status: number; code: number; outcome: string; action: string }> = [
  { status: 400, code: 105, outcome: 'auth_failed', action: 'done' },
  { status: 401, code: 109, outcome: 'auth_failed', action: 'refresh' },
  { status: 401, code: 3101, outcome: 'reconsent_required', action: 'done' },
  { status: 403, code: 106, outcome: 'auth_failed', action: 'done' },
  { status: 429, code: 117, outcome: 'throttled', action: 'throttle' },
  { status: 500, code: 0, outcome: 'server_error', action: 'backoff' },
];

describe('REST ApplicationFault', () => {
  for (const { status, code, outcome, action } of FAULT_CASES) {
    test(`HTTP ${status}, AdApiFaultDetail with code ${code} → ${outcome} / ${action}`, () => {
      const body = { Type: 'AdApiFaultDetail', TrackingId: TRACKING, Errors: [{ Code: code, Detail: null, ErrorCode: 'Name', Message: 'what went wrong' }] };
      const answer = read(status, body);
      assert.deepEqual(answer, { kind: 'fault', code, errorName: 'Name', message: 'what went wrong', trackingId: TRACKING, httpStatus: status, retryAfterMs: undefined });
      assert.deepEqual(verdictOf(answer), { outcome, action });
    });

    test(`HTTP ${status}, ApiFault with OperationErrors code ${code} → ${outcome} / ${action}`, () => {
      const body = { Type: 'ApiFault', TrackingId: TRACKING, OperationErrors: [{ Code: code, Details: null, Message: 'what went wrong' }] };
      const answer = read(status, body);
      assert.deepEqual(answer, { kind: 'fault', code, errorName: undefined, message: 'what went wrong', trackingId: TRACKING, httpStatus: status, retryAfterMs: undefined });
      assert.deepEqual(verdictOf(answer), { outcome, action });
    });
  }

  test('the code may come as text', () => {
    const answer = read(401, { Type: 'AdApiFaultDetail', Errors: [{ Code: ' 109 ' }] });
    assert.equal(answer.kind === 'fault' && answer.code, 109);
  });

  test('a fault without a TrackingId in the body takes the TrackingId header', () => {
    const answer = read(403, { Type: 'ApiFault', OperationErrors: [{ Code: 106 }] }, { trackingid: TRACKING });
    assert.equal((answer as { trackingId?: string }).trackingId, TRACKING);
  });

  test('a null, empty or non-integer code is not a fault code (never 0, which would be retried as InternalError)', () => {
    for (const code of [null, '', true, 1.5, '0x69', {}]) {
      const answer = read(400, { Type: 'AdApiFaultDetail', Errors: [{ Code: code }] });
      assert.notEqual(answer.kind, 'fault', JSON.stringify(code));
    }
  });

  test('members of the wrong JSON type are not copied into the result', () => {
    const answer = read(403, { Type: 'AdApiFaultDetail', TrackingId: { a: 1 }, Errors: [{ Code: 106, ErrorCode: 7, Message: ['x'] }] });
    assert.deepEqual(answer, { kind: 'fault', code: 106, errorName: undefined, message: undefined, trackingId: undefined, httpStatus: 403, retryAfterMs: undefined });
  });
});

describe('REST errors without a JSON ApplicationFault', () => {
  test('401 without a JSON body → refresh the token (auth_failed when it cannot be)', () => {
    for (const body of ['', 'Unauthorized', '<html><body>401</body></html>', '{"Message":"Authorization has been denied for this request."}']) {
      const answer = read(401, body, { 'content-type': 'text/plain' });
      assert.deepEqual(answer, { kind: 'http-error', httpStatus: 401, retryAfterMs: undefined }, JSON.stringify(body));
      assert.deepEqual(verdictOf(answer), { outcome: 'auth_failed', action: 'refresh' });
    }
  });

  test('500 with a JSON body without a code (the REST InternalServiceFault) → server_error, retried', () => {
    assert.deepEqual(verdictOf(read(500, { Message: 'An error has occurred.' })), { outcome: 'server_error', action: 'backoff' });
  });

  test('503 HTML page → server_error, retried', () => {
    assert.deepEqual(verdictOf(read(503, '<!DOCTYPE html><html><body>Service Unavailable</body></html>')), { outcome: 'server_error', action: 'backoff' });
  });

  test('bare 429 with Retry-After in seconds → throttle the whole queue for that long', () => {
    const answer = read(429, '', { 'retry-after': '42' });
    assert.deepEqual(answer, { kind: 'http-error', httpStatus: 429, retryAfterMs: 42_000 });
    assert.deepEqual(classify(answer), { outcome: 'throttled', action: 'throttle', errorCode: 'HTTP 429', retryAfterMs: 42_000 });
  });

  test('429 ApplicationFault 117 with Retry-After as an HTTP date → a wait until that date', () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const answer = read(429, { Type: 'AdApiFaultDetail', Errors: [{ Code: 117 }] }, { 'retry-after': inAMinute });
    const wait = classify(answer).retryAfterMs;
    assert.equal(classify(answer).action, 'throttle');
    assert.ok(wait !== undefined && wait > 30_000 && wait <= 60_000, `wait ${wait}`);
  });
});

describe('Retry-After parsing (pure, the clock passed in)', () => {
  const now = Date.UTC(2026, 0, 15, 9, 0, 0);

  test('delta-seconds', () => {
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs(['5', '9'], now), 5000);
  });

  test('HTTP date in each of the three RFC 9110 forms, read as GMT', () => {
    assert.equal(retryAfterMs('Thu, 15 Jan 2026 09:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Thursday, 15-Jan-26 09:01:00 GMT', now), 60_000);
    assert.equal(retryAfterMs('Thu Jan 15 09:00:10 2026', now), 10_000);
  });

  test('a date in the past means no wait', () => {
    assert.equal(retryAfterMs('Wed, 14 Jan 2026 09:00:00 GMT', now), 0);
  });

  test('absent or unreadable → undefined, so --throttle-wait applies instead of no pause at all', () => {
    for (const value of [undefined, '', '  ', 'soon', '1.5', '-1', '2026-01-15', 'Thu, 99 Foo 2026']) {
      assert.equal(retryAfterMs(value, now), undefined, JSON.stringify(value));
    }
  });
});

describe('REST request on the wire', () => {
  test('POST /CustomerManagement/v13/UserMFAStatus/Query, body {}, Bearer token, DeveloperToken, JSON; TrackingId read from the header', async (t) => {
    const server = await scriptedServer(t, () => ({ headers: { ...JSON_TYPE, TrackingId: TRACKING }, body: '{"MFAStatus":true}' }));
    const dispatcher = new Agent();
    t.after(() => dispatcher.close());
    const transport = restTransport({ endpoint: server.url, developerToken: 'dev-1', timeoutMs: 5000, maxBytes: 1 << 20, dispatcher });
    assert.deepEqual(await transport.check('at.mfa.u1', new AbortController().signal), { kind: 'status', mfaStatus: true, trackingId: TRACKING });
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/CustomerManagement/v13/UserMFAStatus/Query');
    assert.equal(request?.body, '{}');
    assert.equal(request?.headers.authorization, 'Bearer at.mfa.u1');
    assert.equal(request?.headers.developertoken, 'dev-1');
    assert.equal(request?.headers['content-type'], 'application/json');
  });

  test('a body over the size cap is refused as a protocol error, not buffered', async (t) => {
    const server = await scriptedServer(t, () => ({ headers: JSON_TYPE, body: `{"MFAStatus":true,"pad":"${'x'.repeat(200_000)}"}` }));
    const dispatcher = new Agent();
    t.after(() => dispatcher.close());
    const transport = restTransport({ endpoint: server.url, developerToken: 'dev-1', timeoutMs: 5000, maxBytes: 10_000, dispatcher });
    const answer = await transport.check('at.mfa.u1', new AbortController().signal);
    assert.equal(answer.kind, 'protocol');
  });
});

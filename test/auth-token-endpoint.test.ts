import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent } from 'undici';
import { grantsMsadsManage, readTokenResponse, redeemRefreshToken, type TokenAnswer } from '../src/auth/token-endpoint.js';
import { judgeTokenFailure, summarise, type TokenFailure } from '../src/auth/token-errors.js';
import { ConfigRefusedError } from '../src/errors.js';
import { scriptedServer } from './helpers/scripted-server.js';

const NOW = Date.UTC(2026, 2, 1);
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const keep = (text: string) => text;

function oauthError(error: string, code: number, description: string, httpStatus = 400): TokenFailure {
  return { kind: 'oauth-error', httpStatus, error, codes: [code], description: `AADSTS${code}: ${description}\r\nTrace ID: 0f1e\r\nCorrelation ID: 9a8b` };
}

describe('reading token endpoint responses', () => {
  test('a grant keeps access token, rotated refresh token, expires_in and scope', () => {
    const body = JSON.stringify({ token_type: 'Bearer', access_token: 'AT1', refresh_token: 'RT2', expires_in: 4321, scope: 'https://ads.microsoft.com/msads.manage offline_access' });
    assert.deepEqual(readTokenResponse({ status: 200, headers: {}, body }, NOW), {
      kind: 'granted', accessToken: 'AT1', refreshToken: 'RT2', expiresInSeconds: 4321, scope: 'https://ads.microsoft.com/msads.manage offline_access',
    });
  });

  test('expires_in sent as a string is read as a number; a missing one stays unknown', () => {
    const asString = readTokenResponse({ status: 200, headers: {}, body: '{"access_token":"A","expires_in":"3599"}' }, NOW);
    assert.equal(asString.kind === 'granted' && asString.expiresInSeconds, 3599);
    const missing = readTokenResponse({ status: 200, headers: {}, body: '{"access_token":"A"}' }, NOW);
    assert.equal(missing.kind === 'granted' && missing.expiresInSeconds, undefined);
  });

  test('an error body gives the error, its AADSTS codes and Retry-After', () => {
    const body = JSON.stringify({ error: 'temporarily_unavailable', error_description: 'AADSTS50033: A transient error has occurred.', error_codes: [50033] });
    assert.deepEqual(readTokenResponse({ status: 503, headers: { 'retry-after': '7' }, body }, NOW), {
      kind: 'oauth-error', httpStatus: 503, error: 'temporarily_unavailable', codes: [50033], description: 'AADSTS50033: A transient error has occurred.', retryAfterMs: 7000,
    });
  });

  test('AADSTS codes are taken from the description when error_codes is absent', () => {
    const answer = readTokenResponse({ status: 400, headers: {}, body: '{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired."}' }, NOW);
    assert.equal(answer.kind === 'oauth-error' && answer.codes[0], 700082);
  });

  test('an HTML page or a 200 without access_token is unreadable', () => {
    assert.equal(readTokenResponse({ status: 503, headers: {}, body: '<html>Service Unavailable</html>' }, NOW).kind, 'unreadable');
    assert.equal(readTokenResponse({ status: 200, headers: {}, body: '{"token_type":"Bearer"}' }, NOW).kind, 'unreadable');
  });

  test('the granted scope must contain msads.manage; an absent scope means the one requested', () => {
    assert.equal(grantsMsadsManage('https://ads.microsoft.com/msads.manage offline_access'), true);
    assert.equal(grantsMsadsManage('https://ads.microsoft.com/ads.manage offline_access'), false);
    assert.equal(grantsMsadsManage(undefined), true);
  });
});

describe('judging failed token requests (protocol.md)', () => {
  const reconsent: Array<[string, number]> = [
    ['invalid_grant', 70008], ['invalid_grant', 700082], ['invalid_grant', 50173], ['invalid_grant', 70000],
    ['invalid_grant', 70043], ['invalid_grant', 65001], ['interaction_required', 50076], ['interaction_required', 50079],
  ];
  for (const [error, code] of reconsent) {
    test(`${error} AADSTS${code} → reconsent_required, never retried`, () => {
      const judged = judgeTokenFailure(oauthError(error, code, 'Something happened. More detail follows.'), keep);
      assert.equal(judged.kind, 'verdict');
      if (judged.kind !== 'verdict') return;
      assert.deepEqual(judged.verdict, { outcome: 'reconsent_required', action: 'done', errorCode: error, errorMessage: `AADSTS${code}: Something happened.` });
    });
  }

  for (const code of [50033, 90024, 90006, 90055]) {
    test(`AADSTS${code} is transient whatever the error name`, () => {
      const judged = judgeTokenFailure(oauthError('invalid_request', code, 'Throttled.'), keep);
      assert.equal(judged.kind === 'verdict' && judged.verdict.action, 'backoff');
    });
  }

  test('temporarily_unavailable, 5xx pages, 429 and no answer at all are transient', () => {
    const transient: TokenFailure[] = [
      { kind: 'oauth-error', httpStatus: 503, error: 'temporarily_unavailable', codes: [], description: '' },
      { kind: 'unreadable', httpStatus: 502, problem: 'HTTP 502: not JSON' },
      { kind: 'unreadable', httpStatus: 429, problem: 'HTTP 429: not JSON', retryAfterMs: 3000 },
      { kind: 'no-answer', timedOut: true, problem: 'no complete answer within 100 ms' },
    ];
    for (const failure of transient) {
      const judged = judgeTokenFailure(failure, keep);
      assert.equal(judged.kind === 'verdict' && judged.verdict.action, 'backoff', JSON.stringify(failure));
    }
    const noAnswer = judgeTokenFailure(transient[3] as TokenFailure, keep);
    assert.equal(noAnswer.kind === 'verdict' && noAnswer.verdict.outcome, 'network_error');
  });

  test('invalid_client names --client-secret; unauthorized_client names --client-id; both exit 78', () => {
    const secret = judgeTokenFailure(oauthError('invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret…', 401), keep);
    const client = judgeTokenFailure(oauthError('unauthorized_client', 700016, "Application with identifier 'abc' was not found."), keep);
    assert.equal(secret.kind, 'config');
    assert.equal(client.kind, 'config');
    if (secret.kind !== 'config' || client.kind !== 'config') return;
    assert.ok(secret.error instanceof ConfigRefusedError);
    assert.equal(secret.error.exitCode, 78);
    assert.match(secret.error.message, /--client-secret/);
    assert.match(client.error.message, /--client-id/);
    assert.doesNotMatch(secret.error.message, /Trace ID/);
  });

  test('a public client sending a secret is told to remove it; a web app without one to set it', () => {
    const publicClient = judgeTokenFailure(oauthError('invalid_client', 700025, 'Client is public so neither client_assertion nor client_secret should be presented.'), keep);
    const webApp = judgeTokenFailure(oauthError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."), keep);
    assert.match(publicClient.kind === 'config' ? publicClient.error.message : '', /public client .*remove/);
    assert.match(webApp.kind === 'config' ? webApp.error.message : '', /web app .*must send its secret/);
  });

  test('other OAuth errors are final for the user, with the error as error_code', () => {
    const judged = judgeTokenFailure(oauthError('invalid_scope', 70011, 'The provided value for scope is not valid.'), keep);
    assert.deepEqual(judged.kind === 'verdict' && judged.verdict, {
      outcome: 'auth_failed', action: 'done', errorCode: 'invalid_scope', errorMessage: 'token endpoint: AADSTS70011: The provided value for scope is not valid.',
    });
  });

  test('the summary is the AADSTS code and first sentence of the first line, scrubbed and bounded', () => {
    const scrub = (text: string) => text.split('SECRET-RT').join('[redacted]');
    assert.equal(summarise('AADSTS70000: Grant SECRET-RT is invalid. It was used.\r\nTrace ID: x', [70000], scrub), 'AADSTS70000: Grant [redacted] is invalid.');
    assert.equal(summarise('No code here', [50076], keep), 'AADSTS50076: No code here');
    assert.ok(summarise('x'.repeat(1000), [], keep).length <= 200);
  });
});

describe('the refresh grant on the wire', () => {
  const granted = { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ access_token: 'AT', refresh_token: 'RT2', expires_in: 3600, scope: 'https://ads.microsoft.com/msads.manage offline_access' }) };

  test('a public client sends grant_type, client_id, refresh_token and the msads.manage scope, and no client_secret', async (t) => {
    const server = await scriptedServer(t, () => granted);
    const dispatcher = new Agent();
    t.after(() => dispatcher.close());
    const answer: TokenAnswer = await redeemRefreshToken('RT1', { tokenUrl: `${server.url}/token`, clientId: 'cid', timeoutMs: 5000, dispatcher }, NOW);
    assert.equal(answer.kind, 'granted');
    const form = new URLSearchParams(server.requests[0]?.body);
    assert.equal(server.requests[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(form), { grant_type: 'refresh_token', client_id: 'cid', refresh_token: 'RT1', scope: 'https://ads.microsoft.com/msads.manage offline_access' });
  });

  test('a web app sends its client_secret', async (t) => {
    const server = await scriptedServer(t, () => granted);
    const dispatcher = new Agent();
    t.after(() => dispatcher.close());
    await redeemRefreshToken('RT1', { tokenUrl: server.url, clientId: 'cid', clientSecret: 'the-secret', timeoutMs: 5000, dispatcher }, NOW);
    assert.equal(new URLSearchParams(server.requests[0]?.body).get('client_secret'), 'the-secret');
  });

  test('a token endpoint that never answers gives up after the timeout', async (t) => {
    const server = await scriptedServer(t, () => new Promise(() => undefined));
    const dispatcher = new Agent();
    t.after(() => dispatcher.destroy());
    const answer = await redeemRefreshToken('RT1', { tokenUrl: server.url, clientId: 'cid', timeoutMs: 100, dispatcher }, NOW);
    assert.deepEqual(answer, { kind: 'no-answer', timedOut: true, problem: 'no complete answer within 100 ms' });
  });
});

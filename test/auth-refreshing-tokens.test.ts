import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import { Agent } from 'undici';
import { createTokenSource } from '../src/auth/create-token-source.js';
import { journalPathFor, readRotations, tokenHash } from '../src/auth/rotation-journal.js';
import type { TokenResult, TokenSource } from '../src/auth/token-source.js';
import { ConfigRefusedError } from '../src/errors.js';
import type { UserRow } from '../src/input/read-tokens.js';
import { checkRunOptions, DEFAULTS, type RunOptions } from '../src/job/options.js';
import { createLogger } from '../src/log/logger.js';
import { Redactor } from '../src/log/redact.js';
import { type Simulator } from '../src/simulator/server.js';
import { tempDir, waitFor } from './helpers/cli-process.js';
import { scriptedServer } from './helpers/scripted-server.js';
import { CLIENT_ID, SetClock } from './helpers/token-job.js';
import { simulatorFor } from './helpers/simulator.js';

const SCOPE = 'https://ads.microsoft.com/msads.manage offline_access';

const simulator = simulatorFor;

interface Harness {
  source: TokenSource;
  dir: string;
  journal: string;
  clock: SetClock;
  log: () => string;
}

/** A token source as the job creates it (--client-id given), for dir/tokens.csv, talking to tokenUrl. */
async function harness(t: TestContext, tokenUrl: string, overrides: Partial<RunOptions> = {}, clock = new SetClock()): Promise<Harness> {
  const dir = await tempDir(t);
  const options = checkRunOptions({
    ...DEFAULTS, input: join(dir, 'tokens.csv'), output: join(dir, 'results.csv'), endpoint: 'http://127.0.0.1:9', tokenUrl,
    developerToken: 'dev', clientId: CLIENT_ID, rate: 0, retries: 2, retryDelay: 100, timeout: 5000, columns: {}, ...overrides,
  });
  const dispatcher = new Agent();
  t.after(() => dispatcher.destroy());
  let text = '';
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void ((text += chunk.toString()), done()) });
  const redactor = new Redactor();
  const log = createLogger('json', sink, redactor, clock.now, 'debug');
  const source = await createTokenSource(options, { dispatcher, clock, random: () => 0.5, log, redactor });
  t.after(() => source.finish());
  return { source, dir, journal: journalPathFor(options.input), clock, log: () => text };
}

function user(userId: string, tokens: Partial<Pick<UserRow, 'accessToken' | 'refreshToken' | 'expiresAt'>>): UserRow {
  return { kind: 'user', line: 2, userId, ...tokens };
}

function accessToken(result: TokenResult): string {
  assert.ok('accessToken' in result, `expected an access token, got ${JSON.stringify(result)}`);
  return result.accessToken;
}

function verdictOf(result: TokenResult) {
  assert.ok('verdict' in result, 'expected a verdict');
  return result.verdict;
}

async function journalLines(path: string) {
  const lines = [];
  for await (const rotation of readRotations(path)) lines.push(rotation);
  return lines;
}

const oauthRequests = (sim: Simulator) => sim.log.filter((entry) => entry.path === 'oauth');
const never = new AbortController().signal;

describe('when a refresh happens', () => {
  test('no stored access token: one refresh, and the rotated refresh token is in the journal (0600) before the access token is handed out', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const token = accessToken(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.mfa.u1.first' }), false, never));
    assert.match(token, /^at\.mfa\.u1\.m/);
    const journal = readFileSync(h.journal, 'utf8');
    const issued = sim.issuedRefreshTokens[0] ?? '';
    assert.ok(journal.includes(issued), 'the new refresh token is journalled');
    assert.ok(!journal.includes('rt.mfa.u1.first'), 'the replaced token itself is never journalled');
    assert.equal((await journalLines(h.journal))[0]?.replaces, tokenHash('rt.mfa.u1.first'));
    assert.equal(statSync(h.journal).mode & 0o777, 0o600);
    assert.equal(h.source.refreshes, 1);
  });

  test('a stored access token valid for more than 5 minutes is used as is; one expiring within 5 minutes is refreshed first', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const now = h.clock.now();
    const later = user('u1', { accessToken: 'at.mfa.u1.stored', refreshToken: 'rt.mfa.u1.a', expiresAt: now + 6 * 60_000 });
    const soon = user('u2', { accessToken: 'at.mfa.u2.stored', refreshToken: 'rt.mfa.u2.a', expiresAt: now + 4 * 60_000 });
    assert.equal(accessToken(await h.source.accessTokenFor(later, false, never)), 'at.mfa.u1.stored');
    assert.notEqual(accessToken(await h.source.accessTokenFor(soon, false, never)), 'at.mfa.u2.stored');
    assert.deepEqual(oauthRequests(sim).map((entry) => entry.user), ['mfa.u2']);
  });

  test('a refreshed token is reused until 5 minutes before its expires_in, then refreshed again from the newest refresh token', async (t) => {
    const sim = await simulator(t, { oauth: { accessTokenLifetimeSeconds: 3600, rejectSuperseded: true } });
    const h = await harness(t, sim.tokenUrl);
    const u1 = user('u1', { refreshToken: 'rt.mfa.u1.a' });
    const first = accessToken(await h.source.accessTokenFor(u1, false, never));
    h.clock.time += 54 * 60_000;
    assert.equal(accessToken(await h.source.accessTokenFor(u1, false, never)), first, 'still 6 minutes to go');
    h.clock.time += 2 * 60_000;
    const second = accessToken(await h.source.accessTokenFor(u1, false, never));
    assert.notEqual(second, first);
    assert.deepEqual(oauthRequests(sim).map((entry) => entry.result), ['ok', 'ok'], 'the second refresh used the rotated token, not the superseded one');
  });

  test('the service refusing the token as expired forces a refresh even before its expiry', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const u1 = user('u1', { accessToken: 'at.mfa.u1.stored', refreshToken: 'rt.mfa.u1.a', expiresAt: h.clock.now() + 3_600_000 });
    assert.notEqual(accessToken(await h.source.accessTokenFor(u1, true, never)), 'at.mfa.u1.stored');
    assert.equal(oauthRequests(sim).length, 1);
  });

  test('a row without a refresh token uses its access token and cannot be refreshed', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const u1 = user('u1', { accessToken: 'at.mfa.u1.only' });
    assert.equal(accessToken(await h.source.accessTokenFor(u1, false, never)), 'at.mfa.u1.only');
    assert.equal(h.source.canRefresh(u1), false);
    assert.equal(oauthRequests(sim).length, 0);
  });
});

describe('single flight', () => {
  test('five concurrent calls that all saw 109 cause one refresh and share its access token', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const u1 = user('u1', { accessToken: 'at.mfa.u1.old', refreshToken: 'rt.tokslow50.u1.a' });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => h.source.accessTokenFor(u1, true, never)));
    assert.equal(new Set(tokens.map(accessToken)).size, 1);
    assert.equal(oauthRequests(sim).length, 1);
    assert.equal(h.source.refreshes, 1);
  });

  test('concurrent first calls for a user without an access token cause one refresh; other users refresh in parallel', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const calls = ['u1', 'u1', 'u2', 'u1', 'u2'].map((id) => h.source.accessTokenFor(user(id, { refreshToken: `rt.mfa.${id}.a` }), false, never));
    await Promise.all(calls);
    assert.deepEqual(oauthRequests(sim).map((entry) => entry.user).sort(), ['mfa.u1', 'mfa.u2']);
  });
});

describe('transient failures of the token endpoint', () => {
  test('503 temporarily_unavailable twice, then success: retried with exponential backoff and full jitter', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl, { retries: 2, retryDelay: 100 });
    accessToken(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.tok503x2.u1.a' }), false, never));
    assert.deepEqual(oauthRequests(sim).map((entry) => entry.code ?? entry.result), ['temporarily_unavailable', 'temporarily_unavailable', 'ok']);
    assert.deepEqual(h.clock.sleeps, [50, 100], 'random 0.5 × 100 ms, then × 200 ms');
    assert.equal(h.source.refreshes, 3);
  });

  test('still failing after --retries: a non-final server_error for the user, not a crash', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl, { retries: 1 });
    const verdict = verdictOf(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.tok503.u1.a' }), false, never));
    assert.equal(verdict.outcome, 'server_error');
    assert.equal(verdict.errorCode, 'temporarily_unavailable');
    assert.match(verdict.errorMessage ?? '', /^token endpoint: AADSTS50033: A transient error has occurred\.$/);
    assert.equal(oauthRequests(sim).length, 2);
  });

  test('a token request that hangs times out after --timeout and is retried', async (t) => {
    const granted = { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 'AT-after-hang', refresh_token: 'RT-after-hang', expires_in: 3600, scope: SCOPE }) };
    const server = await scriptedServer(t, (_request, index) => (index === 0 ? new Promise(() => undefined) : granted));
    const h = await harness(t, server.url, { timeout: 100 });
    assert.equal(accessToken(await h.source.accessTokenFor(user('u1', { refreshToken: 'RT-0' }), false, never)), 'AT-after-hang');
    assert.equal(server.requests.length, 2);
  });
});

describe('refusals', () => {
  test('invalid_grant (revoked) → reconsent_required with the AADSTS code and first sentence, never retried', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const verdict = verdictOf(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.revoked.u1.a' }), false, never));
    assert.deepEqual(verdict, {
      outcome: 'reconsent_required', action: 'done', errorCode: 'invalid_grant',
      errorMessage: 'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity or was revoked.',
    });
    assert.equal(oauthRequests(sim).length, 1);
  });

  test('interaction_required → reconsent_required', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const verdict = verdictOf(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.interaction.u1.a' }), false, never));
    assert.equal(verdict.outcome, 'reconsent_required');
    assert.equal(verdict.errorCode, 'interaction_required');
  });

  test('a grant without msads.manage → reconsent_required, and its rotated refresh token is still journalled', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const verdict = verdictOf(await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.oldscope.u1.a' }), false, never));
    assert.equal(verdict.outcome, 'reconsent_required');
    assert.equal(verdict.errorCode, 'insufficient_scope');
    assert.ok(readFileSync(h.journal, 'utf8').includes(sim.issuedRefreshTokens[0] ?? '—'));
  });

  test('invalid_client → ConfigRefusedError (exit 78) naming --client-secret; later users send nothing', async (t) => {
    const sim = await simulator(t, { oauth: { clientSecret: 'the-right-secret-value' } });
    const h = await harness(t, sim.tokenUrl, { clientSecret: 'a-wrong-secret-value' });
    const first = h.source.accessTokenFor(user('u1', { refreshToken: 'rt.mfa.u1.a' }), false, never);
    await assert.rejects(first, (error: unknown) => error instanceof ConfigRefusedError && error.exitCode === 78 && /--client-secret/.test(error.message));
    await assert.rejects(h.source.accessTokenFor(user('u2', { refreshToken: 'rt.mfa.u2.a' }), false, never), ConfigRefusedError);
    assert.equal(h.source.canRefresh(user('u3', { refreshToken: 'rt.mfa.u3.a' })), false);
    assert.equal(oauthRequests(sim).length, 1, 'nothing sent after the refusal');
  });

  test('unauthorized_client → ConfigRefusedError naming --client-id', async (t) => {
    const sim = await simulator(t, { oauth: { clientId: 'registered-app' } });
    const h = await harness(t, sim.tokenUrl);
    await assert.rejects(h.source.accessTokenFor(user('u1', { refreshToken: 'rt.mfa.u1.a' }), false, never), /--client-id/);
  });

  test('tokens and the client secret echoed back in error bodies never reach a verdict or an error message', async (t) => {
    const echo = (error: string, status: number) => (request: { body: string }) => {
      const form = new URLSearchParams(request.body);
      const description = `AADSTS70000: Grant ${form.get('refresh_token')} for secret ${form.get('client_secret')} refused. refresh_token=${form.get('refresh_token')}`;
      return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error, error_description: description, error_codes: [70000] }) };
    };
    const grantServer = await scriptedServer(t, echo('invalid_grant', 400));
    const h = await harness(t, grantServer.url, { clientSecret: 'client-secret-echoed-4411' });
    const verdict = verdictOf(await h.source.accessTokenFor(user('u1', { refreshToken: 'refresh-token-echoed-9931' }), false, never));
    assert.doesNotMatch(JSON.stringify(verdict), /echoed/);
    assert.match(verdict.errorMessage ?? '', /^AADSTS70000: Grant \[redacted\]/);
    const clientServer = await scriptedServer(t, echo('invalid_client', 401));
    const h2 = await harness(t, clientServer.url, { clientSecret: 'client-secret-echoed-4411' });
    await assert.rejects(h2.source.accessTokenFor(user('u1', { refreshToken: 'refresh-token-echoed-9931' }), false, never), (error: Error) => !/echoed/.test(error.message));
    assert.doesNotMatch(h.log() + h2.log(), /echoed/);
  });
});

describe('the journal', () => {
  test('applies by following the chain from the input token; a stale entry for a newer input token is ignored', async (t) => {
    const sent: string[] = [];
    const server = await scriptedServer(t, (request) => {
      sent.push(new URLSearchParams(request.body).get('refresh_token') ?? '');
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `AT-${sent.length}`, refresh_token: `RT-new-${sent.length}`, expires_in: 3600, scope: SCOPE }) };
    });
    const dir = await tempDir(t);
    const line = (userId: string, token: string, replaced: string) =>
      JSON.stringify({ user_id: userId, refresh_token: token, replaces: tokenHash(replaced), expires_at: '2026-03-01T07:00:00.000Z', at: '2026-03-01T06:00:00.000Z' });
    const journal = [line('u1', 'RT-B', 'RT-A'), line('u2', 'RT-old-2', 'RT-older-2'), line('u1', 'RT-C', 'RT-B'), line('u3', 'RT-X', 'RT-A')];
    await writeFile(journalPathFor(join(dir, 'tokens.csv')), journal.join('\n') + '\n');
    const h = await harness(t, server.url, { input: join(dir, 'tokens.csv') });
    await h.source.accessTokenFor(user('u1', { refreshToken: 'RT-A' }), false, never);
    await h.source.accessTokenFor(user('u2', { refreshToken: 'RT-re-exported-2' }), false, never);
    assert.deepEqual(sent, ['RT-C', 'RT-re-exported-2'], 'u1 from the end of its chain, u2 from its newer input token; u3 never takes u1\'s chain');
  });

  test('a torn last line (a crash mid-write) is skipped, and the next line appended after it is whole', async (t) => {
    const sim = await simulator(t);
    const dir = await tempDir(t);
    const path = journalPathFor(join(dir, 'tokens.csv'));
    await writeFile(path, '{"user_id":"u9","refresh_token":"rt.mfa.u9.torn","repl');
    const h = await harness(t, sim.tokenUrl, { input: join(dir, 'tokens.csv') });
    assert.match(h.log(), /token_journal_torn/);
    await h.source.accessTokenFor(user('u1', { refreshToken: 'rt.mfa.u1.a' }), false, never);
    const lines = await journalLines(path);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], undefined);
    assert.equal(lines[1]?.refreshToken, sim.issuedRefreshTokens[0]);
  });

  test('finish() waits for a refresh already sent when the run stops, so its rotation is saved', async (t) => {
    const sim = await simulator(t);
    const h = await harness(t, sim.tokenUrl);
    const stop = new AbortController();
    const pending = h.source.accessTokenFor(user('u1', { refreshToken: 'rt.tokslow200.u1.a' }), false, stop.signal);
    await waitFor(() => oauthRequests(sim).length === 1, 'the token request to arrive');
    stop.abort();
    await h.source.finish();
    assert.ok(readFileSync(h.journal, 'utf8').includes(sim.issuedRefreshTokens[0] ?? '—'));
    await pending;
  });
});

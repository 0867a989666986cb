import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { journalPathFor, readRotations, tokenHash } from '../src/auth/rotation-journal.js';
import { identifyToken } from '../src/simulator/personas.js';
import { type Simulator } from '../src/simulator/server.js';
import { runCli, spawnCli, tempDir, waitFor } from './helpers/cli-process.js';
import { DEVELOPER_TOKEN, jobArgs, JOB_ENV } from './helpers/job-args.js';
import { scriptedServer, type ReceivedRequest } from './helpers/scripted-server.js';
import { CLIENT_ID, readCsv, writeTokenCsv } from './helpers/token-job.js';
import { simulatorFor } from './helpers/simulator.js';

// End-to-end: the built CLI (npm run build first) in a subprocess, refreshing tokens.

const simulator = simulatorFor;

const refreshArgs = (tokenUrl: string) => ({ 'token-url': tokenUrl, 'client-id': CLIENT_ID });
const serviceCount = (sim: Simulator) => sim.log.filter((entry) => entry.path !== 'oauth').length;

async function journalTokens(path: string): Promise<string[]> {
  const tokens: string[] = [];
  for await (const rotation of readRotations(path)) if (rotation) tokens.push(rotation.refreshToken);
  return tokens;
}

test('SIGKILL at several points mid-run loses no rotated refresh token: the journal has every one issued, and the next runs use the newest', async (t) => {
  const sim = await simulator(t, { latencyMs: 150, oauth: { clientId: CLIENT_ID, accessTokenLifetimeSeconds: 2, rejectSuperseded: true } });
  const dir = await tempDir(t);
  const users = Array.from({ length: 24 }, (_, i) => ({ user: `u${i}`, rt: `rt.${i % 3 ? 'mfa' : 'nomfa'}.u${i}.first` }));
  await writeTokenCsv(join(dir, 'tokens.csv'), users);
  const journal = journalPathFor(join(dir, 'tokens.csv'));
  const flags = { ...refreshArgs(sim.tokenUrl), concurrency: '2' };
  for (const [i, newCalls] of [1, 4, 4].entries()) {
    const before = serviceCount(sim);
    const run = spawnCli(jobArgs(dir, sim, i === 0 ? flags : { ...flags, resume: true }), JOB_ENV);
    const journalled = () => (existsSync(journal) ? readFileSync(journal, 'utf8') : '');
    // Kill only once every token issued so far is on disk, so that none is in flight unread.
    await waitFor(() => serviceCount(sim) >= before + newCalls && sim.issuedRefreshTokens.every((token) => journalled().includes(token)), `kill point ${i}`);
    const issuedAtKill = [...sim.issuedRefreshTokens];
    run.child.kill('SIGKILL');
    assert.equal((await run.exited).signal, 'SIGKILL', `run ${i} was killed mid-run, not finished`);
    assert.deepEqual(new Set(await journalTokens(journal)), new Set(issuedAtKill), `after kill ${i}: every issued refresh token is in the journal`);
  }
  assert.equal(statSync(journal).mode & 0o777, 0o600);
  const last = await runCli(jobArgs(dir, sim, { ...flags, resume: true, 'tokens-out': join(dir, 'tokens.next.csv') }), JOB_ENV);
  assert.equal(last.code, 0, last.stderr);
  assert.equal(sim.log.filter((entry) => entry.code === 'invalid_grant').length, 0, 'no superseded refresh token was ever sent');
  assert.deepEqual(new Set(readCsv(join(dir, 'results.csv')).map((row) => `${row.user_id}:${row.outcome}`)), new Set(users.map((row) => `${row.user}:ok`)));
  const newest = new Map(sim.issuedRefreshTokens.map((token) => [identifyToken(token).id, token]));
  assert.deepEqual(readCsv(join(dir, 'tokens.next.csv')).map((row) => row.refresh_token), users.map((row) => newest.get(row.user) ?? row.rt));
  const replaced = new Set<string>();
  for await (const rotation of readRotations(journal)) replaced.add(rotation?.replaces ?? 'unreadable');
  assert.ok(users.every((row) => !newest.has(row.user) || replaced.has(tokenHash(row.rt))), 'each chain starts at the input token');
});

test('invalid_client: exit 78 naming --client-secret, nothing more sent, no user recorded', async (t) => {
  const sim = await simulator(t, { latencyMs: 20, oauth: { clientId: CLIENT_ID, clientSecret: 'right-secret-5581' } });
  const dir = await tempDir(t);
  await writeTokenCsv(join(dir, 'tokens.csv'), Array.from({ length: 20 }, (_, i) => ({ user: `u${i}`, rt: `rt.mfa.u${i}.a` })));
  const run = await runCli(jobArgs(dir, sim, { ...refreshArgs(sim.tokenUrl), concurrency: '2' }), { ...JOB_ENV, MFA_ADOPTION_CLIENT_SECRET: 'wrong-secret-7702' });
  assert.equal(run.code, 78, run.stderr);
  assert.match(run.stderr, /invalid_client.*--client-secret/);
  assert.doesNotMatch(run.stderr + run.stdout, /secret-(5581|7702)/);
  const oauth = sim.log.filter((entry) => entry.path === 'oauth');
  assert.ok(oauth.length >= 1 && oauth.length <= 2, `at most the --concurrency token requests already in flight, got ${oauth.length}`);
  assert.ok(oauth.every((entry) => entry.code === 'invalid_client'));
  assert.equal(serviceCount(sim), 0, 'no service request');
  assert.equal(readCsv(join(dir, 'results.csv')).length, 0, 'no user recorded: a --resume after the fix checks them all');
});

test('unauthorized_client: exit 78 naming --client-id', async (t) => {
  const sim = await simulator(t, { oauth: { clientId: 'the-registered-app' } });
  const dir = await tempDir(t);
  await writeTokenCsv(join(dir, 'tokens.csv'), [{ user: 'u1', rt: 'rt.mfa.u1.a' }]);
  const run = await runCli(jobArgs(dir, sim, refreshArgs(sim.tokenUrl)), JOB_ENV);
  assert.equal(run.code, 78, run.stderr);
  assert.match(run.stderr, /unauthorized_client.*--client-id/);
});

/** A token endpoint that echoes the refresh token and client secret back in its answers. */
function echoingTokenEndpoint(request: ReceivedRequest) {
  const form = new URLSearchParams(request.body);
  const refreshToken = form.get('refresh_token') ?? '';
  const user = refreshToken.split('.')[2] ?? 'nobody';
  const echo = `refresh token ${refreshToken} with secret ${form.get('client_secret')}`;
  const json = (status: number, body: object) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (refreshToken.includes('.grant.')) return json(400, { error: 'invalid_grant', error_description: `AADSTS70008: The ${echo} was revoked.\r\nTrace ID: t`, error_codes: [70008], error_uri: `https://login.example/error?token=${refreshToken}` });
  if (refreshToken.includes('.client.')) return json(401, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret: ${echo}.` });
  if (refreshToken.includes('.page.')) return { status: 503, headers: { 'content-type': 'text/html' }, body: `<html>busy: ${echo}</html>` };
  if (refreshToken.includes('.scope.')) return json(200, { access_token: `at.mfa.${user}.NEWAT-scope-${user}`, refresh_token: `rt.mfa.${user}.NEWRT-scope-${user}`, expires_in: 3600, scope: `ads.manage ${echo}` });
  return json(200, { access_token: `at.mfa.${user}.NEWAT-${user}`, refresh_token: `rt.mfa.${user}.NEWRT-${user}`, expires_in: 3600, scope: 'https://ads.microsoft.com/msads.manage offline_access' });
}

test('no access token, refresh token or client secret in any output, log or error message, even when the token endpoint echoes them', async (t) => {
  const sim = await simulator(t);
  const endpoint = await scriptedServer(t, echoingTokenEndpoint);
  const secret = 'client-secret-value-3090';
  const rows = [
    { user: 'u1', rt: 'rt.grant.u1.OLDRT-1' },
    { user: 'u2', rt: 'rt.page.u2.OLDRT-2' },
    { user: 'u3', rt: 'rt.scope.u3.OLDRT-3' },
    { user: 'u4', rt: 'rt.ok.u4.OLDRT-4' },
    { user: 'u5', at: 'at.e105.u5.OLDAT-5', rt: 'rt.ok.u5.OLDRT-5' },
  ];
  const secrets = [secret, DEVELOPER_TOKEN, 'OLDRT', 'OLDAT', 'NEWRT', 'NEWAT'];
  const outputs: string[] = [];
  for (const format of ['json', 'text']) {
    const dir = await tempDir(t);
    await writeTokenCsv(join(dir, 'tokens.csv'), rows);
    const args = jobArgs(dir, sim, { ...refreshArgs(`${endpoint.url}/token`), 'log-format': format, 'tokens-out': join(dir, 'tokens.next.csv'), retries: '1' });
    const run = await runCli(args, { ...JOB_ENV, MFA_ADOPTION_CLIENT_SECRET: secret });
    assert.equal(run.code, 75, run.stderr);
    const files = readdirSync(dir).filter((name) => /^(results|report)/.test(name));
    assert.ok(files.length >= 4, `results and reports written: ${files.join(', ')}`);
    outputs.push(run.stdout, run.stderr, ...files.map((name) => readFileSync(join(dir, name), 'utf8')));
    const byUser = new Map(readCsv(join(dir, 'results.csv')).map((row) => [row.user_id, row]));
    assert.deepEqual(['u1', 'u2', 'u3', 'u4', 'u5'].map((id) => byUser.get(id)?.outcome), ['reconsent_required', 'server_error', 'reconsent_required', 'ok', 'auth_failed']);
  }
  const refused = await tempDir(t);
  await writeTokenCsv(join(refused, 'tokens.csv'), [{ user: 'u6', rt: 'rt.client.u6.OLDRT-6' }]);
  const run = await runCli(jobArgs(refused, sim, refreshArgs(endpoint.url)), { ...JOB_ENV, MFA_ADOPTION_CLIENT_SECRET: secret });
  assert.equal(run.code, 78, run.stderr);
  outputs.push(run.stdout, run.stderr);
  assert.ok(endpoint.requests.some((request) => request.body.includes(secret)), 'the secret was sent, so the endpoint really echoed it');
  for (const text of outputs) for (const value of secrets) assert.ok(!text.includes(value), `"${value}" leaked into: ${text.slice(0, 400)}`);
});

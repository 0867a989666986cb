import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { journalPathFor } from '../src/auth/rotation-journal.js';
import { type Simulator, type SimulatorOptions } from '../src/simulator/server.js';
import { runCli, tempDir } from './helpers/cli-process.js';
import { serveOnLoopback } from './helpers/serve.js';
import { simulatorFor } from './helpers/simulator.js';

// Distinctive secrets driven through every failure path of the built CLI (npm run build
// first): service faults, resets, hangs cut by --timeout, malformed answers, OAuth refusals
// (invalid_grant, interaction_required, invalid_client, and a token endpoint that echoes the
// client secret and refresh token back), a service that echoes the whole request, bad input
// rows, a refused input file, --dry-run, text and JSON logs. None may appear in stdout, stderr,
// the results, the report or any other file, except the token files that must hold them.

const DEV = 'SECRET-DEV-7f3kQ';
const CLIENT_SECRET = 'SECRET-CS-9wPz2';
const CLIENT_ID = 'secrets-test-client';
const LEAK = /SECRET-(?:AT|RT|DEV|CS)-/;
const at = (persona: string, id: string) => `at.${persona}.${id}.SECRET-AT-${id}q`;
const rt = (persona: string, id: string) => `rt.${persona}.${id}.SECRET-RT-${id}q`;

/** user_id,access_token,refresh_token,expires_at: every kind of failure, and bad rows holding tokens. */
const INPUT = [
  'user_id,access_token,refresh_token,expires_at',
  ...['e0', 'e105', 'e117', 'reset', 'hang', 'malformed', 'html503', 'isf', 'empty', 'e3101', 'e999', 'exp'].map((persona, i) => `s${i + 1},${at(persona, `s${i + 1}`)},,`),
  `s20,${at('exp', 's20')},${rt('mfa', 's20')},`,
  `s21,${at('exp', 's21')},${rt('revoked', 's21')},`,
  `s22,,${rt('idle', 's22')},`,
  `s23,,${rt('interaction', 's23')},`,
  `s24,,${rt('tok503', 's24')},`,
  `s25,,${rt('oldscope', 's25')},`,
  `s26,${at('mfa', 's26')},${rt('nomfa', 's26')},`,
  `,${at('mfa', 'noid')},${rt('mfa', 'noid')},`,
  `s26,${at('nomfa', 'dup')},,`,
  `s27,${at('mfa', 's27')},,next tuesday`,
  `s28,${at('mfa', 's28')}`,
].join('\n');

/** Files that hold tokens by design: the input, its rotation journal, --tokens-out. */
const TOKEN_FILES = ['tokens.csv', 'tokens.csv.rotated.jsonl', 'tokens-out.csv'];

async function assertNoSecrets(dir: string, run: { stdout: string; stderr: string }, sim?: Simulator): Promise<void> {
  const issued = sim?.issuedRefreshTokens ?? [];
  const outputs: Array<[string, string]> = [['stdout', run.stdout], ['stderr', run.stderr]];
  for (const name of await readdir(dir, { recursive: true })) {
    if (TOKEN_FILES.includes(name)) continue;
    outputs.push([name, await readFile(join(dir, name), 'utf8').catch(() => '')]);
  }
  for (const [where, text] of outputs) {
    const leak = LEAK.exec(text);
    assert.equal(leak, null, `${where} leaks a secret: …${text.slice(Math.max(0, (leak?.index ?? 0) - 100), (leak?.index ?? 0) + 40)}…`);
    for (const token of issued) assert.ok(!text.includes(token), `${where} leaks a refresh token the token endpoint issued`);
  }
}

async function simulator(t: TestContext, options: SimulatorOptions = {}): Promise<Simulator> {
  return simulatorFor(t, { developerToken: DEV, oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, ...options });
}

/** Writes the input into a fresh folder and runs the CLI on it, secrets from the environment as cron passes them. */
async function runJob(t: TestContext, endpoint: string, tokenUrl: string, flags: string[], input = INPUT) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'tokens.csv'), input + '\n');
  const args = ['run', '--input', join(dir, 'tokens.csv'), '--output', join(dir, 'results.csv'), '--report', join(dir, 'report.json'), '--tokens-out', join(dir, 'tokens-out.csv')];
  const options = ['--endpoint', endpoint, '--token-url', tokenUrl, '--client-id', CLIENT_ID, '--rate', '0', '--concurrency', '4', '--retries', '1', '--retry-delay', '1', '--throttle-wait', '5', '--timeout', '300'];
  const run = await runCli([...args, ...options, ...flags], { MFA_ADOPTION_DEVELOPER_TOKEN: DEV, MFA_ADOPTION_CLIENT_SECRET: CLIENT_SECRET });
  return { dir, run };
}

/** A server that answers every request with `reply(request as text)`: what an echoing, hostile or broken service does. */
async function echoServer(t: TestContext, reply: (req: IncomingMessage, echo: string, res: ServerResponse) => void): Promise<string> {
  return serveOnLoopback(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => reply(req, `${JSON.stringify(req.headers)} ${Buffer.concat(chunks).toString('utf8')}`, res));
  });
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SOAP fault 0 (retried), REST ApplicationFault, OAuth invalid_client: each message is the request, echoed. */
function echoing(req: IncomingMessage, echo: string, res: ServerResponse): void {
  if (req.url?.includes('oauth2')) {
    res.writeHead(401, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided. Request was: ${echo}` }));
  }
  if (req.url?.includes('UserMFAStatus')) {
    res.writeHead(400, { 'content-type': 'application/json', trackingid: echo.slice(0, 200) });
    return void res.end(JSON.stringify({ Type: 'AdApiFaultDetail', TrackingId: echo, Errors: [{ Code: 0, ErrorCode: 'InternalError', Message: echo }] }));
  }
  res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>${xmlText(echo)}</faultstring>` +
      `<detail><AdApiFaultDetail xmlns="https://adapi.microsoft.com"><TrackingId>${xmlText(echo)}</TrackingId><Errors><AdApiError><Code>0</Code>` +
      `<ErrorCode>InternalError</ErrorCode><Message>${xmlText(echo)}</Message></AdApiError></Errors></AdApiFaultDetail></detail></s:Fault></s:Body></s:Envelope>`,
  );
}

describe('secrets never appear in any output', { timeout: 120_000 }, () => {
  for (const [transport, logFormat] of [['soap', 'json'], ['rest', 'text']] as const) {
    test(`every service and OAuth failure against the simulator (${transport}, ${logFormat} logs)`, async (t) => {
      const sim = await simulator(t);
      const { dir, run } = await runJob(t, sim.url, sim.tokenUrl, ['--transport', transport, '--log-format', logFormat]);
      assert.equal(run.code, 75, run.stderr);
      const codes = new Set(sim.log.map((entry) => entry.code));
      for (const code of ['hang', 'reset', 'malformed', '117', 'invalid_grant', 'interaction_required', 'temporarily_unavailable']) assert.ok(codes.has(code), `the run met ${code}`);
      await assertNoSecrets(dir, run, sim);
    });
  }

  test('invalid_client: the app\'s secret refused, the run stopped', async (t) => {
    const sim = await simulator(t, { oauth: { clientId: CLIENT_ID, clientSecret: 'the-one-azure-has' } });
    const { dir, run } = await runJob(t, sim.url, sim.tokenUrl, ['--log-format', 'json']);
    assert.equal(run.code, 78, run.stderr);
    await assertNoSecrets(dir, run, sim);
  });

  for (const transport of ['soap', 'rest']) {
    test(`a service and a token endpoint that echo the whole request back in their errors (${transport})`, async (t) => {
      const url = await echoServer(t, echoing);
      const { dir, run } = await runJob(t, url, `${url}/common/oauth2/v2.0/token`, ['--transport', transport, '--log-format', 'json']);
      assert.ok(run.code === 75 || run.code === 78, `exit ${run.code}: ${run.stderr}`);
      const results = await readFile(join(dir, 'results.csv'), 'utf8').catch(() => '');
      assert.match(results + run.stderr, /\[redacted\]/, 'an echo was received, and scrubbed');
      await assertNoSecrets(dir, run);
    });
  }

  test('--dry-run, in text and JSON', async (t) => {
    for (const logFormat of ['text', 'json']) {
      const { dir, run } = await runJob(t, 'http://127.0.0.1:9', 'http://127.0.0.1:9/token', ['--dry-run', '--log-format', logFormat]);
      assert.equal(run.code, 0, run.stderr);
      await assertNoSecrets(dir, run);
    }
  });

  test('an input refused on a line holding a token, with the secrets also given on the command line', async (t) => {
    for (const line of [`s1,SECRET-AT-quoted"inside`, `"s1"SECRET-AT-afterquote,x`, `s1,"SECRET-AT-neverclosed`]) {
      const dir = await tempDir(t);
      await writeFile(join(dir, 'tokens.csv'), `user_id,access_token\ns0,${at('mfa', 's0')}\n${line}\n`);
      const args = ['run', '--input', join(dir, 'tokens.csv'), '--output', join(dir, 'results.csv'), '--endpoint', 'http://127.0.0.1:9'];
      for (const logFormat of ['text', 'json']) {
        const run = await runCli([...args, '--developer-token', DEV, '--client-secret', CLIENT_SECRET, '--log-format', logFormat]);
        assert.equal(run.code, 2, run.stderr);
        await assertNoSecrets(dir, run);
      }
    }
  });
});

test('the token files kept out of the scan are the ones the run writes on purpose', () => {
  assert.equal(journalPathFor('tokens.csv'), TOKEN_FILES[1]);
});

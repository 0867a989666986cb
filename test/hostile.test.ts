import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers/cli-process.js';
import { serveOnLoopback } from './helpers/serve.js';
import { JOB_ENV } from './helpers/job-args.js';

// Hostile answers from a scripted server, one per case, against the built CLI (npm run build
// first): bombs, endless and oversized bodies, answers that look right but are not. Each ends
// as a row (protocol_error, or network_error for the body that never ends), never a crash, and
// the run's peak memory stays near that of a run against a well-behaved server.

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const CUSTOMER = 'https://bingads.microsoft.com/Customer/v13';
const MB = 1024 * 1024;
/** How far above a well-behaved run's peak RSS a hostile run may go. */
const RSS_ALLOWANCE_MB = 30;

const envelope = (response: string) => `<s:Envelope xmlns:s="${SOAP}"><s:Header/><s:Body>${response}</s:Body></s:Envelope>`;
const answer = (status: string, ns = CUSTOMER) => envelope(`<GetUserMFAStatusResponse xmlns="${ns}"><MFAStatus>${status}</MFAStatus></GetUserMFAStatusResponse>`);
const XML = { 'content-type': 'text/xml; charset=utf-8' };

const laughs = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${laughs}]>${answer('&lol9;')}`;
const XXE = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${answer('&x;')}`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Case {
  name: string;
  handle: Handler;
  transport?: 'soap' | 'rest';
  outcome: 'protocol_error' | 'network_error';
  /** Attempts per user: 1 when the answer is not worth retrying; 2 (one retry) for garbled-looking ones. */
  attempts: number;
  problem: RegExp;
}

const reply = (status: number, headers: Record<string, string>, body: string | Buffer): Handler => (_req, res) => {
  res.writeHead(status, headers);
  res.end(body);
};

/** Writes `totalBytes` of `fill` in 64 KB chunks, as fast as the client reads (or until it hangs up). */
const endless = (totalBytes: number, fill: string, headers: Record<string, string>): Handler => (_req, res) => {
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(64 * 1024, fill);
  let sent = 0;
  const pump = () => {
    while (sent < totalBytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
};

/** Starts a valid-looking envelope, then sends a byte now and then, for ever. */
const neverEnds: Handler = (_req, res) => {
  res.writeHead(200, XML);
  res.write(`<s:Envelope xmlns:s="${SOAP}"><s:Body>`);
  const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 50);
  res.on('close', () => clearInterval(drip));
};

const nested = (depth: number) => envelope('<a>'.repeat(depth) + '</a>'.repeat(depth));

const CASES: Case[] = [
  { name: 'DOCTYPE with nested entities (billion laughs)', handle: reply(200, XML, BILLION_LAUGHS), outcome: 'protocol_error', attempts: 1, problem: /DTD/ },
  { name: 'an external entity (XXE)', handle: reply(500, XML, XXE), outcome: 'protocol_error', attempts: 1, problem: /DTD/ },
  { name: 'a 50 MB body', handle: endless(50 * MB, 'a', XML), outcome: 'protocol_error', attempts: 1, problem: /larger than/ },
  { name: 'a gzip bomb (Content-Encoding gzip, 64 MB inflated)', handle: reply(200, { ...XML, 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(64 * MB))), outcome: 'protocol_error', attempts: 1, problem: /decompressed response larger than/ },
  { name: 'a body that never ends', handle: neverEnds, outcome: 'network_error', attempts: 2, problem: /no complete answer within/ },
  { name: 'MFAStatus in a wrong namespace', handle: reply(200, XML, answer('true', 'https://bingads.microsoft.com/Customer/v12')), outcome: 'protocol_error', attempts: 1, problem: /GetUserMFAStatusResponse/ },
  { name: 'a SOAP 1.2 envelope', handle: reply(200, XML, answer('true').replace(SOAP, 'http://www.w3.org/2003/05/soap-envelope')), outcome: 'protocol_error', attempts: 2, problem: /not a SOAP 1\.1 Envelope/ },
  { name: 'two MFAStatus elements', handle: reply(200, XML, envelope(`<GetUserMFAStatusResponse xmlns="${CUSTOMER}"><MFAStatus>true</MFAStatus><MFAStatus>false</MFAStatus></GetUserMFAStatusResponse>`)), outcome: 'protocol_error', attempts: 1, problem: /more than one MFAStatus/ },
  { name: 'MFAStatus "maybe"', handle: reply(200, XML, answer('maybe')), outcome: 'protocol_error', attempts: 1, problem: /not an xs:boolean/ },
  { name: 'elements nested 100,000 deep', handle: reply(200, XML, nested(100_000)), outcome: 'protocol_error', attempts: 2, problem: /nested/i },
  { name: 'REST: a 50 MB JSON body', transport: 'rest', handle: endless(50 * MB, ' ', { 'content-type': 'application/json' }), outcome: 'protocol_error', attempts: 1, problem: /larger than/ },
  { name: 'REST: MFAStatus "maybe"', transport: 'rest', handle: reply(200, { 'content-type': 'application/json' }, '{"MFAStatus":"maybe"}'), outcome: 'protocol_error', attempts: 1, problem: /not a boolean/ },
];

/** A local server answering every request with `handle`; connections are cut when the test ends. */
async function hostileServer(t: TestContext, handle: Handler): Promise<string> {
  return serveOnLoopback(t, (req, res) => {
    res.on('error', () => undefined);
    req.resume().on('end', () => handle(req, res));
  });
}

/** Preloaded into the CLI: writes its peak RSS (KB) to $PEAK_RSS_FILE as it exits. */
const PEAK_RSS_HOOK = `data:text/javascript;base64,${Buffer.from(
  'import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));',
).toString('base64')}`;

interface Run {
  code: number | null;
  stderr: string;
  rows: Array<Record<string, string>>;
  peakRssMb: number;
}

/** Two users against `endpoint`, one retry, a short timeout; the built CLI in a subprocess. */
async function runAgainst(t: TestContext, endpoint: string, transport: 'soap' | 'rest'): Promise<Run> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'tokens.csv'), 'user_id,access_token\nh1,hostile-token-1\nh2,hostile-token-2\n');
  const args = ['run', '--input', join(dir, 'tokens.csv'), '--output', join(dir, 'results.csv'), '--endpoint', endpoint, '--transport', transport];
  const flags = ['--rate', '0', '--retries', '1', '--retry-delay', '1', '--timeout', '600'];
  const rssFile = join(dir, 'peak-rss');
  const run = await runCli([...args, ...flags], { ...JOB_ENV, NODE_OPTIONS: `--import=${PEAK_RSS_HOOK}`, PEAK_RSS_FILE: rssFile });
  const rows = parse(await readFile(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  return { code: run.code, stderr: run.stderr, rows, peakRssMb: Number(await readFile(rssFile, 'utf8')) / 1024 };
}

describe('hostile responses: a row for every user, no crash, memory bounded', { timeout: 120_000 }, () => {
  let baselineMb = 0;

  test('baseline: a well-behaved server', async (t) => {
    const run = await runAgainst(t, await hostileServer(t, reply(200, XML, answer('true'))), 'soap');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.rows.map((row) => row.outcome), ['ok', 'ok']);
    baselineMb = run.peakRssMb;
  });

  for (const hostile of CASES) {
    test(`${hostile.name}: ${hostile.outcome} after ${hostile.attempts} attempt(s)`, async (t) => {
      const run = await runAgainst(t, await hostileServer(t, hostile.handle), hostile.transport ?? 'soap');
      assert.equal(run.code, 75, `a user not final ends the run with 75; stderr: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /internal error/);
      assert.equal(run.rows.length, 2);
      for (const row of run.rows) {
        assert.equal(row.outcome, hostile.outcome, JSON.stringify(row));
        assert.equal(row.attempts, String(hostile.attempts));
        assert.match(row.error_message ?? '', hostile.problem);
        assert.equal(row.mfa_status, '');
      }
      assert.ok(baselineMb > 0, 'the baseline ran first');
      t.diagnostic(`peak RSS ${run.peakRssMb.toFixed(1)} MB (baseline ${baselineMb.toFixed(1)} MB)`);
      assert.ok(run.peakRssMb <= baselineMb + RSS_ALLOWANCE_MB, `peak RSS ${run.peakRssMb.toFixed(1)} MB, baseline ${baselineMb.toFixed(1)} MB`);
    });
  }
});

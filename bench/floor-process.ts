/**
 * The floor: a bare undici loop that sends the job's own envelopes at the same concurrency
 * and throws the answers away. No CSV parsing, no XML, no results, no retries.
 */
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import { loadEnvelope } from './dist.js';
import { BENCH_DEVELOPER_TOKEN } from './inputs.js';
import type { FloorProcessArgs } from './protocol.js';
import { report, startMeasuring } from './usage.js';

const { buildEnvelope, SOAP_ACTION } = await loadEnvelope();
const args = JSON.parse(process.argv[2] ?? '{}') as FloorProcessArgs;
const tokens = (await readFile(args.input, 'utf8')).split('\n').slice(1).filter(Boolean).map((line) => line.split(',')[1] ?? '');

const done = startMeasuring();
const agent = new Agent({ connections: args.concurrency, keepAliveTimeout: 30_000 });
const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: SOAP_ACTION };
let next = 0;

async function worker(): Promise<void> {
  while (next < tokens.length) {
    const token = tokens[next++] ?? '';
    const response = await request(args.soapUrl, { method: 'POST', headers, body: buildEnvelope(token, BENCH_DEVELOPER_TOKEN), dispatcher: agent });
    await response.body.dump();
  }
}

await Promise.all(Array.from({ length: args.concurrency }, worker));
await agent.close();
report(done(tokens.length));

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { post, type PostOptions } from '../src/service/http.js';
import { scriptedServer, type Reply } from './helpers/scripted-server.js';

// post(): one POST through undici's dispatch API, against a real local server scripted per test.
// Every failure comes back as a value; no request outlives its --timeout.

const never = () => new Promise<Reply>(() => undefined);

function options(t: TestContext, overrides: Partial<PostOptions> = {}): PostOptions {
  const dispatcher = new Agent({ connections: 4 });
  t.after(() => dispatcher.destroy());
  return { dispatcher, timeoutMs: 2_000, maxBytes: 1024, ...overrides };
}

describe('post', () => {
  test('returns status, lower-case headers and the body as text; sends method, headers and body', async (t) => {
    const server = await scriptedServer(t, () => ({ status: 500, headers: { 'X-Tracking': 'abc', 'content-type': 'text/plain' }, body: 'héllo' }));
    const result = await post(`${server.url}/path?q=1`, { soapaction: 'Op' }, '<x/>', options(t));
    assert.ok(!('failed' in result));
    assert.deepEqual([result.status, result.headers['x-tracking'], result.body], [500, 'abc', 'héllo']);
    assert.deepEqual([server.requests[0]?.method, server.requests[0]?.path, server.requests[0]?.headers.soapaction, server.requests[0]?.body], ['POST', '/path?q=1', 'Op', '<x/>']);
  });

  test('a body over maxBytes is refused as oversized', async (t) => {
    const server = await scriptedServer(t, () => ({ body: 'x'.repeat(5000) }));
    assert.deepEqual(await post(server.url, {}, '', options(t)), { failed: 'oversized', problem: 'response larger than 1024 bytes' });
  });

  test('a gzip body is inflated, and inflating past maxBytes is refused', async (t) => {
    const bodies = [gzipSync('small answer'), gzipSync('y'.repeat(100_000))];
    const server = createServer((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bodies.shift()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const small = await post(url, {}, '', options(t));
    assert.equal('failed' in small ? small.failed : small.body, 'small answer');
    assert.deepEqual(await post(url, {}, '', options(t)), { failed: 'oversized', problem: 'decompressed response larger than 1024 bytes' });
  });

  test('no answer within the timeout: a timeout failure', async (t) => {
    const server = await scriptedServer(t, never);
    const result = await post(server.url, {}, '', options(t, { timeoutMs: 100 }));
    assert.deepEqual(result, { failed: 'timeout', problem: 'no complete answer within 100 ms' });
  });

  test('a request queued behind busy connections times out too', async (t) => {
    const server = await scriptedServer(t, never);
    const shared = options(t, { dispatcher: new Agent({ connections: 1 }), timeoutMs: 150 });
    t.after(() => shared.dispatcher.destroy());
    const results = await Promise.all([post(server.url, {}, '', shared), post(server.url, {}, '', shared)]);
    assert.deepEqual(results.map((result) => ('failed' in result ? result.failed : 'answered')), ['timeout', 'timeout']);
  });

  test('a reset connection: a network failure naming the error, not the request', async (t) => {
    const server = await scriptedServer(t, () => 'reset');
    const result = await post(server.url, { authorization: 'Bearer secret-token-value' }, '', options(t));
    assert.equal('failed' in result && result.failed, 'network');
    assert.doesNotMatch(JSON.stringify(result), /secret-token-value/);
  });

  test('the run stopping: requests in flight and requests not yet sent end as aborted', async (t) => {
    const server = await scriptedServer(t, never);
    const stop = new AbortController();
    const inFlight = post(server.url, {}, '', options(t, { signal: stop.signal, timeoutMs: 60_000 }));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    assert.deepEqual(await inFlight, { failed: 'aborted', problem: 'abandoned at shutdown' });
    assert.deepEqual(await post(server.url, {}, '', options(t, { signal: stop.signal })), { failed: 'aborted', problem: 'abandoned at shutdown' });
    assert.equal(server.requests.length, 1, 'nothing is sent once stopped');
  });

  test('fifty requests waiting on one stop signal raise no MaxListenersExceededWarning', async (t) => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    t.after(() => process.off('warning', onWarning));
    const server = await scriptedServer(t, never);
    const stop = new AbortController();
    const shared = options(t, { dispatcher: new Agent({ connections: 50 }), signal: stop.signal, timeoutMs: 60_000 });
    t.after(() => shared.dispatcher.destroy());
    const all = Promise.all(Array.from({ length: 50 }, () => post(server.url, {}, '', shared)));
    while (server.requests.length < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    assert.equal((await all).every((result) => 'failed' in result && result.failed === 'aborted'), true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { request } from 'undici';
import { startSimulator, type Simulator } from '../src/simulator/server.js';
import { identifyToken, mfaStatusOf as personaStatus } from '../src/simulator/personas.js';
import { parseXmlDocument, type XmlElement } from '../src/xml/strict-xml.js';
import { simulatorFor } from './helpers/simulator.js';

const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const CUSTOMER_NS = 'https://bingads.microsoft.com/Customer/v13';
const ADAPI_NS = 'https://adapi.microsoft.com';
const EXCEPTION_NS = 'https://bingads.microsoft.com/Customer/v13/Exception';
const SCOPE = 'https://ads.microsoft.com/msads.manage offline_access';

const started = simulatorFor;

interface EnvelopeParts { accessToken?: string; developerToken?: string; headerNs?: string; developerFirst?: boolean; bodyXml?: string }

function envelope(parts: EnvelopeParts): string {
  const ns = parts.headerNs ?? CUSTOMER_NS;
  const auth = parts.accessToken === undefined ? '' : `<h:AuthenticationToken>${parts.accessToken}</h:AuthenticationToken>`;
  const dev = parts.developerToken === undefined ? '' : `<h:DeveloperToken>${parts.developerToken}</h:DeveloperToken>`;
  const body = parts.bodyXml ?? `<GetUserMFAStatusRequest xmlns="${CUSTOMER_NS}"/>`;
  return `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${ENVELOPE_NS}" xmlns:h="${ns}">`
    + `<soapenv:Header>${parts.developerFirst ? dev + auth : auth + dev}</soapenv:Header>`
    + `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string }

async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const response = await request(url, { method: 'POST', headers, body });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

function soap(sim: Simulator, accessToken: string, extra: Partial<EnvelopeParts> & { action?: string; contentType?: string } = {}): Promise<Answer> {
  const headers = { 'content-type': extra.contentType ?? 'text/xml; charset=utf-8', soapaction: extra.action ?? '"GetUserMFAStatus"' };
  return post(sim.soapUrl, headers, envelope({ accessToken, developerToken: 'dev-token', ...extra }));
}

function rest(sim: Simulator, headers: Record<string, string>, body = '{}'): Promise<Answer> {
  return post(sim.restUrl, { 'content-type': 'application/json', ...headers }, body);
}

function restAs(sim: Simulator, accessToken: string): Promise<Answer> {
  return rest(sim, { authorization: `Bearer ${accessToken}`, developertoken: 'dev-token' });
}

function refresh(sim: Simulator, refreshToken: string, extra: Record<string, string> = {}): Promise<Answer> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'client', refresh_token: refreshToken, scope: SCOPE, ...extra });
  return post(sim.tokenUrl, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
}

function findAll(root: XmlElement, ns: string, local: string): XmlElement[] {
  const here = root.ns === ns && root.name === local ? [root] : [];
  return here.concat(root.children.flatMap((child) => findAll(child, ns, local)));
}

const find = (root: XmlElement, ns: string, local: string) => findAll(root, ns, local)[0];

function faultOf(text: string): { faultcode: string; code?: string; errorCode?: string; trackingId?: string; shape?: string } {
  const root = parseXmlDocument(text);
  const fault = find(root, ENVELOPE_NS, 'Fault');
  assert.ok(fault, `expected a SOAP fault in ${text}`);
  const adApi = find(fault, ADAPI_NS, 'AdApiFaultDetail');
  const apiFault = find(fault, CUSTOMER_NS, 'ApiFault');
  const detail = adApi ?? apiFault;
  const codeElement = adApi ? find(adApi, ADAPI_NS, 'Code') : apiFault && find(apiFault, EXCEPTION_NS, 'Code');
  return {
    faultcode: fault.children.find((child) => child.name === 'faultcode')?.text ?? '',
    code: codeElement?.text,
    errorCode: adApi && find(adApi, ADAPI_NS, 'ErrorCode')?.text,
    trackingId: detail && find(detail, ADAPI_NS, 'TrackingId')?.text,
    shape: detail?.name,
  };
}

function mfaStatusOf(text: string): string | undefined {
  const root = parseXmlDocument(text);
  assert.ok(find(root, CUSTOMER_NS, 'GetUserMFAStatusResponse'), `expected a response in ${text}`);
  return find(root, CUSTOMER_NS, 'MFAStatus')?.text;
}

const hashedStatus = (token: string) => personaStatus(identifyToken(token));

async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2000) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('simulator › SOAP requests', () => {
  test('a valid request answers MFAStatus with a TrackingId SOAP header', async (t) => {
    const sim = await started(t);
    const answer = await soap(sim, 'at.mfa.u1.secretpart');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/xml/);
    assert.equal(mfaStatusOf(answer.text), 'true');
    const header = find(parseXmlDocument(answer.text), ENVELOPE_NS, 'Header');
    const trackingId = header && find(header, CUSTOMER_NS, 'TrackingId')?.text;
    assert.match(trackingId ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(sim.log, [{ at: sim.log[0]?.at, path: 'soap', user: 'mfa.u1', httpStatus: 200, result: 'ok', mfaStatus: true, trackingId }]);
  });

  test('nomfa, unknown and hashed personas answer false, no MFAStatus, and a stable value', async (t) => {
    const sim = await started(t);
    assert.equal(mfaStatusOf((await soap(sim, 'at.nomfa.u2')).text), 'false');
    assert.equal(mfaStatusOf((await soap(sim, 'at.unknown.u3')).text), undefined);
    const hashed = mfaStatusOf((await soap(sim, 'at..u4.one')).text);
    assert.ok(hashed === 'true' || hashed === 'false');
    assert.equal(mfaStatusOf((await soap(sim, 'at..u4.two')).text), hashed);
    assert.ok(['true', 'false'].includes(mfaStatusOf((await soap(sim, 'opaque-token-123')).text) ?? ''));
  });

  test('the hash gives about 62 % true', () => {
    let trues = 0;
    for (let i = 0; i < 2000; i++) if (hashedStatus(`at..u${i}`) === true) trues++;
    assert.ok(trues > 0.58 * 2000 && trues < 0.66 * 2000, `got ${trues} of 2000`);
  });

  test('namespace prefixes vary between answers', async (t) => {
    const sim = await started(t);
    const texts = await Promise.all([1, 2, 3].map(async () => (await soap(sim, 'at.mfa.u5')).text));
    const prefixes = new Set(texts.map((text) => /^<([\w-]+):Envelope/.exec(text)?.[1] + '|' + /<([\w-]+:)?MFAStatus>/.exec(text)?.[1]));
    assert.equal(prefixes.size, 3);
  });

  test('missing, misordered or foreign-namespace headers answer fault 116', async (t) => {
    const sim = await started(t);
    const cases: Array<Partial<EnvelopeParts>> = [
      { developerToken: undefined }, { developerFirst: true }, { headerNs: 'https://bingads.microsoft.com/Customer/v12' },
    ];
    for (const parts of cases) {
      const answer = await soap(sim, 'at.mfa.u6', parts);
      assert.equal(answer.status, 500);
      assert.equal(faultOf(answer.text).code, '116');
    }
    const anonymous = await post(sim.soapUrl, { 'content-type': 'text/xml', soapaction: 'GetUserMFAStatus' }, envelope({ developerToken: 'd' }));
    assert.equal(faultOf(anonymous.text).errorCode, 'RequestMissingHeaders');
    assert.deepEqual(sim.log.map((entry) => entry.user), ['mfa.u6', 'mfa.u6', '', '']);
  });

  test('reads header values with XML escapes the way an XML parser does', async (t) => {
    const sim = await started(t);
    await soap(sim, 'opaque&#38;token');
    await soap(sim, 'opaque&amp;token');
    assert.equal(sim.log[0]?.user, sim.log[1]?.user);
    assert.equal((await soap(sim, 'opaque&nbsp;token')).status, 400);
  });

  test('a wrong SOAPAction answers an ActionNotSupported fault with HTTP 500', async (t) => {
    const sim = await started(t);
    const answer = await soap(sim, 'at.mfa.u7', { action: 'GetUser' });
    assert.equal(answer.status, 500);
    assert.match(faultOf(answer.text).faultcode, /:ActionNotSupported$/);
    assert.equal(faultOf(answer.text).code, undefined);
  });

  test('refuses a wrong media type, a DTD, broken XML, SOAP 1.2 and a foreign body element', async (t) => {
    const sim = await started(t);
    assert.equal((await soap(sim, 'at.mfa.u8', { contentType: 'application/soap+xml' })).status, 415);
    const headers = { 'content-type': 'text/xml', soapaction: 'GetUserMFAStatus' };
    const withDtd = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>' + envelope({ accessToken: 'a', developerToken: 'd' }).slice(38);
    assert.equal((await post(sim.soapUrl, headers, withDtd)).status, 400);
    assert.equal((await post(sim.soapUrl, headers, '<s:Envelope xmlns:s="x"><s:Body>')).status, 400);
    const soap12 = envelope({ accessToken: 'a', developerToken: 'd' }).replace(ENVELOPE_NS, 'http://www.w3.org/2003/05/soap-envelope');
    const mismatch = await post(sim.soapUrl, headers, soap12);
    assert.equal(mismatch.status, 500);
    assert.match(mismatch.text, /:VersionMismatch</);
    const foreign = await soap(sim, 'at.mfa.u8', { bodyXml: `<GetUserRequest xmlns="${CUSTOMER_NS}"/>` });
    assert.match(faultOf(foreign.text).faultcode, /:DeserializationFailed$/);
  });

  test('a developerToken option makes every other developer token answer 105', async (t) => {
    const sim = await started(t, { developerToken: 'right' });
    assert.equal(faultOf((await soap(sim, 'at.mfa.u9')).text).code, '105');
    assert.equal(mfaStatusOf((await soap(sim, 'at.mfa.u9', { developerToken: 'right' })).text), 'true');
  });
});

describe('simulator › persona fault directives', () => {
  test('e<code> answers an AdApiFaultDetail fault with that code, ErrorCode and TrackingId', async (t) => {
    const sim = await started(t);
    const names: Record<string, string> = {
      0: 'InternalError', 105: 'InvalidCredentials', 106: 'UserIsNotAuthorized', 108: 'UserCompromised',
      109: 'AuthenticationTokenExpired', 116: 'RequestMissingHeaders', 117: 'CallRateExceeded',
      120: 'UserLoginAccessDenied', 3101: 'OAuthTokenInvalid', 999: 'UnknownError',
    };
    for (const [code, errorCode] of Object.entries(names)) {
      const answer = await soap(sim, `at.e${code}.u1`);
      const fault = faultOf(answer.text);
      assert.equal(answer.status, 500);
      assert.deepEqual([fault.code, fault.errorCode, fault.shape], [code, errorCode, 'AdApiFaultDetail']);
      assert.match(fault.faultcode, /:Server$/);
      assert.ok(answer.text.includes(`Check the SOAP fault details for more information. TrackingId: ${fault.trackingId}.`));
    }
  });

  test('apifault switches to the ApiFault shape and h200 to HTTP 200', async (t) => {
    const sim = await started(t);
    const answer = await soap(sim, 'at.e106+apifault+h200.u2');
    const fault = faultOf(answer.text);
    assert.equal(answer.status, 200);
    assert.deepEqual([fault.shape, fault.code, fault.errorCode], ['ApiFault', '106', undefined]);
    assert.match(fault.trackingId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('isf answers a WCF InternalServiceFault on HTTP 200 without detail or TrackingId', async (t) => {
    const sim = await started(t);
    const answer = await soap(sim, 'at.isf.u3');
    const fault = faultOf(answer.text);
    assert.equal(answer.status, 200);
    assert.match(fault.faultcode, /:InternalServiceFault$/);
    assert.match(answer.text, /The server was unable to process the request due to an internal error/);
    assert.deepEqual([fault.shape, fault.trackingId], [undefined, undefined]);
    assert.doesNotMatch(answer.text, /<detail/);
  });

  test('html503, malformed and empty answer an HTML 503, broken XML and an empty 200', async (t) => {
    const sim = await started(t);
    const page = await soap(sim, 'at.html503.u4');
    assert.equal(page.status, 503);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const broken = await soap(sim, 'at.malformed.u4');
    assert.equal(broken.status, 200);
    assert.notEqual(XMLValidator.validate(broken.text), true);
    const empty = await soap(sim, 'at.empty.u4');
    assert.deepEqual([empty.status, empty.text], [200, '']);
  });

  test('reset destroys the connection without an answer', async (t) => {
    const sim = await started(t);
    await assert.rejects(soap(sim, 'at.reset.u5'));
    assert.equal(sim.log[0]?.httpStatus, 'reset');
  });

  test('slow<ms> answers normally after the delay, and latencyMs adds to it', async (t) => {
    const sim = await started(t, { latencyMs: 50 });
    const before = performance.now();
    assert.equal(mfaStatusOf((await soap(sim, 'at.slow200+mfa.u6')).text), 'true');
    assert.ok(performance.now() - before >= 240);
  });

  test('exp answers 109 for a fixture access token, but not for a minted one', async (t) => {
    const sim = await started(t);
    assert.equal(faultOf((await soap(sim, 'at.exp+nomfa.u7')).text).code, '109');
    const minted = JSON.parse((await refresh(sim, 'rt.exp+nomfa.u7')).text) as { access_token: string };
    assert.equal(mfaStatusOf((await soap(sim, minted.access_token)).text), 'false');
  });

  test('x<N> limits a fault to the first N requests of the user key', async (t) => {
    const sim = await started(t);
    for (let i = 0; i < 3; i++) await soap(sim, 'at.e0x2+mfa.u8');
    assert.deepEqual(sim.log.map((entry) => entry.code ?? entry.mfaStatus), ['0', '0', true]);
  });

  test('fault directives form a script in the order written', async (t) => {
    const sim = await started(t);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await soap(sim, 'at.html503x1+e117x1+isfx1.u9')).status);
    assert.deepEqual(statuses, [503, 500, 200, 200]);
    assert.deepEqual(sim.log.map((entry) => entry.code ?? 'ok'), ['html503', '117', 'InternalServiceFault', 'ok']);
  });

  test('counters are per user key, so a refreshed token continues the count', async (t) => {
    const sim = await started(t);
    assert.equal(faultOf((await soap(sim, 'at.e117x2.u10.first')).text).code, '117');
    assert.equal(faultOf((await soap(sim, 'at.e117x1.u10')).text).code, '117');
    const minted = JSON.parse((await refresh(sim, 'rt.e117x2.u10')).text) as { access_token: string };
    assert.equal(faultOf((await soap(sim, minted.access_token)).text).code, '117');
    assert.ok(mfaStatusOf((await soap(sim, minted.access_token)).text) !== undefined);
  });
});

describe('simulator › REST', () => {
  test('answers {"MFAStatus": …} with a TrackingId response header', async (t) => {
    const sim = await started(t);
    const answer = await restAs(sim, 'at.mfa.u1');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.text), { MFAStatus: true });
    assert.match(String(answer.headers.trackingid), /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse((await restAs(sim, 'at.unknown.u2')).text), {});
  });

  test('missing Authorization answers 401 + 116, a non-Bearer one 401 + 105, no DeveloperToken 400 + 116', async (t) => {
    const sim = await started(t);
    const noAuth = await rest(sim, { developertoken: 'd' });
    assert.equal(noAuth.status, 401);
    assert.equal(JSON.parse(noAuth.text).Errors[0].Code, 116);
    const basic = await rest(sim, { authorization: 'Basic abc', developertoken: 'd' });
    assert.deepEqual([basic.status, JSON.parse(basic.text).Errors[0].Code], [401, 105]);
    const noDeveloper = await rest(sim, { authorization: 'Bearer at.mfa.u3' });
    assert.deepEqual([noDeveloper.status, JSON.parse(noDeveloper.text).Errors[0].ErrorCode], [400, 'RequestMissingHeaders']);
  });

  test('an expired token answers 401 + 109 and the ApiFault shape when asked', async (t) => {
    const sim = await started(t);
    const expired = await restAs(sim, 'at.exp.u4');
    const body = JSON.parse(expired.text);
    assert.deepEqual([expired.status, body.Type, body.Errors[0].Code], [401, 'AdApiFaultDetail', 109]);
    assert.equal(body.TrackingId, expired.headers.trackingid);
    const apiFault = JSON.parse((await restAs(sim, 'at.e106+apifault.u4')).text);
    assert.deepEqual([apiFault.Type, apiFault.OperationErrors[0].Code], ['ApiFault', 106]);
  });

  test('throttling answers 429 with Retry-After when retryAfterSeconds is set', async (t) => {
    const sim = await started(t, { retryAfterSeconds: 7 });
    const answer = await restAs(sim, 'at.e117.u5');
    assert.deepEqual([answer.status, answer.headers['retry-after']], [429, '7']);
    const plain = await started(t);
    assert.equal((await restAs(plain, 'at.e117.u5')).headers['retry-after'], undefined);
  });

  test('malformed and reset work over REST too', async (t) => {
    const sim = await started(t);
    const broken = await restAs(sim, 'at.malformed.u6');
    assert.throws(() => JSON.parse(broken.text));
    await assert.rejects(restAs(sim, 'at.reset.u6'));
  });
});

describe('simulator › rate limit and fault mix', () => {
  test('rateLimitPerSecond answers 117 beyond the limit in a sliding 1 s window', async (t) => {
    let clock = 1_000_000;
    const sim = await started(t, { rateLimitPerSecond: 2, now: () => clock });
    const first = [await soap(sim, 'at.mfa.u1'), await soap(sim, 'at.mfa.u2'), await soap(sim, 'at.mfa.u3')];
    assert.deepEqual(first.map((answer) => answer.status), [200, 200, 500]);
    assert.equal(faultOf(first[2]?.text ?? '').code, '117');
    assert.equal((await restAs(sim, 'at.mfa.u4')).status, 429);
    clock += 1000;
    assert.equal((await soap(sim, 'at.mfa.u3')).status, 200);
  });

  test('faultMix is deterministic for a seed and request order', async (t) => {
    const run = async (seed: number) => {
      const sim = await started(t, { faultMix: { seed, error0: 0.3, throttle117: 0.2, http5xx: 0.1 } });
      for (let i = 0; i < 30; i++) await soap(sim, `at.mfa.u${i}`);
      return sim.log.map((entry) => entry.code ?? 'ok');
    };
    const once = await run(42);
    assert.deepEqual(await run(42), once);
    assert.ok(once.includes('0') && once.includes('117') && once.includes('ok'));
  });

  test('requests refused by the fault mix do not advance x<N> counters', async (t) => {
    const sim = await started(t, { faultMix: { seed: 7, error0: 0.5 } });
    for (let i = 0; i < 12; i++) await soap(sim, 'at.e105x1+mfa.u1');
    const codes = sim.log.map((entry) => entry.code ?? 'ok');
    const reached = codes.filter((code) => code !== '0');
    assert.equal(codes[0], '0');
    assert.equal(reached[0], '105');
    assert.ok(reached.length > 1 && reached.slice(1).every((code) => code === 'ok'));
  });
});

describe('simulator › OAuth token endpoint', () => {
  test('rotates: a new refresh token and a minted access token each time', async (t) => {
    const sim = await started(t, { oauth: { accessTokenLifetimeSeconds: 1800 } });
    const answer = await refresh(sim, 'rt.mfa.u1.fixture');
    const body = JSON.parse(answer.text);
    assert.equal(answer.status, 200);
    assert.match(body.refresh_token, /^rt\.mfa\.u1\.g1-/);
    assert.match(body.access_token, /^at\.mfa\.u1\.m/);
    assert.deepEqual([body.token_type, body.expires_in, body.scope], ['Bearer', 1800, SCOPE]);
    const second = JSON.parse((await refresh(sim, body.refresh_token)).text);
    assert.match(second.refresh_token, /^rt\.mfa\.u1\.g2-/);
    assert.deepEqual(sim.issuedRefreshTokens, [body.refresh_token, second.refresh_token]);
    assert.equal(mfaStatusOf((await soap(sim, second.access_token)).text), 'true');
  });

  test('rejectSuperseded refuses a refresh token already rotated away', async (t) => {
    const sim = await started(t);
    await refresh(sim, 'rt..u2');
    const reused = await refresh(sim, 'rt..u2');
    const body = JSON.parse(reused.text);
    assert.deepEqual([reused.status, body.error, body.error_codes], [400, 'invalid_grant', [70000]]);
    const lenient = await started(t, { oauth: { rejectSuperseded: false } });
    await refresh(lenient, 'rt..u2');
    assert.equal((await refresh(lenient, 'rt..u2')).status, 200);
  });

  test('refresh tokens not in rt. form are plain users and rotate too', async (t) => {
    const sim = await started(t);
    const body = JSON.parse((await refresh(sim, 'M.C123_BAY.0.U.-opaque!')).text);
    assert.match(body.refresh_token, /^rt\.\.h[0-9a-f]{8}\.g1-/);
    assert.equal(JSON.parse((await refresh(sim, body.refresh_token)).text).refresh_token.split('.')[2], body.refresh_token.split('.')[2]);
    assert.equal(JSON.parse((await refresh(sim, 'at.mfa.u3')).text).error, 'invalid_grant');
  });

  test('client checks: invalid_client for a wrong secret, unauthorized_client for an unknown id, invalid_scope', async (t) => {
    const sim = await started(t, { oauth: { clientId: 'client', clientSecret: 's3cret' } });
    const wrong = await refresh(sim, 'rt.mfa.u4', { client_secret: 'nope' });
    assert.deepEqual([wrong.status, JSON.parse(wrong.text).error], [401, 'invalid_client']);
    assert.match(JSON.parse(wrong.text).error_description, /^AADSTS7000215: /);
    assert.equal((await refresh(sim, 'rt.mfa.u4')).status, 401);
    const unknown = await refresh(sim, 'rt.mfa.u4', { client_id: 'other', client_secret: 's3cret' });
    assert.deepEqual([unknown.status, JSON.parse(unknown.text).error_codes], [400, [700016]]);
    const scope = await refresh(sim, 'rt.mfa.u4', { client_secret: 's3cret', scope: 'https://ads.microsoft.com/ads.manage' });
    assert.equal(JSON.parse(scope.text).error, 'invalid_scope');
    assert.equal((await refresh(sim, 'rt.mfa.u4', { client_secret: 's3cret' })).status, 200);
  });

  test('persona directives: revoked, idle, interaction, tok503x1, oldscope', async (t) => {
    const sim = await started(t);
    const errorOf = async (token: string) => {
      const body = JSON.parse((await refresh(sim, token)).text);
      return `${body.error} ${body.error_codes?.[0]}`;
    };
    assert.equal(await errorOf('rt.revoked.u5'), 'invalid_grant 70008');
    assert.equal(await errorOf('rt.idle.u5'), 'invalid_grant 700082');
    assert.equal(await errorOf('rt.interaction.u5'), 'interaction_required 50076');
    const unavailable = await refresh(sim, 'rt.tok503x1.u5');
    assert.deepEqual([unavailable.status, JSON.parse(unavailable.text).error], [503, 'temporarily_unavailable']);
    assert.equal((await refresh(sim, 'rt.tok503x1.u5')).status, 200);
    const old = JSON.parse((await refresh(sim, 'rt.oldscope.u5')).text);
    assert.doesNotMatch(old.scope, /msads\.manage/);
    assert.equal(faultOf((await soap(sim, old.access_token)).text).code, '3101');
  });

  test('error bodies look like the identity platform\'s', async (t) => {
    const sim = await started(t);
    const body = JSON.parse((await refresh(sim, 'rt.revoked.u6')).text);
    assert.match(body.error_description, /^AADSTS70008: .*\r\nTrace ID: /s);
    for (const field of ['timestamp', 'trace_id', 'correlation_id']) assert.equal(typeof body[field], 'string');
  });

  test('tokslow<ms> delays the token answer', async (t) => {
    const sim = await started(t);
    const before = performance.now();
    assert.equal((await refresh(sim, 'rt.tokslow200.u7')).status, 200);
    assert.ok(performance.now() - before >= 190);
  });

  test('minted access tokens expire by the injected clock and then answer 109', async (t) => {
    let clock = 5_000_000;
    const sim = await started(t, { now: () => clock, oauth: { accessTokenLifetimeSeconds: 60 } });
    const minted = JSON.parse((await refresh(sim, 'rt.nomfa.u8')).text) as { access_token: string };
    clock += 59_000;
    assert.equal(mfaStatusOf((await soap(sim, minted.access_token)).text), 'false');
    clock += 1_000;
    assert.equal(faultOf((await soap(sim, minted.access_token)).text).code, '109');
    assert.equal((await restAs(sim, minted.access_token)).status, 401);
  });
});

describe('simulator › server', () => {
  test('close() ends promptly with a hanging request', async () => {
    const sim = await startSimulator();
    const pending = soap(sim, 'at.hang.u1').then(() => 'answered', () => 'failed');
    await waitFor(() => sim.log.length === 1);
    const before = performance.now();
    await sim.close();
    assert.ok(performance.now() - before < 500);
    assert.equal(await pending, 'failed');
    assert.equal(sim.log[0]?.httpStatus, 'hang');
  });

  test('close() also ends pending delays at once', async () => {
    const sim = await startSimulator({ latencyMs: 60_000 });
    const pending = soap(sim, 'at.mfa.u1').then(() => 'answered', () => 'failed');
    await waitFor(() => sim.log.length === 1);
    const before = performance.now();
    await sim.close();
    assert.ok(performance.now() - before < 500);
    assert.equal(await pending, 'failed');
  });

  test('unknown paths answer 404 and the URLs follow the real paths', async (t) => {
    const sim = await started(t);
    assert.equal((await post(`${sim.url}/Api/Other.svc`, {}, '')).status, 404);
    assert.equal(sim.soapUrl, `${sim.url}/Api/CustomerManagement/v13/CustomerManagementService.svc`);
    assert.equal(sim.restUrl, `${sim.url}/CustomerManagement/v13/UserMFAStatus/Query`);
    assert.equal(sim.tokenUrl, `${sim.url}/common/oauth2/v2.0/token`);
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the log never holds a whole token', async (t) => {
    const sim = await started(t);
    await soap(sim, 'at.mfa.u1.SECRET-ACCESS');
    await refresh(sim, 'rt.mfa.u1.SECRET-REFRESH');
    await soap(sim, 'SECRET-OPAQUE');
    assert.doesNotMatch(JSON.stringify(sim.log), /SECRET/);
    assert.deepEqual(sim.log.map((entry) => entry.path), ['soap', 'oauth', 'soap']);
  });

  test('invalid options throw one TypeError naming every problem', async () => {
    await assert.rejects(
      startSimulator({ port: -1, latencyMs: -5, faultMix: { seed: 1, error0: 2 } }),
      (error: Error) => error instanceof TypeError && /port: .*latencyMs: .*faultMix.error0: /.test(error.message),
    );
  });
});

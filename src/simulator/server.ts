import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { deliver, readBody, RequestTooLargeError, send } from './http.js';
import { handleToken } from './oauth.js';
import { resolveOptions } from './options.js';
import { handleRest } from './rest.js';
import { handleSoap } from './soap.js';
import { SimulatorState, type SimContext } from './state.js';
import type { Simulator, SimulatorOptions } from './types.js';

export type { FaultMix, OAuthOptions, SimLogEntry, Simulator, SimulatorOptions } from './types.js';

export const SOAP_PATH = '/Api/CustomerManagement/v13/CustomerManagementService.svc';
export const REST_PATH = '/CustomerManagement/v13/UserMFAStatus/Query';
export const TOKEN_PATH = '/common/oauth2/v2.0/token';

type Handler = (ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>;

const ROUTES: ReadonlyMap<string, { path: 'soap' | 'rest' | 'oauth'; handle: Handler }> = new Map([
  [SOAP_PATH, { path: 'soap', handle: handleSoap }],
  [REST_PATH, { path: 'rest', handle: handleRest }],
  [TOKEN_PATH, { path: 'oauth', handle: handleToken }],
] as const);

/** Starts the simulated Customer Management service (SOAP and REST) and OAuth token endpoint. */
export async function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const state = new SimulatorState(resolved);
  const aborter = new AbortController();
  // Every delayed answer waits on this signal: many at once are expected, not a leak.
  setMaxListeners(0, aborter.signal);
  const ctx: SimContext = { options: resolved, state, signal: aborter.signal };
  const server = createServer((req, res) => {
    route(ctx, req, res).catch(() => send(res, 500, { 'Content-Type': 'text/plain' }, 'simulator error'));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `http://${host}:${port}`;
  const close = async (): Promise<void> => {
    aborter.abort();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url, soapUrl: url + SOAP_PATH, restUrl: url + REST_PATH, tokenUrl: url + TOKEN_PATH,
    log: state.log, issuedRefreshTokens: state.issuedRefreshTokens, close,
  };
}

async function route(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = ROUTES.get(new URL(req.url ?? '/', 'http://simulator').pathname);
  if (target === undefined) return send(res, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
  if (req.method !== 'POST') return send(res, 405, { 'Content-Type': 'text/plain', Allow: 'POST' }, 'Method Not Allowed');
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof RequestTooLargeError)) throw error;
    const entry = { path: target.path, user: '', httpStatus: 413, result: 'fault', code: 'RequestTooLarge' } as const;
    return deliver(ctx, res, { entry, headers: { 'Content-Type': 'text/plain', Connection: 'close' }, body: 'Request Entity Too Large' }, 0);
  }
  return target.handle(ctx, req, res, body);
}

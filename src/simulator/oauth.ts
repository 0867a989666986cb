import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, type Reply } from './http.js';
import { OAUTH_ERRORS, OAUTH_HEADERS, oauthErrorReply, type OAuthError } from './oauth-errors.js';
import { delayAt, identifyToken, scriptStepAt, type OAuthStep, type TokenIdentity } from './personas.js';
import { randomTokenPart } from './random.js';
import type { SimContext } from './state.js';

export const MSADS_SCOPE = 'https://ads.microsoft.com/msads.manage';
const GRANTED_SCOPE = `${MSADS_SCOPE} offline_access`;
const OLD_SCOPE = 'https://ads.microsoft.com/ads.manage offline_access';

export async function handleToken(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '');
  const form = new URLSearchParams(isForm ? body : '');
  const refreshToken = form.get('refresh_token') ?? '';
  const identity = identifyToken(refreshToken);
  const user = refreshToken === '' ? '' : identity.key;
  const refusal = checkClient(ctx, form) ?? checkGrant(ctx, identity, refreshToken);
  if (refusal) return deliver(ctx, res, failure(ctx, user, refusal), 0);
  const refreshNumber = ctx.state.countRefresh(identity.key);
  const delayMs = delayAt(identity.persona.oauthDelay, refreshNumber);
  const step = scriptStepAt(identity.persona.oauthScript, refreshNumber);
  const reply = step ? failure(ctx, user, scriptedError(ctx, step)) : rotate(ctx, identity, refreshToken);
  return deliver(ctx, res, reply, delayMs);
}

/** Request-level checks, in the order the identity platform reports them. */
function checkClient(ctx: SimContext, form: URLSearchParams): OAuthError | undefined {
  const grantType = form.get('grant_type');
  if (!grantType) return OAUTH_ERRORS.missingParameter('grant_type');
  if (grantType !== 'refresh_token') return OAUTH_ERRORS.unsupportedGrantType;
  const clientId = form.get('client_id');
  if (!clientId) return OAUTH_ERRORS.missingParameter('client_id');
  const { oauth } = ctx.options;
  if (oauth.clientId !== undefined && clientId !== oauth.clientId) return OAUTH_ERRORS.unknownClient(clientId);
  if (oauth.clientSecret !== undefined && form.get('client_secret') !== oauth.clientSecret) {
    return OAUTH_ERRORS.invalidClientSecret;
  }
  if (!form.get('refresh_token')) return OAUTH_ERRORS.missingParameter('refresh_token');
  const scopes = (form.get('scope') ?? '').split(/\s+/);
  if (!scopes.includes(MSADS_SCOPE)) return OAUTH_ERRORS.invalidScope;
  return undefined;
}

function checkGrant(ctx: SimContext, identity: TokenIdentity, refreshToken: string): OAuthError | undefined {
  if (identity.kind === 'access') return OAUTH_ERRORS.notARefreshToken;
  if (ctx.options.oauth.rejectSuperseded && ctx.state.isUsedRefreshToken(refreshToken)) return OAUTH_ERRORS.superseded;
  return undefined;
}

function scriptedError(ctx: SimContext, step: OAuthStep): OAuthError {
  switch (step) {
    case 'revoked': return OAUTH_ERRORS.revoked;
    case 'idle': return OAUTH_ERRORS.idle(ctx.options.now());
    case 'interaction': return OAUTH_ERRORS.interactionRequired;
    case 'tok503': return OAUTH_ERRORS.temporarilyUnavailable;
  }
}

function failure(ctx: SimContext, user: string, error: OAuthError): Reply {
  return oauthErrorReply(error, user, ctx.options.now());
}

/** Issues a new refresh token (the old one is spent) and a minted access token that expires. */
function rotate(ctx: SimContext, identity: TokenIdentity, usedToken: string): Reply {
  const generation = ctx.state.nextGeneration(identity.key);
  const refreshToken = `rt.${identity.personaText}.${identity.id}.g${generation}-${randomTokenPart()}`;
  const accessToken = `at.${identity.personaText}.${identity.id}.m${randomTokenPart()}`;
  const lifetime = ctx.options.oauth.accessTokenLifetimeSeconds;
  const { oldScope } = identity.persona;
  ctx.state.recordMinted(accessToken, { expiresAt: ctx.options.now() + lifetime * 1000, scopeAllowsService: !oldScope });
  ctx.state.recordRotation(usedToken, refreshToken);
  const body = {
    token_type: 'Bearer',
    scope: oldScope ? OLD_SCOPE : GRANTED_SCOPE,
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
    refresh_token: refreshToken,
  };
  return {
    entry: { path: 'oauth', user: identity.key, httpStatus: 200, result: 'ok' },
    headers: OAUTH_HEADERS,
    body: JSON.stringify(body),
  };
}

import type { UserRow } from '../input/read-tokens.js';
import type { TokenSource } from './token-source.js';

/** Uses the access tokens as stored in the input, without refreshing (no --client-id given). */
export function storedTokens(): TokenSource {
  return {
    refreshes: 0,
    canRefresh: () => false,
    finish: async () => [],
    async accessTokenFor(user: UserRow) {
      if (user.accessToken) return { accessToken: user.accessToken };
      return {
        verdict: {
          outcome: 'auth_failed',
          action: 'done',
          errorCode: 'no_access_token',
          errorMessage: 'only a refresh token is stored and no --client-id was given to redeem it',
        },
      };
    },
  };
}

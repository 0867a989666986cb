import type { Verdict } from '../service/classify.js';

/** How many distinct users must all be refused alike, with no success, before the run stops. */
export const BREAKER_THRESHOLD = 5;

const CONFIG_CODES: Record<string, string> = {
  '105': 'InvalidCredentials: check --developer-token and --endpoint (production vs sandbox)',
  '106': 'UserIsNotAuthorized: check that the developer token belongs to this application and environment',
};

/** Whether this error code may mean the application's configuration is wrong (105, 106). */
export function isConfigCode(code: string | undefined): boolean {
  return code !== undefined && code in CONFIG_CODES;
}

/**
 * Watches the first answers. If the first BREAKER_THRESHOLD users all get the same
 * configuration code (105 or 106) and nobody succeeded, the developer token or the environment
 * is wrong for everyone: returns the reason to stop. Once anyone succeeds, or the codes differ,
 * it stays quiet. Other outcomes (a revoked refresh token, a row without access token, a
 * server error) say nothing about the configuration: they neither count nor settle it.
 */
export class ConfigBreaker {
  private readonly users = new Set<string>();
  private code: string | undefined;
  private settled = false;

  get isSettled(): boolean {
    return this.settled;
  }

  observe(userId: string, verdict: Verdict): string | undefined {
    if (this.settled) return undefined;
    const code = verdict.errorCode;
    if (verdict.outcome !== 'ok' && !isConfigCode(code)) return undefined;
    if (verdict.outcome === 'ok' || code === undefined || (this.code !== undefined && code !== this.code)) {
      this.settled = true;
      return undefined;
    }
    this.code = code;
    this.users.add(userId);
    if (this.users.size < BREAKER_THRESHOLD) return undefined;
    this.settled = true;
    return `the first ${this.users.size} users were all refused with error ${code} (${CONFIG_CODES[code]}); stopped before sending more`;
  }
}

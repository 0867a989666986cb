import type { FaultMix, ResolvedOptions, SimulatorOptions } from './types.js';

type Check = (value: number) => boolean;

const isNonNegative: Check = (value) => Number.isFinite(value) && value >= 0;
const isPositive: Check = (value) => Number.isFinite(value) && value > 0;
const isProbability: Check = (value) => Number.isFinite(value) && value >= 0 && value <= 1;
const isPort: Check = (value) => Number.isInteger(value) && value >= 0 && value <= 65535;

function checkNumber(problems: string[], name: string, value: unknown, check: Check, expected: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !check(value)) problems.push(`${name}: expected ${expected}, got ${String(value)}`);
}

function checkFaultMix(problems: string[], mix: FaultMix | undefined): void {
  if (mix === undefined) return;
  checkNumber(problems, 'faultMix.seed', mix.seed, Number.isInteger, 'an integer');
  const kinds = ['error0', 'http5xx', 'throttle117', 'reset', 'hang', 'malformed'] as const;
  for (const kind of kinds) checkNumber(problems, `faultMix.${kind}`, mix[kind], isProbability, 'a probability 0..1');
  const total = kinds.reduce((sum, kind) => sum + (mix[kind] ?? 0), 0);
  if (total > 1) problems.push(`faultMix: probabilities must sum to at most 1, got ${total}`);
}

/** Checks every option at once and fills in defaults; throws one TypeError listing all problems. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const problems: string[] = [];
  checkNumber(problems, 'port', options.port, isPort, 'an integer 0..65535');
  checkNumber(problems, 'latencyMs', options.latencyMs, isNonNegative, 'a number ≥ 0');
  checkNumber(problems, 'rateLimitPerSecond', options.rateLimitPerSecond, isPositive, 'a number > 0');
  checkNumber(problems, 'retryAfterSeconds', options.retryAfterSeconds, isNonNegative, 'a number ≥ 0');
  checkNumber(problems, 'oauth.accessTokenLifetimeSeconds', options.oauth?.accessTokenLifetimeSeconds,
    isPositive, 'a number > 0');
  checkFaultMix(problems, options.faultMix);
  if (options.developerToken === '') problems.push('developerToken: expected a non-empty string, got ""');
  if (problems.length > 0) throw new TypeError(`Invalid simulator options: ${problems.join('; ')}`);
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    developerToken: options.developerToken,
    latencyMs: options.latencyMs ?? 0,
    rateLimitPerSecond: options.rateLimitPerSecond,
    retryAfterSeconds: options.retryAfterSeconds,
    faultMix: options.faultMix,
    oauth: {
      clientId: options.oauth?.clientId,
      clientSecret: options.oauth?.clientSecret,
      accessTokenLifetimeSeconds: options.oauth?.accessTokenLifetimeSeconds ?? 3600,
      rejectSuperseded: options.oauth?.rejectSuperseded ?? true,
    },
    now: options.now ?? Date.now,
  };
}

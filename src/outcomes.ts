/** The contract's outcomes, in the order reports list them. */
export const OUTCOMES = [
  'ok',
  'reconsent_required',
  'auth_failed',
  'throttled',
  'server_error',
  'network_error',
  'protocol_error',
  'invalid_row',
  'duplicate',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** Final outcomes are kept by --resume; the others are checked again. */
export const FINAL_OUTCOMES: ReadonlySet<Outcome> = new Set(['ok', 'reconsent_required', 'auth_failed', 'invalid_row', 'duplicate']);

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

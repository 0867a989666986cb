import type { Outcome } from '../outcomes.js';

/** The results CSV's columns, in the contract's order. A --group-by column follows them. */
export const RESULT_COLUMNS = [
  'user_id',
  'mfa_status',
  'outcome',
  'error_code',
  'error_message',
  'tracking_id',
  'attempts',
  'checked_at',
] as const;

export interface ResultRow {
  userId: string;
  mfaStatus?: boolean;
  outcome: Outcome;
  errorCode?: string;
  errorMessage?: string;
  trackingId?: string;
  attempts: number;
  checkedAt: string;
  group?: string;
}

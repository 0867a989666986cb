import { OUTCOMES, type Outcome } from '../outcomes.js';
import type { ResultRow } from '../output/result-row.js';

export interface Counts {
  rows: number;
  eligible: number;
  mfaEnabled: number;
  mfaDisabled: number;
  byOutcome: Record<Outcome, number>;
}

export interface Tally extends Counts {
  groups: Map<string, Counts>;
}

export function emptyCounts(): Counts {
  const byOutcome = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  return { rows: 0, eligible: 0, mfaEnabled: 0, mfaDisabled: 0, byOutcome };
}

/** Counts a results file (the whole journal, so a resumed run reports like an uninterrupted one). */
export async function tallyResults(rows: AsyncIterable<ResultRow>): Promise<Tally> {
  const tally: Tally = { ...emptyCounts(), groups: new Map() };
  for await (const row of rows) {
    add(tally, row);
    if (row.group !== undefined) {
      const group = tally.groups.get(row.group) ?? emptyCounts();
      add(group, row);
      tally.groups.set(row.group, group);
    }
  }
  return tally;
}

function add(counts: Counts, row: ResultRow): void {
  counts.rows++;
  counts.byOutcome[row.outcome]++;
  if (row.outcome === 'invalid_row' || row.outcome === 'duplicate') return;
  counts.eligible++;
  if (row.outcome !== 'ok') return;
  if (row.mfaStatus === true) counts.mfaEnabled++;
  if (row.mfaStatus === false) counts.mfaDisabled++;
}

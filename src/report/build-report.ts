import type { Outcome } from '../outcomes.js';
import { TOOL } from '../version.js';
import { adoption, type Adoption } from './stats.js';
import type { Counts, Tally } from './tally.js';

export const SEMANTICS =
  'GetUserMFAStatus returns true if, during calendar year 2021, the user passed multi-factor authentication in ' +
  'Microsoft Advertising online, Editor or mobile. Microsoft documents it as "only directional", to estimate MFA ' +
  "adoption by an application's users: it is not a statement about each user's current sign-in settings.";

/** Groups with fewer users than this are flagged: too small to conclude from. */
export const SMALL_GROUP = 30;

export interface RunInfo {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  transport: 'soap' | 'rest';
  endpoint: string;
  complete: boolean;
}

export interface CallStats {
  requests: number;
  retries: number;
  throttled: number;
  tokenRefreshes: number;
}

export interface UserFigures {
  eligible: number;
  mfaEnabled: number;
  mfaDisabled: number;
  undetermined: number;
  reconsentRequired: number;
  byOutcome: Record<Outcome, number>;
}

export interface GroupFigures {
  users: number;
  mfaEnabled: number;
  mfaDisabled: number;
  undetermined: number;
  tooSmall: boolean;
  adoption: Adoption;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  run: RunInfo;
  semantics: string;
  input: { rows: number; invalidRows: number; duplicateRows: number };
  users: UserFigures;
  adoption: Adoption;
  calls: CallStats;
  groups?: Record<string, GroupFigures>;
  sample?: { population: number; size: number; seed: string };
}

export interface ReportInput {
  tally: Tally;
  run: RunInfo;
  calls: CallStats;
  groupBy?: string;
  sample?: { population: number; size: number; seed: string };
}

export function buildReport({ tally, run, calls, groupBy, sample }: ReportInput): Report {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: TOOL.name, version: TOOL.version },
    run,
    semantics: SEMANTICS,
    input: { rows: tally.rows, invalidRows: tally.byOutcome.invalid_row, duplicateRows: tally.byOutcome.duplicate },
    users: userFigures(tally),
    adoption: adoption(tally.mfaEnabled, tally.mfaDisabled, tally.eligible, sample?.population),
    calls,
  };
  if (groupBy !== undefined) report.groups = groupFigures(tally);
  if (sample) report.sample = sample;
  return report;
}

function userFigures(counts: Counts): UserFigures {
  return {
    eligible: counts.eligible,
    mfaEnabled: counts.mfaEnabled,
    mfaDisabled: counts.mfaDisabled,
    undetermined: counts.eligible - counts.mfaEnabled - counts.mfaDisabled,
    reconsentRequired: counts.byOutcome.reconsent_required,
    byOutcome: counts.byOutcome,
  };
}

/** Largest groups first; ties by name, so the order is stable. */
function groupFigures(tally: Tally): Record<string, GroupFigures> {
  const entries = [...tally.groups].sort(([a, x], [b, y]) => y.eligible - x.eligible || a.localeCompare(b));
  return Object.fromEntries(
    entries.map(([name, counts]) => [
      name,
      {
        users: counts.eligible,
        mfaEnabled: counts.mfaEnabled,
        mfaDisabled: counts.mfaDisabled,
        undetermined: counts.eligible - counts.mfaEnabled - counts.mfaDisabled,
        tooSmall: counts.eligible < SMALL_GROUP,
        adoption: adoption(counts.mfaEnabled, counts.mfaDisabled, counts.eligible),
      },
    ]),
  );
}

import type { SampleInfo, ShardInfo } from '../job/selection.js';
import type { Outcome } from '../outcomes.js';
import { TOOL } from '../version.js';
import type { Trend } from './history.js';
import { adoption, type Adoption } from './stats.js';
import type { Counts } from './tally.js';

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
  /** The --group-by column, when grouped. */
  groupBy?: string;
  groups?: Record<string, GroupFigures>;
  sample?: SampleInfo;
  shard?: ShardInfo;
  /** With --history: the previous run's figures, the change, and every run's headline. */
  trend?: Trend;
}

/** What a group's figures are computed from. */
export type GroupCounts = Pick<Counts, 'eligible' | 'mfaEnabled' | 'mfaDisabled'>;

/** The counts a report is built from: a run's tally of its results file, or the sum of shard reports. */
export interface ReportCounts extends Counts {
  groups: Map<string, GroupCounts>;
}

export interface ReportInput {
  tally: ReportCounts;
  run: RunInfo;
  calls: CallStats;
  groupBy?: string;
  sample?: SampleInfo;
  shard?: ShardInfo;
}

/** Every percentage and interval is computed here, from counts; nothing is ever averaged. */
export function buildReport({ tally, run, calls, groupBy, sample, shard }: ReportInput): Report {
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
  if (groupBy !== undefined) {
    report.groupBy = groupBy;
    report.groups = groupFigures(tally.groups);
  }
  if (sample) report.sample = sample;
  if (shard) report.shard = shard;
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

/** Largest groups first; ties by name, so the order is stable (renderers sort again: JSON puts integer-like keys first). */
function groupFigures(groups: Map<string, GroupCounts>): Record<string, GroupFigures> {
  const entries = [...groups].sort(([a, x], [b, y]) => y.eligible - x.eligible || a.localeCompare(b));
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

/** A report's groups, largest first, ties by name: the order renderers show. */
export function groupsLargestFirst(groups: Record<string, GroupFigures>): [string, GroupFigures][] {
  return Object.entries(groups).sort(([a, x], [b, y]) => y.users - x.users || a.localeCompare(b));
}

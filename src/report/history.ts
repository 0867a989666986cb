import { appendFile, open, readFile } from 'node:fs/promises';
import type { SampleInfo, ShardInfo } from '../job/selection.js';
import type { Report } from './build-report.js';
import { round } from './stats.js';

/** One line of the --history file (JSON Lines): a run's aggregate. */
export interface HistoryEntry {
  startedAt: string;
  finishedAt: string;
  eligible: number;
  enabled: number;
  disabled: number;
  undetermined: number;
  percent: number | null;
  ci95: [number, number] | null;
  lowerBoundPercent: number | null;
  upperBoundPercent: number | null;
  complete: boolean;
  sample?: SampleInfo;
  shard?: ShardInfo;
}

export interface Trend {
  /** The last run in the history before this one; null on the first run. */
  previous: HistoryEntry | null;
  /** This run's percent minus the previous run's, in percentage points; null when either is null. */
  deltaPercentPoints: number | null;
  /** Every run of the history, oldest first, this one last. */
  points: HistoryEntry[];
}

export function historyEntry(report: Report): HistoryEntry {
  const { run, users, adoption } = report;
  return {
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    eligible: users.eligible,
    enabled: users.mfaEnabled,
    disabled: users.mfaDisabled,
    undetermined: users.undetermined,
    percent: adoption.percent,
    ci95: adoption.ci95,
    lowerBoundPercent: adoption.lowerBoundPercent,
    upperBoundPercent: adoption.upperBoundPercent,
    complete: run.complete,
    ...(report.sample ? { sample: report.sample } : {}),
    ...(report.shard ? { shard: report.shard } : {}),
  };
}

export function trendOf(history: HistoryEntry[], current: HistoryEntry): Trend {
  const previous = history.at(-1) ?? null;
  const deltaPercentPoints = previous?.percent != null && current.percent !== null ? round(current.percent - previous.percent) : null;
  return { previous, deltaPercentPoints, points: [...history, current] };
}

/** The runs recorded so far, oldest first; none when the file does not exist. Lines that are not entries (a torn last line) are skipped. */
export async function readHistory(path: string): Promise<HistoryEntry[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text.split('\n').flatMap((line) => {
    const entry = parseLine(line);
    return entry ? [entry] : [];
  });
}

function parseLine(line: string): HistoryEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<HistoryEntry> | null;
    return typeof value?.finishedAt === 'string' && typeof value.eligible === 'number' ? (value as HistoryEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** One append of one line, so concurrent or interrupted writers never interleave within a line. */
export async function appendHistory(path: string, entry: HistoryEntry): Promise<void> {
  const line = JSON.stringify(entry) + '\n';
  await appendFile(path, (await endsInsideLine(path)) ? '\n' + line : line);
}

/** Whether a crash left the file without its final newline; the next entry then starts a new line. */
async function endsInsideLine(path: string): Promise<boolean> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!file) return false;
  try {
    const { size } = await file.stat();
    if (size === 0) return false;
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] !== 0x0a;
  } finally {
    await file.close();
  }
}

/** Whether this run's 95 % interval and the previous run's overlap; then the change may be noise. Null without both. */
export function intervalsOverlap(trend: Trend): boolean | null {
  const before = trend.previous?.ci95;
  const now = trend.points.at(-1)?.ci95;
  if (!before || !now) return null;
  return before[0] <= now[1] && now[0] <= before[1];
}

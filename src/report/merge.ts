import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { OUTCOMES } from '../outcomes.js';
import { buildReport, type CallStats, type GroupCounts, type Report, type ReportCounts, type RunInfo } from './build-report.js';
import { emptyCounts } from './tally.js';
import { writeReport } from './write-report.js';

export const SCHEMA_VERSION = 1;

export interface MergeOptions {
  /** Where the merged JSON goes; Markdown and HTML are written beside it. */
  report: string;
  history?: string;
}

export interface MergeSummary {
  /** 0 when every shard was complete, 75 when some users are not final (rerun those shards with --resume). */
  exitCode: 0 | 75;
  report: Report;
  outputs: string[];
}

interface Source {
  file: string;
  report: Report;
}

/** `report merge`: reads shard reports, refuses what cannot be combined exactly, writes the merged report. */
export async function mergeReportFiles(files: string[], options: MergeOptions): Promise<MergeSummary> {
  if (files.some((file) => resolve(file) === resolve(options.report))) {
    throw new UsageError(`--report: ${options.report} is one of the reports to merge; write the merged report elsewhere`);
  }
  const sources = await Promise.all(files.map(async (file) => ({ file, report: await readReport(file) })));
  const report = mergeReports(sources);
  const outputs = await writeReport(options.report, report, options);
  return { exitCode: report.run.complete ? 0 : 75, report, outputs };
}

async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read the report (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not JSON; expected a report written by mfa-adoption run --report`);
  }
  const missing = ['schemaVersion', 'run', 'input', 'users', 'calls'].filter((key) => typeof (value as Record<string, unknown> | null)?.[key] !== (key === 'schemaVersion' ? 'number' : 'object'));
  if (missing.length > 0) throw new UsageError(`${file}: not an mfa-adoption report (no ${missing.join(', ')})`);
  return value as Report;
}

/** Counts add; every percentage and interval is recomputed from the sums by buildReport. */
export function mergeReports(sources: Source[]): Report {
  const problems = mergeProblems(sources);
  if (problems.length > 0) throw new UsageError(`cannot merge: ${problems.join('; ')}`);
  const reports = sources.map((source) => source.report);
  const first = reports[0] as Report;
  return buildReport({ tally: sumCounts(reports), run: mergedRun(reports), calls: sumCalls(reports), groupBy: first.groupBy });
}

function mergeProblems(sources: Source[]): string[] {
  if (sources.length === 0) return ['no reports given'];
  const versions = new Set(sources.map((s) => s.report.schemaVersion));
  if (versions.size > 1) return [`different schemaVersion: ${sources.map((s) => `${s.file} has ${s.report.schemaVersion}`).join(', ')}`];
  if (!versions.has(SCHEMA_VERSION)) return [`schemaVersion ${[...versions].join()} is not one this version reads (${SCHEMA_VERSION})`];
  return [
    ...sources.filter((s) => s.report.sample).map((s) => `${s.file} is a sample's report: samples do not add up to a population`),
    ...shardProblems(sources),
    ...differing(sources, 'group-by column', (r) => r.groupBy ?? '(none)'),
    ...differing(sources, 'endpoint', (r) => r.run.endpoint),
    ...differing(sources, 'transport', (r) => r.run.transport),
    ...sources.filter((s) => Number.isNaN(Date.parse(s.report.run.startedAt)) || Number.isNaN(Date.parse(s.report.run.finishedAt))).map((s) => `${s.file}: run.startedAt or run.finishedAt is not a date`),
  ];
}

/** Every shard of one split, each once; anything else would count users twice or not at all. */
function shardProblems(sources: Source[]): string[] {
  const unsharded = sources.filter((s) => !s.report.shard);
  if (unsharded.length > 0) return unsharded.map((s) => `${s.file} is not a shard report (run --shard K/N writes one)`);
  const label = (s: Source) => `${s.file} is ${s.report.shard?.index}/${s.report.shard?.count}`;
  const counts = new Set(sources.map((s) => s.report.shard?.count));
  if (counts.size > 1) return [`shard counts differ: ${sources.map(label).join(', ')}`];
  const count = sources[0]?.report.shard?.count ?? 0;
  const problems: string[] = [];
  for (let index = 0; index < count; index++) {
    const holders = sources.filter((s) => s.report.shard?.index === index);
    if (holders.length === 0) problems.push(`shard ${index}/${count} is missing`);
    if (holders.length > 1) problems.push(`shard ${index}/${count} given twice (${holders.map((s) => s.file).join(', ')})`);
  }
  return problems;
}

function differing(sources: Source[], what: string, value: (report: Report) => string): string[] {
  const values = new Set(sources.map((s) => value(s.report)));
  return values.size > 1 ? [`${what} differs: ${sources.map((s) => `${s.file} has ${value(s.report)}`).join(', ')}`] : [];
}

function sumCounts(reports: Report[]): ReportCounts {
  const total: ReportCounts = { ...emptyCounts(), groups: new Map<string, GroupCounts>() };
  for (const { input, users, groups } of reports) {
    total.rows += input.rows;
    total.eligible += users.eligible;
    total.mfaEnabled += users.mfaEnabled;
    total.mfaDisabled += users.mfaDisabled;
    for (const outcome of OUTCOMES) total.byOutcome[outcome] += users.byOutcome[outcome] ?? 0;
    for (const [name, group] of Object.entries(groups ?? {})) {
      const sum = total.groups.get(name) ?? { eligible: 0, mfaEnabled: 0, mfaDisabled: 0 };
      total.groups.set(name, { eligible: sum.eligible + group.users, mfaEnabled: sum.mfaEnabled + group.mfaEnabled, mfaDisabled: sum.mfaDisabled + group.mfaDisabled });
    }
  }
  return total;
}

/** The span of all shards: earliest start to latest finish; complete only if every shard is. */
function mergedRun(reports: Report[]): RunInfo {
  const starts = reports.map((r) => Date.parse(r.run.startedAt));
  const finishes = reports.map((r) => Date.parse(r.run.finishedAt));
  const startedAt = Math.min(...starts);
  const finishedAt = Math.max(...finishes);
  const first = reports[0] as Report;
  return {
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - startedAt,
    transport: first.run.transport,
    endpoint: first.run.endpoint,
    complete: reports.every((r) => r.run.complete),
  };
}

function sumCalls(reports: Report[]): CallStats {
  const sum = (key: keyof CallStats) => reports.reduce((total, r) => total + (r.calls[key] ?? 0), 0);
  return { requests: sum('requests'), retries: sum('retries'), throttled: sum('throttled'), tokenRefreshes: sum('tokenRefreshes') };
}

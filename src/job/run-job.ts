import { existsSync } from 'node:fs';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { createTokenSource } from '../auth/create-token-source.js';
import { ConfigRefusedError, UsageError } from '../errors.js';
import { readTokenRows } from '../input/read-tokens.js';
import { scanInput, type InputCounts } from '../input/scan.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { LiveLine } from '../log/live-line.js';
import { createProgress, liveLineFor } from '../log/progress.js';
import { lockResults } from '../output/lock.js';
import { Redactor } from '../log/redact.js';
import { FINAL_OUTCOMES } from '../outcomes.js';
import { readResults } from '../output/read-results.js';
import type { ResultRow } from '../output/result-row.js';
import { ResultsJournal } from '../output/results-journal.js';
import { buildReport, type CallStats, type Report } from '../report/build-report.js';
import { tallyResults } from '../report/tally.js';
import { writeReport } from '../report/write-report.js';
import { RateLimiter } from '../schedule/rate-limiter.js';
import type { Transport } from '../service/answer.js';
import { restTransport } from '../service/rest/transport.js';
import { soapTransport } from '../service/soap/transport.js';
import type { CheckContext } from './check-user.js';
import { dispatch } from './dispatch.js';
import type { RunOptions } from './options.js';
import { ResultsGate } from './results-gate.js';
import { selectUsers, type Selection } from './selection.js';
import type { World } from './world.js';

export interface JobSummary {
  exitCode: 0 | 75 | 130;
  report?: Report;
  /** Files written: results, report JSON, report Markdown… */
  outputs: string[];
  input: InputCounts;
  /** With --dry-run: what a real run would do. */
  plan?: DryRunPlan;
}

export interface DryRunPlan {
  /** Users this run would check (after --sample / --shard), before --resume keeps any. */
  users: number;
  /** With --resume: users already final in the results file, which would be kept. */
  alreadyFinal: number;
  /** The results file exists: a real run needs --resume. */
  outputExists: boolean;
}

/** The batch job: input → schedule → call → record → report. Returns; never exits. */
export async function runJob(options: RunOptions, world: World): Promise<JobSummary> {
  const startedAt = world.clock.now();
  const redactor = new Redactor();
  redactor.add(options.developerToken, options.clientSecret);
  const readOptions = { columns: options.columns, groupBy: options.groupBy };
  if (options.dryRun) return planDryRun(options, await scanInput(options.input, readOptions));
  const live = liveLineFor(world, options.logFormat);
  const log = createLogger(options.logFormat, live?.stream ?? world.stderr, redactor, world.clock.now);
  // Locked before anything else, so that a second run exits 75 at once and never sees a half-made file.
  const lock = await lockResults(options.output);
  try {
    if (lock.tookOverFrom) log.log('warn', 'lock_taken_over', `took over ${lock.path}, left by a run that is gone (${lock.tookOverFrom})`);
    if (existsSync(options.output) && !options.resume) {
      throw new UsageError(`${options.output}: results file exists; pass --resume to continue that run, or remove the file`);
    }
    const input = await scanInput(options.input, readOptions);
    const selection = await selectUsers(options, input);
    return await checkAndReport(options, world, { log, live, redactor, input, selection, startedAt });
  } finally {
    await lock.release();
  }
}

/** Reads everything a run would read, sends nothing, writes nothing. */
async function planDryRun(options: RunOptions, input: InputCounts): Promise<JobSummary> {
  const selection = await selectUsers(options, input);
  const outputExists = existsSync(options.output);
  let alreadyFinal = 0;
  if (options.resume && outputExists) for await (const _row of keptRows(options.output, new Set())) alreadyFinal++;
  return { exitCode: 0, outputs: [], input, plan: { users: selection.users, alreadyFinal, outputExists } };
}

interface RunState {
  log: Logger;
  live: LiveLine | undefined;
  redactor: Redactor;
  input: InputCounts;
  selection: Selection;
  startedAt: number;
}

async function checkAndReport(options: RunOptions, world: World, state: RunState): Promise<JobSummary> {
  const { log, selection } = state;
  const kept = new Set<string>();
  const resuming = options.resume && existsSync(options.output);
  const dispatcher = world.dispatcher ?? new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000 });
  // Before the results file is made: a token setup refused (exit 2) must leave no file behind.
  const tokens = await createTokenSource(options, { dispatcher, clock: world.clock, random: world.random, log, redactor: state.redactor });
  const journal = await ResultsJournal.create(options.output, options.groupBy, resuming ? keptRows(options.output, kept) : undefined);
  if (resuming) log.log('info', 'resume', `resuming ${options.output}: ${kept.size} users already final are kept, the others are checked`, { kept: kept.size });
  const calls: CallStats = { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 };
  const hardStop = new AbortController();
  const ctx: CheckContext = {
    transport: createTransport(options, dispatcher),
    tokens,
    inFlight: pLimit(options.concurrency),
    limiter: new RateLimiter(options.rate, world.clock),
    clock: world.clock,
    random: world.random,
    settings: options,
    calls,
    log,
    signal: hardStop.signal,
    drain: world.stop ? AbortSignal.any([hardStop.signal, world.stop]) : undefined,
  };
  const progress = createProgress(world, log, Math.max(0, selection.users - kept.size), state.live);
  const gate = new ResultsGate(journal, options.groupBy, (row) => progress.record(row));
  let stopped = false;
  const written: string[] = [];
  try {
    stopped = await dispatch(readTokenRows(options.input, { columns: options.columns, groupBy: options.groupBy }), { kept, gate, ctx, options, world, hardStop, selection });
  } finally {
    progress.stop();
    await journal.close();
    written.push(...(await tokens.finish()));
    if (!world.dispatcher) await dispatcher.close();
  }
  if (gate.tripped) throw new ConfigRefusedError(`configuration refused for everyone: ${gate.tripped}; fix it, then run again with --resume`);
  calls.tokenRefreshes = tokens.refreshes;
  const tally = await tallyResults(readResults(options.output));
  const nonFinal = tally.rows - countFinal(tally.byOutcome);
  const finishedAt = world.clock.now();
  const report = buildReport({
    tally,
    calls,
    groupBy: options.groupBy,
    sample: selection.sample,
    shard: selection.shard,
    run: {
      startedAt: new Date(state.startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - state.startedAt,
      transport: options.transport,
      endpoint: options.endpoint,
      complete: !stopped && nonFinal === 0,
    },
  });
  const outputs = [options.output, ...(options.report ? await writeReport(options.report, report, options) : []), ...written];
  logSummary(log, report, stopped);
  return { exitCode: stopped ? 130 : nonFinal > 0 ? 75 : 0, report, outputs, input: state.input };
}

/** The final rows of an earlier run, to carry into the new file; `kept` learns their users. */
async function* keptRows(path: string, kept: Set<string>): AsyncGenerator<ResultRow> {
  for await (const row of readResults(path)) {
    if (row.outcome === 'invalid_row' || row.outcome === 'duplicate' || !FINAL_OUTCOMES.has(row.outcome)) continue;
    if (kept.has(row.userId)) continue;
    kept.add(row.userId);
    yield row;
  }
}

function createTransport(options: RunOptions, dispatcher: Agent | NonNullable<World['dispatcher']>): Transport {
  const settings = { endpoint: options.endpoint, developerToken: options.developerToken, timeoutMs: options.timeout, maxBytes: options.maxResponseBytes, dispatcher };
  return options.transport === 'rest' ? restTransport(settings) : soapTransport(settings);
}

function countFinal(byOutcome: Record<string, number>): number {
  return [...FINAL_OUTCOMES].reduce((sum, outcome) => sum + (byOutcome[outcome] ?? 0), 0);
}

function logSummary(log: Logger, report: Report, stopped: boolean): void {
  const { users, adoption } = report;
  log.log('info', 'summary', stopped ? 'stopped by signal: results flushed, resume with --resume' : 'run finished', {
    eligible: users.eligible,
    mfa_enabled: users.mfaEnabled,
    mfa_disabled: users.mfaDisabled,
    undetermined: users.undetermined,
    adoption_percent: adoption.percent,
    complete: report.run.complete,
  });
}

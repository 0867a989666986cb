import type { InputRow, RejectedRow } from '../input/read-tokens.js';
import type { Logger } from '../log/logger.js';
import { MfaAdoptionError } from '../errors.js';
import { FINAL_OUTCOMES } from '../outcomes.js';
import type { ResultRow } from '../output/result-row.js';
import { checkUser, type CheckContext } from './check-user.js';
import type { RunOptions } from './options.js';
import type { ResultsGate } from './results-gate.js';
import type { Selection } from './selection.js';
import type { World } from './world.js';

export interface DispatchParts {
  kept: Set<string>;
  gate: ResultsGate;
  ctx: CheckContext;
  options: RunOptions;
  world: World;
  hardStop: AbortController;
  selection: Selection;
}

/** Streams users into checks, at most a window of them at once. Returns whether it was stopped. */
export async function dispatch(rows: AsyncIterable<InputRow>, parts: DispatchParts): Promise<boolean> {
  const { kept, gate, ctx, options, world, hardStop, selection } = parts;
  const window = options.concurrency * 2;
  const active = new Set<Promise<void>>();
  // Woken when any check ends (Promise.race over the window would add a reaction to every
  // pending check for each user dispatched).
  let slotFreed: (() => void) | undefined;
  const stop = () => setTimeout(() => hardStop.abort(), options.shutdownGrace).unref();
  world.stop?.addEventListener('abort', stop, { once: true });
  let refused: MfaAdoptionError | undefined;
  for await (const row of rows) {
    if (world.stop?.aborted || gate.tripped || refused) break;
    if (row.kind !== 'user') {
      if (selection.includesRejected) gate.record(rejectedResult(row, ctx.clock.now()));
      continue;
    }
    if (kept.has(row.userId) || !selection.includes(row)) continue;
    const task = checkUser(row, ctx).then(
      (result) => void (result && !refused && record(result, gate, ctx.log, hardStop)),
      (error: unknown) => void (refused ??= stopEverything(error, hardStop)),
    );
    active.add(task);
    void task.finally(() => active.delete(task) && slotFreed?.()).catch(() => undefined);
    if (active.size >= window) await new Promise<void>((resolve) => (slotFreed = resolve));
  }
  await Promise.all(active);
  world.stop?.removeEventListener('abort', stop);
  if (refused) throw refused;
  if (!gate.tripped) gate.release();
  return Boolean(world.stop?.aborted);
}

/** An error one check raised on purpose (the app's configuration refused, a rotation not saveable) stops every check at once. */
function stopEverything(error: unknown, hardStop: AbortController): MfaAdoptionError {
  if (!(error instanceof MfaAdoptionError)) throw error;
  hardStop.abort();
  return error;
}

/** Records one user's result; a configuration refused for everyone abandons the requests in flight. */
function record(result: ResultRow, gate: ResultsGate, log: Logger, hardStop: AbortController): void {
  if (!FINAL_OUTCOMES.has(result.outcome)) {
    log.log('warn', 'retries_exhausted', `${result.userId}: still ${result.outcome} after ${result.attempts} attempts; a --resume checks it again`, {
      user_id: result.userId,
      attempt: result.attempts,
      outcome: result.outcome,
      error_code: result.errorCode,
      tracking_id: result.trackingId,
    });
  }
  gate.record(result);
  if (gate.tripped) hardStop.abort();
}

function rejectedResult(row: RejectedRow, now: number): ResultRow {
  return { userId: row.userId, outcome: row.kind, errorMessage: `line ${row.line}: ${row.problem}`, attempts: 0, checkedAt: new Date(now).toISOString(), group: row.group };
}


import type { World } from '../job/world.js';
import type { Outcome } from '../outcomes.js';
import type { ResultRow } from '../output/result-row.js';
import { LiveLine } from './live-line.js';
import type { Logger, LogFields } from './logger.js';

/** Progress: a live line on a terminal, periodic events otherwise. */
export interface Progress {
  record(row: ResultRow): void;
  stop(): void;
}

/** A live line is redrawn at most this often… */
export const REDRAW_MS = 200;
/** …and off a terminal a `progress` event is logged this often. */
export const EVENT_MS = 5_000;
/** How often the timer looks whether to redraw or log, between results. */
export const TICK_MS = 1_000;

/** The live line for this run: only on a terminal, and never between JSON log lines. */
export function liveLineFor(world: World, logFormat: 'text' | 'json'): LiveLine | undefined {
  return world.isTTY && logFormat === 'text' ? new LiveLine(world.stderr) : undefined;
}

/**
 * Counts the users checked in this run (`total` of them expected). With a live line it redraws
 * it; without, it logs a `progress` event every EVENT_MS of `world.clock`. A timer (unref'd,
 * so it never keeps the process alive) updates both during long pauses too.
 */
export function createProgress(world: World, log: Logger, total: number, live?: LiveLine, tickMs = TICK_MS): Progress {
  const startedAt = world.clock.now();
  const byOutcome = new Map<Outcome, number>();
  let done = 0;
  let lastShown = startedAt;
  const figures = (): Figures => ({ done, total, elapsedMs: world.clock.now() - startedAt, byOutcome });
  const update = (force: boolean) => {
    const now = world.clock.now();
    if (!force && now - lastShown < (live ? REDRAW_MS : EVENT_MS)) return;
    lastShown = now;
    if (live) live.show(progressLine(figures()));
    else log.log('info', 'progress', `${done}/${total} users checked`, progressFields(figures()));
  };
  const timer = setInterval(() => update(Boolean(live)), tickMs).unref();
  return {
    record(row) {
      if (row.outcome === 'invalid_row' || row.outcome === 'duplicate') return;
      done++;
      byOutcome.set(row.outcome, (byOutcome.get(row.outcome) ?? 0) + 1);
      update(false);
    },
    stop() {
      clearInterval(timer);
      live?.finish();
    },
  };
}

export interface Figures {
  done: number;
  total: number;
  elapsedMs: number;
  byOutcome: ReadonlyMap<Outcome, number>;
}

/** `120/300 users · 9.8/s · ETA 12s · ok 110, auth_failed 8, throttled 2` */
export function progressLine(figures: Figures): string {
  const { rate, etaMs } = speed(figures);
  const outcomes = [...figures.byOutcome].map(([outcome, count]) => `${outcome} ${count}`).join(', ');
  const eta = etaMs === undefined ? 'ETA –' : `ETA ${formatDuration(etaMs)}`;
  return [`${figures.done}/${figures.total} users`, `${rate.toFixed(1)}/s`, eta, outcomes].filter(Boolean).join(' · ');
}

function progressFields(figures: Figures): LogFields {
  const { rate, etaMs } = speed(figures);
  const fields: LogFields = { done: figures.done, total: figures.total, rate_per_s: Number(rate.toFixed(2)) };
  fields.eta_s = etaMs === undefined ? undefined : Math.round(etaMs / 1000);
  for (const [outcome, count] of figures.byOutcome) fields[outcome] = count;
  return fields;
}

function speed({ done, total, elapsedMs }: Figures): { rate: number; etaMs?: number } {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const remaining = Math.max(0, total - done);
  return { rate, etaMs: rate > 0 ? (remaining / rate) * 1000 : undefined };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

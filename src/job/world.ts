import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../clock.js';

/** Everything the job takes from its surroundings, so tests can pass their own. */
export interface World {
  clock: Clock;
  random: () => number;
  stdout: Writable;
  stderr: Writable;
  /** HTTP pool; by default one keep-alive Agent sized to --concurrency. */
  dispatcher?: Dispatcher;
  /** Aborted on SIGINT/SIGTERM: take no new users, let requests in flight finish. */
  stop?: AbortSignal;
  /** Whether stderr is a terminal (a live progress line) or not (periodic progress events). */
  isTTY: boolean;
}

export function processWorld(stop?: AbortSignal): World {
  return {
    clock: systemClock,
    random: Math.random,
    stdout: process.stdout,
    stderr: process.stderr,
    stop,
    isTTY: Boolean(process.stderr.isTTY),
  };
}

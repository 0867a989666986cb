import type { Logger } from './logger.js';
import type { ResultRow } from '../output/result-row.js';
import type { World } from '../job/world.js';

/** Progress: a live line on a terminal, periodic events otherwise. */
export interface Progress {
  record(row: ResultRow): void;
  stop(): void;
}

export function createProgress(world: World, log: Logger, total: number): Progress {
  void world;
  void log;
  void total;
  return { record: () => undefined, stop: () => undefined };
}

/** Messages between bench/run.ts and its child processes (over the fork IPC channel). */
import type { SimulatorOptions } from '../src/simulator/server.js';

/** What a measured child reports when it is done. */
export interface Measurement {
  wallMs: number;
  /** User + system CPU time of the whole child process while it worked. */
  cpuMs: number;
  /** Peak resident set size of the child process over its life (VmHWM). */
  maxRssMb: number;
  exitCode?: number;
  /** Requests the side sent (the job's own count, or the floor's). */
  requests: number;
}

/** Service requests as the simulator saw them. */
export interface SimStats {
  requests: number;
  firstAt: number;
  lastAt: number;
  /** The most service requests that arrived within any 1,000 ms. */
  maxInOneSecond: number;
}

export type SimCommand = { type: 'stats' } | { type: 'reset' };

export type SimReply = { type: 'ready'; url: string; tokenUrl: string } | { type: 'stats'; stats: SimStats };

export interface SimProcessArgs {
  options: SimulatorOptions;
}

export interface JobProcessArgs {
  input: string;
  output: string;
  report?: string;
  endpoint: string;
  tokenUrl: string;
  concurrency: number;
  rate: number;
  dryRun: boolean;
}

export interface FloorProcessArgs {
  soapUrl: string;
  input: string;
  concurrency: number;
}

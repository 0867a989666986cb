import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { SimulatorOptions } from '../src/simulator/server.js';
import type { FloorProcessArgs, JobProcessArgs, Measurement, SimCommand, SimReply, SimStats } from './protocol.js';

function forkTs(file: string, args: unknown): ChildProcess {
  return fork(fileURLToPath(new URL(file, import.meta.url)), [JSON.stringify(args)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
}

/** Runs a measured child to its end and returns what it reported. */
async function measured(file: string, args: unknown): Promise<Measurement> {
  const child = forkTs(file, args);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const message = new Promise<Measurement>((resolve) => child.once('message', (m) => resolve(m as Measurement)));
  const result = await Promise.race([message, exited.then(([code, signal]) => {
    throw new Error(`${file} ended without a measurement (exit ${code ?? signal})`);
  })]);
  await exited;
  return result;
}

export const runJobProcess = (args: JobProcessArgs) => measured(process.env.BENCH_JOB_PROCESS ?? './job-process.ts', args);
export const runFloorProcess = (args: FloorProcessArgs) => measured('./floor-process.ts', args);

export interface SimProcess {
  url: string;
  tokenUrl: string;
  stats(): Promise<SimStats>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the simulator in its own process; close() ends it. */
export async function startSimProcess(options: SimulatorOptions): Promise<SimProcess> {
  const child = forkTs('./sim-process.ts', { options });
  const ready = (await next(child)) as Extract<SimReply, { type: 'ready' }>;
  const send = (command: SimCommand) => child.send(command);
  return {
    url: ready.url,
    tokenUrl: ready.tokenUrl,
    async stats() {
      const reply = next(child);
      send({ type: 'stats' });
      return ((await reply) as Extract<SimReply, { type: 'stats' }>).stats;
    },
    reset: () => send({ type: 'reset' }),
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

function next(child: ChildProcess): Promise<SimReply> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as SimReply));
    child.once('exit', (code) => reject(new Error(`the simulator process ended (exit ${code})`)));
  });
}

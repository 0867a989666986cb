/**
 * The simulator in a process of its own, so that its CPU time counts against neither side of
 * a comparison. Started by bench/run.ts with fork(); options come as JSON in argv[2].
 */
import { startSimulator, type SimLogEntry } from '../src/simulator/server.js';
import type { SimCommand, SimProcessArgs, SimReply, SimStats } from './protocol.js';

const args = JSON.parse(process.argv[2] ?? '{}') as SimProcessArgs;
const simulator = await startSimulator(args.options);
const reply = (message: SimReply) => process.send?.(message);

process.on('message', (command: SimCommand) => {
  if (command.type === 'stats') reply({ type: 'stats', stats: statsOf(simulator.log) });
  if (command.type === 'reset') simulator.log.length = 0;
});
process.on('disconnect', () => void simulator.close().then(() => process.exit(0)));
reply({ type: 'ready', url: simulator.url, tokenUrl: simulator.tokenUrl });

/** Counts service requests (not OAuth) and the densest one-second window of arrivals. */
function statsOf(log: readonly SimLogEntry[]): SimStats {
  const arrivals = log.filter((entry) => entry.path !== 'oauth').map((entry) => entry.at);
  return {
    requests: arrivals.length,
    firstAt: arrivals[0] ?? 0,
    lastAt: arrivals.at(-1) ?? 0,
    maxInOneSecond: densestSecond(arrivals),
  };
}

/** Arrival times are in order; the window [t, t + 1000) slides over them. */
function densestSecond(arrivals: readonly number[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while ((arrivals[end] ?? 0) - (arrivals[start] ?? 0) >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

import { join } from 'node:path';
import { DEFAULTS } from '../src/job/options.js';
import type { SimulatorOptions } from '../src/simulator/server.js';
import { runFloorProcess, runJobProcess, startSimProcess, type SimProcess } from './children.js';
import { writeTokenFile } from './inputs.js';
import type { JobProcessArgs, Measurement } from './protocol.js';

/** One row of the results table: a ratio measured in this run, and its target. */
export interface Figure {
  name: string;
  measured: string;
  target: string;
  met: boolean;
  /** The raw measurements behind the ratio, for the notes under the table. */
  detail: string;
  /** Why a miss is a limit rather than a fault, printed when the target is missed. */
  limit?: string;
}

export const SOAP_PATH = '/Api/CustomerManagement/v13/CustomerManagementService.svc';
export const DEFAULT_CONCURRENCY: number = DEFAULTS.concurrency;

const CPU_LIMIT =
  'the job does work the floor does not: it reads the input twice (all of it is checked before the first request, then streamed), ' +
  'parses and classifies every answer, writes the results journal and tallies it for the report; a profile puts each at a few ' +
  'microseconds per user, against about 100 µs per request for the HTTP exchange itself. See docs/performance.md.';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const times = (ratio: number) => `${ratio.toFixed(3)}×`;

/** A simulator process, warmed up (the real service is never cold), its log cleared. */
async function withSimulator<T>(folder: string, options: SimulatorOptions, work: (sim: SimProcess) => Promise<T>): Promise<T> {
  const sim = await startSimProcess(options);
  try {
    await runFloorProcess({ soapUrl: sim.url + SOAP_PATH, input: await writeTokenFile(folder, 400), concurrency: 32 });
    sim.reset();
    return await work(sim);
  } finally {
    await sim.close();
  }
}

let runs = 0;

/** Runs the job on `input` against `sim`, writing results into a fresh file under `folder`. */
function job(folder: string, sim: SimProcess, input: string, extra: Partial<JobProcessArgs> = {}): Promise<Measurement> {
  runs++;
  return runJobProcess({
    input,
    output: join(folder, `results-${runs}.csv`),
    report: join(folder, `report-${runs}.json`),
    endpoint: sim.url,
    tokenUrl: sim.tokenUrl,
    concurrency: DEFAULT_CONCURRENCY,
    rate: 0,
    dryRun: false,
    ...extra,
  });
}

function checkAllSent(what: string, measurement: Measurement, users: number): void {
  if (measurement.requests !== users || (measurement.exitCode ?? 0) !== 0) {
    throw new Error(`${what}: expected ${users} requests and exit 0, got ${measurement.requests} requests, exit ${measurement.exitCode}`);
  }
}

/** 1. The job against the floor, alternating, best of `rounds` each. */
export async function overhead(folder: string, users = 40_000, rounds = 3): Promise<Figure[]> {
  const input = await writeTokenFile(folder, users);
  const floors: Measurement[] = [];
  const jobs: Measurement[] = [];
  await withSimulator(folder, {}, async (sim) => {
    // The simulator's log is emptied before each run, so that its growth slows neither side.
    const floor = () => (sim.reset(), runFloorProcess({ soapUrl: sim.url + SOAP_PATH, input, concurrency: DEFAULT_CONCURRENCY }));
    for (let round = 0; round < rounds; round++) {
      floors.push(await floor());
      sim.reset();
      const measured = await job(folder, sim, input);
      checkAllSent('overhead', measured, users);
      jobs.push(measured);
    }
  });
  const best = (list: Measurement[], key: 'wallMs' | 'cpuMs') => Math.min(...list.map((m) => m[key]));
  const wall = best(jobs, 'wallMs') / best(floors, 'wallMs');
  const cpu = best(jobs, 'cpuMs') / best(floors, 'cpuMs');
  const context = `${users.toLocaleString('en')} users, concurrency ${DEFAULT_CONCURRENCY}, zero latency; best of ${rounds}`;
  return [
    { name: 'Overhead, wall time: job / bare undici loop', measured: times(wall), target: '≤ 1.3×', met: wall <= 1.3, detail: `${context}: job ${seconds(best(jobs, 'wallMs'))}, floor ${seconds(best(floors, 'wallMs'))}` },
    { name: 'Overhead, CPU time: job / bare undici loop', measured: times(cpu), target: '≤ 1.3×', met: cpu <= 1.3, detail: `${context}: job ${seconds(best(jobs, 'cpuMs'))} CPU, floor ${seconds(best(floors, 'cpuMs'))} CPU`, limit: CPU_LIMIT },
  ];
}

/** 2. --rate R for about 12 s: the achieved rate at the simulator, and its densest second. */
export async function rateAccuracy(folder: string, rate: number, durationS = 12): Promise<Figure[]> {
  const users = rate * durationS;
  const input = await writeTokenFile(folder, users);
  const stats = await withSimulator(folder, {}, async (sim) => {
    checkAllSent('rate', await job(folder, sim, input, { rate }), users);
    return sim.stats();
  });
  const achieved = (stats.requests - 1) / ((stats.lastAt - stats.firstAt) / 1000);
  const ratio = achieved / rate;
  const context = `--rate ${rate}, ${users.toLocaleString('en')} users`;
  return [
    { name: `Rate accuracy: achieved / --rate ${rate}`, measured: ratio.toFixed(3), target: '0.97 – 1.00', met: ratio >= 0.97 && ratio <= 1.0, detail: `${context}: ${achieved.toFixed(2)} requests/s between the first and last arrival at the simulator (${seconds(stats.lastAt - stats.firstAt)})` },
    { name: `Rate ceiling: most requests in any 1 s (--rate ${rate})`, measured: String(stats.maxInOneSecond), target: `≤ ${rate}`, met: stats.maxInOneSecond <= rate, detail: `${context}: counted by arrival time at the simulator` },
  ];
}

/** 3. Latency L, concurrency C, N users: wall / (N·L/C); the bare loop's figure beside it. */
export async function latencyBound(folder: string, users = 2_000, latencyMs = 100, concurrency = 32): Promise<Figure[]> {
  const input = await writeTokenFile(folder, users);
  const [floor, measured] = await withSimulator(folder, { latencyMs }, async (sim) => [
    await runFloorProcess({ soapUrl: sim.url + SOAP_PATH, input, concurrency }),
    await job(folder, sim, input, { concurrency }),
  ]);
  checkAllSent('latency', measured, users);
  const ideal = (users * latencyMs) / concurrency;
  const ratio = measured.wallMs / ideal;
  const detail = `N ${users.toLocaleString('en')}, L ${latencyMs} ms, C ${concurrency}: wall ${seconds(measured.wallMs)}, ideal ${seconds(ideal)}; the bare undici loop: ${times(floor.wallMs / ideal)} (the simulator's own timers run a little late)`;
  return [{ name: 'Latency-bound: wall / (N·L/C)', measured: times(ratio), target: '≤ 1.1×', met: ratio <= 1.1, detail }];
}

/** 4. Peak RSS for a small and a large input: a dry run, and a full run at zero latency. */
export async function memory(folder: string, dry = [10_000, 1_000_000], full = [10_000, 200_000]): Promise<Figure[]> {
  const peak = async (users: number, dryRun: boolean) => {
    const input = await writeTokenFile(folder, users);
    if (dryRun) return (await runJobProcess({ input, output: join(folder, 'unused.csv'), endpoint: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9', concurrency: DEFAULT_CONCURRENCY, rate: 0, dryRun })).maxRssMb;
    return withSimulator(folder, {}, async (sim) => {
      const measured = await job(folder, sim, input);
      checkAllSent('memory', measured, users);
      return measured.maxRssMb;
    });
  };
  const figure = async (kind: string, [small = 0, large = 0]: number[], dryRun: boolean): Promise<Figure> => {
    const [low, high] = [await peak(small, dryRun), await peak(large, dryRun)];
    const growth = high - low;
    return { name: `Memory, ${kind}: peak RSS growth ${small.toLocaleString('en')} → ${large.toLocaleString('en')} rows`, measured: `${growth.toFixed(1)} MB`, target: '≤ 50 MB', met: growth <= 50, detail: `${kind}: peak RSS ${low.toFixed(1)} MB for ${small.toLocaleString('en')} rows, ${high.toFixed(1)} MB for ${large.toLocaleString('en')}` };
  };
  return [await figure('dry run', dry, true), await figure('full run', full, false)];
}

/** 5. Concurrency 1, as the SDK samples call the operation, against the default concurrency. */
export async function sequentialBaseline(folder: string, users = 160, latencyMs = 60): Promise<Figure[]> {
  const input = await writeTokenFile(folder, users);
  const [one, many] = await withSimulator(folder, { latencyMs }, async (sim) => [await job(folder, sim, input, { concurrency: 1 }), await job(folder, sim, input)]);
  checkAllSent('sequential', one, users);
  checkAllSent('default concurrency', many, users);
  const speedUp = one.wallMs / many.wallMs;
  const floor = DEFAULT_CONCURRENCY * 0.9;
  return [{ name: `Speed-up over sequential calls (concurrency ${DEFAULT_CONCURRENCY} vs 1)`, measured: times(speedUp), target: `≥ ${floor.toFixed(1)}× (near ${DEFAULT_CONCURRENCY}×)`, met: speedUp >= floor, detail: `N ${users}, L ${latencyMs} ms, --rate 0: concurrency 1 ${seconds(one.wallMs)}, concurrency ${DEFAULT_CONCURRENCY} ${seconds(many.wallMs)}` }];
}

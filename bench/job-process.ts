/**
 * The job as shipped (dist/), run programmatically in a process of its own with quiet output
 * streams. Reports its wall time, CPU time and peak RSS.
 */
import { Writable } from 'node:stream';
import { loadJob } from './dist.js';
import { BENCH_DEVELOPER_TOKEN } from './inputs.js';
import type { JobProcessArgs } from './protocol.js';
import { report, startMeasuring } from './usage.js';

const { checkRunOptions, DEFAULTS, processWorld, runJob } = await loadJob();
const args = JSON.parse(process.argv[2] ?? '{}') as JobProcessArgs;
const quiet = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
const options = checkRunOptions({ ...DEFAULTS, ...args, developerToken: BENCH_DEVELOPER_TOKEN, columns: {} });

const done = startMeasuring();
const summary = await runJob(options, { ...processWorld(), stdout: quiet(), stderr: quiet(), isTTY: false });
report(done(summary.report?.calls.requests ?? 0, summary.exitCode));

/**
 * The job as shipped: bench children load dist/ (built by `npm run bench`), typed by src/.
 * (tsx-compiled src/ would add esbuild's `__name` wrappers to every inner function, which
 * costs the job a few per cent of CPU that the shipped code does not pay.)
 */
import type * as Envelope from '../src/service/soap/envelope.js';
import type * as Options from '../src/job/options.js';
import type * as RunJob from '../src/job/run-job.js';
import type * as World from '../src/job/world.js';

const load = (path: string): Promise<unknown> => import(new URL(`../dist/${path}`, import.meta.url).href);

export const loadJob = async () => ({
  ...((await load('job/run-job.js')) as typeof RunJob),
  ...((await load('job/options.js')) as typeof Options),
  ...((await load('job/world.js')) as typeof World),
});

export const loadEnvelope = async () => (await load('service/soap/envelope.js')) as typeof Envelope;

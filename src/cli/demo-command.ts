import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { runJob } from '../job/run-job.js';
import { checkRunOptions, DEFAULTS } from '../job/options.js';
import { processWorld } from '../job/world.js';
import { summaryText } from '../report/summary-text.js';
import { startSimulator } from '../simulator/server.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/**
 * The whole job on fixtures/tokens.csv against an in-process simulator: no credentials, no
 * network. Waits are shortened (throttle pause 250 ms, backoff base 50 ms) so it takes seconds.
 */
export async function runDemo(stop: AbortSignal, outDir = resolve('demo-output')): Promise<number> {
  const simulator = await startSimulator({ latencyMs: 5, oauth: { clientId: 'demo-client' } });
  try {
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    // A copy: rotated refresh tokens are journalled beside the input, which must not be fixtures/.
    await copyFile(join(FIXTURES, 'tokens.csv'), join(outDir, 'tokens.csv'));
    const options = checkRunOptions({
      ...DEFAULTS,
      input: join(outDir, 'tokens.csv'),
      output: join(outDir, 'results.csv'),
      report: join(outDir, 'report.json'),
      tokensOut: join(outDir, 'tokens.next.csv'),
      endpoint: simulator.url,
      tokenUrl: simulator.tokenUrl,
      developerToken: 'demo-developer-token',
      clientId: 'demo-client',
      concurrency: 16,
      rate: 400,
      retryDelay: 50,
      throttleWait: 250,
      groupBy: 'region',
      columns: {},
    });
    process.stderr.write(`demo: simulator at ${simulator.url}; ${options.input} → ${outDir}\n`);
    const summary = await runJob(options, processWorld(stop));
    process.stdout.write(summaryText(summary));
    return summary.exitCode;
  } finally {
    await simulator.close();
  }
}

import type { Argv } from 'yargs';
import { startSimulator } from '../simulator/server.js';

export function simulateFlags<T>(yargs: Argv<T>) {
  return yargs
    .option('port', { type: 'number', default: 0, describe: 'port to listen on (0 = any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
    .option('latency', { type: 'number', default: 0, describe: 'ms added to every service answer' })
    .option('rate-limit', { type: 'number', describe: 'service requests per second before answering 117 / 429' })
    .option('developer-token', { type: 'string', describe: 'the only developer token accepted (others get 105)' })
    .option('client-id', { type: 'string', describe: 'the only OAuth client id accepted' })
    .option('client-secret', { type: 'string', describe: 'the OAuth client secret required' })
    .option('token-lifetime', { type: 'number', default: 3600, describe: 'seconds an issued access token lives' });
}

type SimulateArgs = Awaited<ReturnType<typeof simulateFlags>['argv']>;

/** Serves until SIGINT/SIGTERM; prints the base URL to use as --endpoint. */
export async function runSimulate(args: SimulateArgs, stop: AbortSignal): Promise<void> {
  const simulator = await startSimulator({
    host: args.host,
    port: args.port,
    latencyMs: args.latency,
    rateLimitPerSecond: args['rate-limit'],
    developerToken: args['developer-token'],
    oauth: { clientId: args['client-id'], clientSecret: args['client-secret'], accessTokenLifetimeSeconds: args['token-lifetime'] },
  });
  process.stdout.write(`${simulator.url}\n`);
  process.stderr.write(`simulator listening: --endpoint ${simulator.url} --token-url ${simulator.tokenUrl} (Ctrl-C to stop)\n`);
  await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  await simulator.close();
}

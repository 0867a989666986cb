#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runFlags, toRunOptions } from './cli/run-command.js';
import { runDemo } from './cli/demo-command.js';
import { dryRunText } from './cli/dry-run-text.js';
import { createNotices, logFormatOf, type Notices } from './cli/notices.js';
import { simulateFlags, runSimulate } from './cli/simulate-command.js';
import { MfaAdoptionError } from './errors.js';
import { runJob } from './job/run-job.js';
import { processWorld } from './job/world.js';
import { Redactor } from './log/redact.js';
import { mergeReportFiles } from './report/merge.js';
import { summaryText } from './report/summary-text.js';
import { TOOL } from './version.js';

/** The only place that exits. Errors the job raises on purpose carry their exit code; others are bugs. */
async function main(argv: string[]): Promise<number> {
  const redactor = new Redactor();
  const notices = createNotices(logFormatOf(argv), redactor);
  const stop = new AbortController();
  onSignals(stop, notices);
  try {
    let exitCode = 0;
    await yargs(argv)
      .scriptName('mfa-adoption')
      .version(TOOL.version)
      .strict()
      // Only `run` reads MFA_ADOPTION_*: a cron environment must not leak into other commands' strict flags.
      .command('run', 'check every user in the token CSV and report MFA adoption', (y) => runFlags(y).env('MFA_ADOPTION'), async (args) => {
        const options = toRunOptions(args, (message) => notices.warn('secret_on_command_line', `warning: ${message}`), argv);
        redactor.add(options.developerToken, options.clientSecret);
        const summary = await runJob(options, processWorld(stop.signal));
        process.stdout.write(options.dryRun ? dryRunText(summary, options) : summaryText(summary));
        exitCode = summary.exitCode;
      })
      .command('simulate', 'start the local simulator of the service and the OAuth endpoint', simulateFlags, async (args) => {
        await runSimulate(args, stop.signal);
      })
      .command('demo', 'run the job on fixtures/ against an in-process simulator', (y) => y, async () => {
        exitCode = await runDemo(stop.signal);
      })
      .command('report', 'work with reports: merge the shard reports of a sharded run', (y) =>
        y.command('merge <files..>', 'combine shard reports exactly into one (JSON, Markdown, HTML)', (m) =>
          m.positional('files', { type: 'string', array: true, demandOption: true, describe: 'the shard reports (report.json of each --shard K/N run)' })
            .option('report', { type: 'string', demandOption: true, describe: 'merged report as JSON; .md and .html are written beside it' })
            .option('history', { type: 'string', describe: 'JSON Lines file: append the merged aggregate, report the trend' }),
        async (args) => {
          const merged = await mergeReportFiles(args.files, { report: args.report, history: args.history });
          process.stdout.write(summaryText(merged));
          exitCode = merged.exitCode;
        }).demandCommand(1, 'name a report command: merge'))
      .demandCommand(1, 'name a command: run, simulate, demo or report merge')
      .fail((message, error) => {
        throw error ?? new MfaAdoptionError(message, 'E_USAGE', 2);
      })
      .help()
      .parseAsync();
    return exitCode;
  } catch (error) {
    return report(error, notices);
  }
}

/** The event each deliberate error is logged as, for alerting on it. */
const ERROR_EVENTS: Record<string, string> = {
  E_LOCKED: 'lock_busy',
  E_CONFIG_REFUSED: 'config_refused',
  E_USAGE: 'usage_error',
  E_INPUT: 'input_error',
};

function report(error: unknown, notices: Notices): number {
  if (error instanceof MfaAdoptionError) {
    notices.error(ERROR_EVENTS[error.code] ?? 'failed', error.message, { code: error.code, exit_code: error.exitCode });
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  notices.error('internal_error', `internal error (a bug, please report it): ${detail}`, { exit_code: 1 });
  return 1;
}

/** First SIGINT/SIGTERM: stop taking users and finish cleanly. Second: exit at once (the journal stays resumable). */
function onSignals(stop: AbortController, notices: Notices): void {
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      notices.warn('signal', `${signal} again: exiting at once; the results file stays resumable (--resume)`, { signal, exit_code: 130 });
      process.exit(130);
    }
    notices.warn('signal', `${signal}: sending no new requests, finishing those in flight, then stopping (again to exit at once)`, { signal });
    stop.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
// Whatever might still hold the event loop (a socket in teardown), the run is over.
setTimeout(() => process.exit(exitCode), 2000).unref();

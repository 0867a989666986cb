import type { Writable } from 'node:stream';
import { createLogger, type LogFields } from '../log/logger.js';
import type { Redactor } from '../log/redact.js';

export type LogFormat = 'text' | 'json';

/** What the CLI itself says on stderr (warnings, signals, the error that ended the run), in the run's log format. */
export interface Notices {
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

/**
 * Text: `mfa-adoption: message`, as people expect from a CLI. JSON: one JSON object per line,
 * like every other line on stderr, so that a log shipper never meets a stray text line.
 */
export function createNotices(format: LogFormat, redactor: Redactor, stream: Writable = process.stderr): Notices {
  const json = createLogger('json', stream, redactor);
  const say = (level: 'warn' | 'error', event: string, message: string, fields?: LogFields) => {
    if (format === 'json') json.log(level, event, message, fields);
    else stream.write(`${clearLine(stream)}mfa-adoption: ${redactor.redact(message)}\n`);
  };
  return {
    warn: (event, message, fields) => say('warn', event, message, fields),
    error: (event, message, fields) => say('error', event, message, fields),
  };
}

/** On a terminal a progress line may be showing: the notice replaces it instead of trailing it. */
function clearLine(stream: Writable): string {
  return (stream as Writable & { isTTY?: boolean }).isTTY ? '\r\u001b[K' : '';
}

/**
 * The log format, known before the flags are parsed, so that even a usage error is reported
 * in it: `--log-format json`, `--log-format=json` or MFA_ADOPTION_LOG_FORMAT=json.
 */
export function logFormatOf(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LogFormat {
  let value = env.MFA_ADOPTION_LOG_FORMAT;
  argv.forEach((arg, i) => {
    if (arg === '--log-format') value = argv[i + 1];
    else if (arg.startsWith('--log-format=')) value = arg.slice('--log-format='.length);
  });
  return value === 'json' ? 'json' : 'text';
}

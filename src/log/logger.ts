import type { Writable } from 'node:stream';
import type { Redactor } from './redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  log(level: Level, event: string, message: string, fields?: LogFields): void;
}

/**
 * Logs on stderr, as text for people or JSON lines for cron (time, level, event, fields).
 * Every line goes through the redactor, whatever the caller put in it.
 */
export function createLogger(format: 'text' | 'json', stream: Writable, redactor: Redactor, now: () => number = Date.now, minLevel: Level = 'info'): Logger {
  const order: Level[] = ['debug', 'info', 'warn', 'error'];
  return {
    log(level, event, message, fields = {}) {
      if (order.indexOf(level) < order.indexOf(minLevel)) return;
      const time = new Date(now()).toISOString();
      const line =
        format === 'json'
          ? JSON.stringify({ time, level, event, message, ...definedOnly(fields) })
          : `${time} ${level.toUpperCase().padEnd(5)} ${message}${textFields(fields)}`;
      stream.write(redactor.redact(line) + '\n');
    },
  };
}

function definedOnly(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function textFields(fields: LogFields): string {
  const parts = Object.entries(definedOnly(fields)).map(([key, value]) => `${key}=${String(value)}`);
  return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}

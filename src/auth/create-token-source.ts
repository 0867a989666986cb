import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';
import type { RunOptions } from '../job/options.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redact.js';
import { RefreshingTokens } from './refreshing-tokens.js';
import { journalPathFor, RotationJournal } from './rotation-journal.js';
import { storedTokens } from './stored-tokens.js';
import { TokenBook } from './token-book.js';
import { TokenRequester } from './token-requests.js';
import type { TokenSource } from './token-source.js';
import { saveTokenFiles } from './tokens-out.js';

export interface TokenWorld {
  dispatcher: Dispatcher;
  clock: Clock;
  random: () => number;
  log: Logger;
  redactor: Redactor;
}

/** Picks how this run gets access tokens: refreshed with --client-id, else as stored. */
export async function createTokenSource(options: RunOptions, world: TokenWorld): Promise<TokenSource> {
  if (options.clientId === undefined || options.clientId === '') {
    if (options.tokensOut !== undefined) world.log.log('warn', 'tokens_out_unused', '--tokens-out is not written: without --client-id no token is refreshed');
    return storedTokens();
  }
  const journalPath = journalPathFor(options.input);
  await checkWritable(journalPath);
  const book = new TokenBook();
  await applyJournal(book, journalPath, world.log);
  const requester = new TokenRequester(
    {
      client: { tokenUrl: options.tokenUrl, clientId: options.clientId, clientSecret: options.clientSecret || undefined, timeoutMs: options.timeout, dispatcher: world.dispatcher },
      concurrency: options.concurrency,
      rate: options.rate,
      retries: options.retries,
      retryDelay: options.retryDelay,
      throttleWait: options.throttleWait,
    },
    world,
  );
  const journal = new RotationJournal(journalPath);
  const files = { input: options.input, tokensOut: options.tokensOut, columns: options.columns, journalPath };
  return new RefreshingTokens(requester, book, journal, world.clock, () => saveTokenFiles(files, book, journal.appended > 0));
}

/** Rotations must be saveable before any is received: refuse the run (nothing sent) if not. */
async function checkWritable(journalPath: string): Promise<void> {
  try {
    await access(dirname(journalPath), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`${journalPath}: cannot be written (${code}): rotated refresh tokens are saved beside --input, so its folder must be writable`);
  }
}

async function applyJournal(book: TokenBook, journalPath: string, log: Logger): Promise<void> {
  const { read, unreadable } = await book.load(journalPath);
  if (read > 0) log.log('info', 'token_journal', `read ${read} rotated refresh tokens from ${journalPath}; each applies to the input row whose token it replaced`, { rotations: read });
  if (unreadable > 0) log.log('warn', 'token_journal_torn', `${journalPath}: ${unreadable} unreadable lines skipped (a write cut by a crash or power loss)`, { lines: unreadable });
}

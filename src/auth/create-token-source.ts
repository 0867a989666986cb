import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import type { RunOptions } from '../job/options.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redact.js';
import { storedTokens } from './stored-tokens.js';
import type { TokenSource } from './token-source.js';

export interface TokenWorld {
  dispatcher: Dispatcher;
  clock: Clock;
  random: () => number;
  log: Logger;
  redactor: Redactor;
}

/** Picks how this run gets access tokens. */
export async function createTokenSource(options: RunOptions, _world: TokenWorld): Promise<TokenSource> {
  void options;
  return storedTokens();
}

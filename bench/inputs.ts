import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

export const BENCH_DEVELOPER_TOKEN = 'bench-developer-token';

/**
 * Writes a token CSV of `users` rows with access tokens only (`at..u<n>`: the simulator's
 * plain persona, status decided by a hash), so no refresh is involved. Streams, so a million
 * rows never sit in memory.
 */
export async function writeTokenFile(folder: string, users: number): Promise<string> {
  const path = join(folder, `tokens-${users}.csv`);
  const out = createWriteStream(path);
  let chunk = 'user_id,access_token\n';
  for (let n = 1; n <= users; n++) {
    chunk += `u${n},at..u${n}\n`;
    if (chunk.length < 1 << 16 && n < users) continue;
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  }
  out.end(chunk);
  await once(out, 'finish');
  return path;
}

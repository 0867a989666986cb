import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see the old content or the whole new content, never a part:
 * a temp file beside it, fsync, rename over, fsync the folder. Streams its lines, so a
 * million-row file never sits in memory (which write-file-atomic would need).
 */
export async function writeFileAtomically(
  path: string,
  lines: Iterable<string> | AsyncIterable<string>,
  mode = 0o644,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await open(temp, 'w', mode);
  try {
    let buffer = '';
    for await (const line of lines) {
      buffer += line;
      if (buffer.length >= 1 << 16) {
        await file.write(buffer);
        buffer = '';
      }
    }
    await file.write(buffer);
    await file.chmod(mode);
    await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

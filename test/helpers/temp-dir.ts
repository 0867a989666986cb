import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh folder under the OS temp dir, removed after the test. */
export async function tempDir(t: TestContext, prefix = 'mfa-adoption-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `name` inside a fresh temp folder; returns its path. */
export async function tempFile(t: TestContext, name: string, content: string | Buffer): Promise<string> {
  const path = join(await tempDir(t), name);
  await writeFile(path, content);
  return path;
}

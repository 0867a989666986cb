import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { createPrng } from '../../src/simulator/random.js';

/** The built CLI (`npm run build` first). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/cli.js <args>` with stdin closed and stdout/stderr captured (pipes, so not a
 * TTY). The environment is the test's minus every MFA_ADOPTION_* variable, plus `env`.
 */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MFA_ADOPTION_')));
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (out.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    exited,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
  };
}

/** Runs the CLI to its end. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const run = spawnCli(args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** Polls until `condition` holds; fails after `timeoutMs` (a safety net, not a measurement). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A temp folder removed after the test. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mfa-adoption-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a token CSV: one user per persona, ids u0001…, access tokens in the simulator's scheme. */
export async function writeTokens(path: string, personas: string[], extraLines: string[] = []): Promise<string[]> {
  const tokens = personas.map((persona, i) => `at.${persona}.${userId(i)}.${secretTail(i)}`);
  const lines = ['user_id,access_token,refresh_token', ...tokens.map((token, i) => `${userId(i)},${token},`), ...extraLines];
  await writeFile(path, lines.join('\n') + '\n');
  return tokens;
}

export function userId(i: number): string {
  return `u${String(i + 1).padStart(4, '0')}`;
}

function secretTail(i: number): string {
  return `S3cr3t${(i * 7919 + 104729).toString(36)}x${(i * 31 + 7).toString(36)}`;
}

/** Data lines of a results CSV (header excluded; a torn last line included). */
export function resultLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').slice(1).filter((line) => line !== '');
}

/** user_id → "mfa_status,outcome" of a results CSV (simple rows: no quoted cells before outcome). */
export function statuses(path: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of resultLines(path)) {
    const [user = '', mfa = '', outcome = ''] = line.split(',');
    map.set(user, `${mfa},${outcome}`);
  }
  return map;
}

/** A small seeded generator (mulberry32) for reproducible "random" points. */
export const seeded = createPrng;

import { randomUUID } from 'node:crypto';
import { linkSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { LockedError, UsageError } from '../errors.js';
import { currentPidNamespace, describeOwner, HEARTBEAT_MS, isStale, readLock, type LockOwner, type LockState } from './lock-owner.js';

/** One run at a time per results file: `<output>.lock`, held until release(). */
export interface Lock {
  readonly path: string;
  /** Set when the lock of a run that is gone was taken over: who that was. */
  readonly tookOverFrom?: string;
  release(): Promise<void>;
}

/** Lock files this process holds, so that its own pid in a lock file is not mistaken for a dead run. */
const heldHere = new Set<string>();

/**
 * Takes `<output>.lock`, or throws LockedError (exit 75) naming the lock file and its holder.
 * The file appears whole and exclusively (a hard link of a fully written temp file: no reader
 * sees it half-written, and it works on NFS). A stale lock is re-read and removed only if
 * unchanged, then the exclusive create is tried once more.
 */
export async function lockResults(output: string, heartbeatMs = HEARTBEAT_MS): Promise<Lock> {
  const path = resolve(`${output}.lock`);
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), pidNamespace: currentPidNamespace(), nonce: randomUUID() };
  const raw = JSON.stringify(owner) + '\n';
  if (tryCreate(path, raw)) return hold(path, raw, heartbeatMs);
  const found = readLock(path);
  if (found !== undefined && !isStale(found, heldHere.has(path), Date.now())) throw locked(path, output, found);
  if (found !== undefined) removeIfUnchanged(path, found);
  if (tryCreate(path, raw)) return hold(path, raw, heartbeatMs, found && describeOwner(found.owner));
  throw locked(path, output, readLock(path));
}

function tryCreate(path: string, raw: string): boolean {
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, raw, { mode: 0o644 });
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new UsageError(`cannot create the lock file ${path} (${code ?? 'error'}): check that the folder of --output exists and is writable`);
  } finally {
    rmSync(temp, { force: true });
  }
}

function removeIfUnchanged(path: string, seen: LockState): void {
  const now = readLock(path);
  if (now === undefined || now.raw !== seen.raw || now.ino !== seen.ino) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Holds the lock: its mtime is the heartbeat that tells other hosts this run is alive. */
function hold(path: string, raw: string, heartbeatMs: number, tookOverFrom?: string): Lock {
  heldHere.add(path);
  const heartbeat = setInterval(() => touch(path), heartbeatMs).unref();
  const releaseNow = () => {
    clearInterval(heartbeat);
    process.off('exit', releaseNow);
    heldHere.delete(path);
    try {
      if (readLock(path)?.raw === raw) rmSync(path, { force: true });
    } catch {
      // Left behind, the lock is stale (its pid is gone) and the next run takes it over.
    }
  };
  process.on('exit', releaseNow);
  return { path, tookOverFrom, release: async () => releaseNow() };
}

function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // The lock file was removed by hand; the run goes on, unprotected, as the operator chose.
  }
}

function locked(path: string, output: string, state: LockState | undefined): LockedError {
  return new LockedError(
    `${output} is in use by another run (${describeOwner(state?.owner)}; lock file ${path}): nothing was done; try again later, or remove the lock file if that run is gone`,
  );
}

import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';

/** What a lock file holds: who took it, where and when. */
export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Tells two locks of the same pid apart (a takeover compares it). */
  nonce: string;
}

/** The holder keeps the lock file's mtime fresh this often. */
export const HEARTBEAT_MS = 10_000;
/** A lock whose heartbeat stopped this long ago is stale, whatever host it came from. */
export const STALE_AFTER_MS = 120_000;

export interface LockState {
  owner: LockOwner | undefined;
  /** The file as read, to check before removal that nobody replaced it meanwhile. */
  raw: string;
  ino: number;
  mtimeMs: number;
}

/** Reads the lock file; undefined when there is none. */
export function readLock(path: string): LockState | undefined {
  try {
    const { ino, mtimeMs } = statSync(path);
    const raw = readFileSync(path, 'utf8');
    return { owner: parseOwner(raw), raw, ino, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether the lock was left by a run that is gone: its heartbeat stopped, or its pid is not
 * alive on this host, or it names this very pid (a restarted container reusing pid 1) while
 * this process does not hold it.
 */
export function isStale(state: LockState, heldHere: boolean, now: number): boolean {
  if (now - state.mtimeMs > STALE_AFTER_MS) return true;
  const owner = state.owner;
  if (owner === undefined || owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) return !heldHere;
  return !isAlive(owner.pid);
}

export function describeOwner(owner: LockOwner | undefined): string {
  return owner ? `pid ${owner.pid} on ${owner.hostname} since ${owner.startedAt}` : 'an unknown process (the lock file is unreadable)';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid) || typeof value.hostname !== 'string') return undefined;
    return { pid: value.pid as number, hostname: value.hostname, startedAt: String(value.startedAt), nonce: String(value.nonce) };
  } catch {
    return undefined;
  }
}

import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { hostname } from 'node:os';

/** What a lock file holds: who took it, where and when. */
export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Linux: the pid namespace (`pid:[4026531836]`). Containers sharing a hostname have their own. */
  pidNamespace?: string;
  /** Tells two locks of the same pid apart (a takeover compares it). */
  nonce: string;
}

/** This process's pid namespace, where pids mean something; undefined off Linux. */
export function currentPidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
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
 * Whether the lock was left by a run that is gone: its heartbeat stopped, or (only where its
 * pid means the same process as here: same host, same pid namespace) that pid is not alive,
 * or it is this very pid while this process does not hold the lock.
 */
export function isStale(state: LockState, heldHere: boolean, now: number): boolean {
  if (now - state.mtimeMs > STALE_AFTER_MS) return true;
  const owner = state.owner;
  if (owner === undefined || owner.hostname !== hostname() || owner.pidNamespace !== currentPidNamespace()) return false;
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
    const pidNamespace = typeof value.pidNamespace === 'string' ? value.pidNamespace : undefined;
    return { pid: value.pid as number, hostname: value.hostname, startedAt: String(value.startedAt), pidNamespace, nonce: String(value.nonce) };
  } catch {
    return undefined;
  }
}

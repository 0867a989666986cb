import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MfaAdoptionError } from '../errors.js';

/** One refresh token replaced by a newer one, as the journal records it. */
export interface Rotation {
  userId: string;
  /** The new refresh token. */
  refreshToken: string;
  /** tokenHash of the refresh token it replaced: never that token itself. */
  replaces: string;
  accessToken?: string;
  /** Access token expiry, epoch ms. */
  expiresAt?: number;
  /** When the new tokens were received, epoch ms. */
  receivedAt: number;
}

/** The journal lives beside the input: `tokens.csv` → `tokens.csv.rotated.jsonl`. */
export function journalPathFor(input: string): string {
  return `${input}.rotated.jsonl`;
}

/** First 16 hex digits of SHA-256: names a token without revealing it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Append-only file of rotated refresh tokens, mode 0600. `append` resolves only once the line
 * is on disk (write + fdatasync), so a token is saved before its access token is used and a
 * SIGKILL at any moment loses none. Appends are serialised; each is one JSON line.
 */
export class RotationJournal {
  private handle: Promise<FileHandle> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  appended = 0;

  constructor(readonly path: string) {}

  append(rotation: Rotation): Promise<void> {
    const line = `${JSON.stringify(toLine(rotation))}\n`;
    const write = async () => {
      try {
        const file = await (this.handle ??= openForAppend(this.path));
        await file.appendFile(line);
        await file.datasync();
        this.appended++;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new MfaAdoptionError(`${this.path}: cannot save a rotated refresh token (${code}); stopped so that no rotation is lost: fix this, then run again with --resume`, 'E_TOKEN_JOURNAL', 75, { cause: error });
      }
    };
    const done = this.queue.then(write, write);
    this.queue = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await this.queue;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
  }
}

/** Opens for appending, 0600; ends a torn last line first so the next line stays readable. */
async function openForAppend(path: string): Promise<FileHandle> {
  const file = await open(path, 'a+', 0o600);
  try {
    await file.chmod(0o600);
    const { size } = await file.stat();
    if (size === 0) await syncFolder(dirname(path));
    else if (!(await endsWithNewline(file, size))) await file.appendFile('\n');
    return file;
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function endsWithNewline(file: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

interface JournalLine {
  user_id: string;
  refresh_token: string;
  replaces: string;
  access_token?: string;
  expires_at?: string;
  at: string;
}

function toLine(rotation: Rotation): JournalLine {
  return {
    user_id: rotation.userId,
    refresh_token: rotation.refreshToken,
    replaces: rotation.replaces,
    access_token: rotation.accessToken,
    expires_at: rotation.expiresAt === undefined ? undefined : new Date(rotation.expiresAt).toISOString(),
    at: new Date(rotation.receivedAt).toISOString(),
  };
}

/**
 * Reads a journal in order, oldest first; a missing file reads as empty. Lines that cannot be
 * read (a write torn by a power cut) come back as undefined, for the caller to count.
 */
export async function* readRotations(path: string): AsyncGenerator<Rotation | undefined> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!file) return;
  try {
    for await (const line of file.readLines()) if (line.trim() !== '') yield fromLine(line);
  } finally {
    await file.close();
  }
}

function fromLine(text: string): Rotation | undefined {
  let line: Partial<Record<keyof JournalLine, unknown>>;
  try {
    line = JSON.parse(text) as typeof line;
  } catch {
    return undefined;
  }
  const { user_id: userId, refresh_token: refreshToken, replaces, access_token: accessToken, expires_at: expiresAt, at } = line;
  if (typeof userId !== 'string' || typeof refreshToken !== 'string' || typeof replaces !== 'string' || typeof at !== 'string') return undefined;
  return {
    userId,
    refreshToken,
    replaces,
    accessToken: typeof accessToken === 'string' ? accessToken : undefined,
    expiresAt: typeof expiresAt === 'string' ? Date.parse(expiresAt) : undefined,
    receivedAt: Date.parse(at),
  };
}

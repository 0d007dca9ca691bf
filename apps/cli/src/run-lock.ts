// The lock that keeps two seqlab processes from training in one run folder: a file naming its owner (pid, host, start).
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { UsageError } from './usage-error.js';

/** File name of the lock inside a run folder. */
export const LOCK_FILE = 'seqlab.lock';

/** What a lock file says about its owner. */
export interface LockOwner {
  /** Process id of the owner. */
  readonly pid: number;
  /** Machine the owner runs on. */
  readonly host: string;
  /** When it took the lock (ISO 8601). */
  readonly started: string;
  /** The command line it runs. */
  readonly command: string;
  /** Unique per acquisition, so an owner recognises its own lock. */
  readonly token: string;
}

/** A run folder held by this process until {@link RunLock.release}. */
export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** Throws a {@link UsageError} when the lock file no longer names this process (someone deleted or replaced it). */
  assertHeld(): void;
  /** Removes the lock file if it is still this process's; safe to call twice. Also runs when the process exits. */
  release(): void;
}

function readOwner(path: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    return Number.isSafeInteger(v.pid) && typeof v.host === 'string' && typeof v.token === 'string' ? (v as LockOwner) : null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs on this machine (EPERM: it exists but belongs to another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let tempCounter = 0;

/** Creates the lock file with its full contents in one step: written beside it, then hard-linked (fails if it exists). */
function tryCreate(dir: string, path: string, owner: LockOwner): boolean {
  // The temporary name follows autograd's writeFileAtomic pattern, so a process killed here leaves a file that the
  // next opener's stale-temp cleanup removes.
  const temp = join(dir, `.${LOCK_FILE}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`);
  writeFileSync(temp, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Moves a dead owner's lock out of the way. Renaming is atomic, so of two processes taking over the same stale lock
 * only one moves it; if what was moved turns out to be a live lock created in between, it is put back.
 */
function takeOver(dir: string, path: string, stale: LockOwner): void {
  const aside = join(dir, `.${LOCK_FILE}.stale.${process.pid}.${randomUUID()}`);
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readOwner(aside);
  if (moved?.token !== stale.token) {
    try {
      linkSync(aside, path);
    } catch {
      // Another process created a lock meanwhile; the next attempt reports it.
    }
  }
  unlinkSync(aside);
}

function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}${owner.command ? ` (${owner.command})` : ''}${owner.started ? ` since ${owner.started}` : ''}`;
}

/**
 * Takes the lock of run folder `dir` (which exists) for this process, or throws a {@link UsageError} naming the
 * process that holds it. A lock whose owner no longer runs on this machine (killed, crashed) is stale and taken
 * over; a lock from another machine cannot be checked and is respected. `what` names the folder in messages
 * (`--out 'runs/x'`).
 */
export function lockRunFolder(dir: string, what: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command: ['seqlab', ...process.argv.slice(2)].join(' '),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(dir, path, owner)) return heldLock(path, owner, what);
    const holder = readOwner(path);
    if (holder === undefined) continue;
    if (holder === null) {
      throw new UsageError(`${what} holds a lock file ${path} that is not seqlab's; if no seqlab process uses the folder, delete it`);
    }
    if (holder.host === owner.host && !alive(holder.pid)) {
      takeOver(dir, path, holder);
      continue;
    }
    throw new UsageError(
      `${what} is in use by another seqlab process: ${describeOwner(holder)}; wait for it to finish or stop it ` + `(if that process is gone, delete ${path})`,
    );
  }
  throw new UsageError(`${what}: could not take the lock ${path}; other processes keep taking it`);
}

function heldLock(path: string, owner: LockOwner, what: string): RunLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readOwner(path)?.token === owner.token) unlinkSync(path);
  };
  process.on('exit', release);
  return {
    path,
    release,
    assertHeld: () => {
      const now = readOwner(path);
      if (now?.token !== owner.token) {
        throw new UsageError(`${what}: the lock ${path} ${now ? `now belongs to ${describeOwner(now)}` : 'was deleted'}; stopping without writing`);
      }
    },
  };
}

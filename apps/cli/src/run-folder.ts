// Output folders: default run names, the checks made before any work (a file in the way, no permission), and opening a
// run folder for training (its lock taken, temporary files of killed writers removed).
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeStaleTempFiles } from '@seqlab/autograd';
import { lockRunFolder, type RunLock } from './run-lock.js';
import { UsageError } from './usage-error.js';

/** `seqlab-runs/<name>-YYYYMMDD-HHMMSS` (UTC), relative to the working directory. */
export function defaultRunFolder(name: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('seqlab-runs', `${name}-${stamp}`);
}

function errnoReason(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return undefined;
}

/**
 * Makes sure `dir` is a folder this process can write, creating it (and its parents) if missing, before any work
 * starts; `files` are names seqlab will write inside it, which must not be folders. Problems are one-line
 * {@link UsageError}s naming `option` and the path. Returns whether the folder was created here.
 */
export function prepareOutputFolder(option: string, dir: string, files: readonly string[] = []): boolean {
  const what = `${option} '${dir}'`;
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(existing === dir ? `${what} is a file, not a folder` : `${what}: '${existing}' is a file, not a folder`);
  }
  const created = existing !== dir;
  try {
    if (created) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const reason = errnoReason(err);
    if (reason === undefined) throw err;
    throw new UsageError(`${what}: cannot ${created ? 'create' : 'write to'} the folder (${reason})`);
  }
  for (const file of files) {
    const path = join(dir, file);
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${what}: '${path}' is a folder, where seqlab writes a file`);
  }
  return created;
}

/** A run folder opened for training by this process. */
export interface OpenRunFolder {
  /** The folder (absolute). */
  readonly dir: string;
  /** Its lock, held until {@link OpenRunFolder.close}. */
  readonly lock: RunLock;
  /** Temporary files of killed writers removed on opening. */
  readonly removedTemps: readonly string[];
  /** Releases the lock; removes the folder if this process created it and left it empty. */
  close(): void;
}

/**
 * Opens `dir` for training: checks it as {@link prepareOutputFolder} does, takes its lock (a second process gets a
 * {@link UsageError} naming the holder), then removes temporary checkpoint files whose writer died mid-write.
 */
export async function openRunFolder(option: string, dir: string, files: readonly string[] = []): Promise<OpenRunFolder> {
  const created = prepareOutputFolder(option, dir, files);
  const lock = lockRunFolder(dir, `${option} '${dir}'`);
  try {
    // Under the lock no other seqlab process writes here, so a temporary file of a dead pid is an abandoned one.
    const removedTemps = await removeStaleTempFiles(dir);
    return {
      dir,
      lock,
      removedTemps,
      close: () => {
        lock.release();
        if (created) {
          try {
            rmdirSync(dir);
          } catch {
            // Not empty: the run wrote something, which stays.
          }
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

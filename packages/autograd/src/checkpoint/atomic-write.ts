// Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it over, fsync the directory;
// and the removal of temporary files that writers killed mid-write left behind.
import { InvalidArgumentError, requireNodeBuiltin } from '@seqlab/tensor-core';

let counter = 0;
const CHUNK_BYTES = 1 << 20;

/** `.<name>.<pid>.<time>.<n>.tmp`: the temporary files {@link writeFileAtomic} creates. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.(\d+)\.(\d+)\.tmp$/;

function tempName(target: string): string {
  return `.${target}.${process.pid}.${Date.now()}.${counter++}.tmp`;
}

/** Whether a process with this id runs on this machine (EPERM: it exists but belongs to another user). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Writes `bytes` to `path` so that readers only ever see the old file or the complete new one: the data goes to a
 * temporary file in the same directory, which is flushed to disk and then renamed over `path` (an atomic replace on
 * POSIX filesystems and NTFS). If anything fails before the rename, the temporary file is removed and `path` is
 * untouched. Node.js only (elsewhere it throws `UnsupportedRuntimeError`); no module imports `node:fs`, so browser
 * bundles never see it.
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1);
 * await writeFileAtomic('runs/lstm/model.safetensors', encodeCheckpoint({ model })); // readers never see half a file
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'writeFileAtomic');
  const { basename, dirname, join } = requireNodeBuiltin<typeof import('node:path')>('node:path', 'writeFileAtomic');
  const dir = dirname(path);
  const temp = join(dir, tempName(basename(path)));
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await handle.write(bytes, offset, Math.min(CHUNK_BYTES, bytes.length - offset), offset);
      offset += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, path);
  } catch (error) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable. Some platforms cannot open a directory for fsync; the replace is still atomic there.
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Directory fsync is best-effort (unsupported on Windows).
  }
}

/**
 * Removes the temporary files that {@link writeFileAtomic} calls left in `dir` when their process died mid-write
 * (kill -9, a power cut): files named `.<name>.<pid>.<time>.<n>.tmp` whose writer `pid` no longer runs on this
 * machine. A live writer's file is kept, as is every other file. Call it only where no writer on another machine
 * shares `dir` (a process id says nothing about other hosts); seqlab's CLI calls it once it holds the run folder's
 * lock. Returns the names removed. Node.js only.
 *
 * @param dir - the folder to clean
 * @example
 * ```ts
 * const removed = await removeStaleTempFiles('runs/lstm');
 * if (removed.length > 0) console.log(`removed ${removed.join(', ')}`);
 * ```
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  if (typeof dir !== 'string' || dir === '') {
    throw new InvalidArgumentError(`removeStaleTempFiles: argument 'dir' must be a non-empty path; received ${JSON.stringify(dir)}`);
  }
  const fs = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'removeStaleTempFiles');
  const { join } = requireNodeBuiltin<typeof import('node:path')>('node:path', 'removeStaleTempFiles');
  const removed: string[] = [];
  for (const name of await fs.readdir(dir)) {
    const match = TEMP_NAME.exec(name);
    if (match === null || processAlive(Number(match[2]))) continue;
    await fs.rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

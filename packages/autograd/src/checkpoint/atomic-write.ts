// Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it over, fsync the directory.
import { requireNodeBuiltin } from '@seqlab/tensor-core';

let counter = 0;
const CHUNK_BYTES = 1 << 20;

/**
 * Writes `bytes` to `path` so that readers only ever see the old file or the complete new one: the data goes to a
 * temporary file in the same directory, which is flushed to disk and then renamed over `path` (an atomic replace on
 * POSIX filesystems and NTFS). If anything fails before the rename, the temporary file is removed and `path` is
 * untouched. Node.js only (elsewhere it throws `UnsupportedRuntimeError`); no module imports `node:fs`, so browser
 * bundles never see it.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'writeFileAtomic');
  const { basename, dirname, join } = requireNodeBuiltin<typeof import('node:path')>('node:path', 'writeFileAtomic');
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    for (let offset = 0; offset < bytes.length; ) {
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

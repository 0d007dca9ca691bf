// saveCheckpoint/loadCheckpoint: checkpoints on disk, written atomically (Node.js only; elsewhere use the byte functions).
import {
  CheckpointCorruptError,
  decodeSafetensorsFrom,
  InvalidArgumentError,
  readSafetensorsHeaderFrom,
  requireNodeBuiltin,
  type DecodeSafetensorsOptions,
  type SafetensorsHeader,
  type SafetensorsSource,
} from '@seqlab/tensor-core';
import { writeFileAtomic } from './atomic-write.js';
import { checkpointOf, encodeCheckpoint, restoreCheckpoint, type Checkpoint, type CheckpointContents, type RestoreTargets } from './checkpoint.js';

/** Bytes per read call: below Node's 2 GiB limit on one read, so tensors of any size load in pieces. */
const READ_CHUNK_BYTES = 1 << 28;

/** A safetensors file open for reading at offsets; close it when done. */
export interface SafetensorsFile extends SafetensorsSource {
  /** Closes the file handle. */
  close(): Promise<void>;
}

/**
 * Opens `path` as a `SafetensorsSource` (tensor-core) (Node.js only): reads happen at offsets, in pieces of at most 256 MiB,
 * so a file of any size can be read header first and tensor by tensor.
 *
 * @example
 * ```ts
 * const file = await openSafetensorsFile('big.safetensors');
 * try {
 *   const header = await readSafetensorsHeaderFrom(file);
 *   const weight = await readSafetensorsTensor(file, header, header.entries[0]);
 * } finally {
 *   await file.close();
 * }
 * ```
 */
export async function openSafetensorsFile(path: string): Promise<SafetensorsFile> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`openSafetensorsFile: argument 'path' must be a non-empty string`);
  const fs = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'openSafetensorsFile (use decodeCheckpoint on bytes)');
  const handle = await fs.open(path, 'r');
  let byteLength: number;
  try {
    byteLength = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    byteLength,
    read: async (position, target) => {
      for (let done = 0; done < target.length;) {
        const length = Math.min(READ_CHUNK_BYTES, target.length - done);
        const { bytesRead } = await handle.read(target, done, length, position + done);
        if (bytesRead === 0) {
          throw new CheckpointCorruptError(`safetensors: '${path}' ended at byte ${position + done} while reading; was it truncated meanwhile?`);
        }
        done += bytesRead;
      }
    },
    close: () => handle.close(),
  };
}

/** Opens `path`, runs `fn` on it and closes it; corrupt-file errors name the function and the path. */
async function withFile<T>(fn: string, path: string, use: (file: SafetensorsFile) => Promise<T>): Promise<T> {
  const file = await openSafetensorsFile(path);
  try {
    return await use(file);
  } catch (e) {
    if (e instanceof CheckpointCorruptError) throw new CheckpointCorruptError(`${fn}(${path}): ${e.message}`);
    throw e;
  } finally {
    await file.close();
  }
}

/** What {@link readCheckpointHeader} returns. */
export interface CheckpointHeader {
  /** The validated safetensors header: metadata strings and tensor entries (names, dtypes, shapes, offsets). */
  readonly header: SafetensorsHeader;
  /** The file's length in bytes. */
  readonly byteLength: number;
}

/**
 * Reads and validates only the safetensors header of the file at `path` (no tensor byte is read, whatever the
 * file's size), with the file's length.
 *
 * @example
 * ```ts
 * const { header, byteLength } = await readCheckpointHeader('run/checkpoint.safetensors');
 * header.entries.map((e) => e.name);
 * ```
 */
export async function readCheckpointHeader(path: string): Promise<CheckpointHeader> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`readCheckpointHeader: argument 'path' must be a non-empty string`);
  return withFile('readCheckpointHeader', path, async (file) => ({ header: await readSafetensorsHeaderFrom(file), byteLength: file.byteLength }));
}

/**
 * Saves a checkpoint (see {@link encodeCheckpoint}) to `path` atomically: an interrupted or failed save leaves the
 * previous file at `path` intact and loadable.
 *
 * @example
 * ```ts
 * await saveCheckpoint('run/latest.safetensors', { model, optimizer, step, rng: generator, config, vocab });
 * ```
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`saveCheckpoint: argument 'path' must be a non-empty string`);
  // Checked before encoding, so that outside Node the error names this function and its bytes-based counterpart.
  requireNodeBuiltin('node:fs/promises', 'saveCheckpoint (use encodeCheckpoint for bytes)');
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

/**
 * Reads and decodes the checkpoint at `path`, and restores it into `targets` when given (see
 * {@link restoreCheckpoint}). The file is read header first and then tensor by tensor from its offsets, never whole,
 * so checkpoints over 2 GiB load and memory stays bounded by the tensors themselves. A truncated or corrupted file, or
 * metadata that fails validation, throws `CheckpointCorruptError` naming the path and the field.
 *
 * @param targets - where to restore to, plus the backend to create tensors on and `downcastFloat64` (load F64
 *   tensors as float32, for backends without float64)
 * @example
 * ```ts
 * const ckpt = await loadCheckpoint('run/latest.safetensors', { model, optimizer, generator });
 * let step = ckpt.step ?? 0;
 * ```
 */
export async function loadCheckpoint(path: string, targets?: RestoreTargets & DecodeSafetensorsOptions): Promise<Checkpoint> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`loadCheckpoint: argument 'path' must be a non-empty string`);
  const options = { backend: targets?.backend, downcastFloat64: targets?.downcastFloat64 };
  const checkpoint = await withFile('loadCheckpoint', path, async (file) => checkpointOf('loadCheckpoint', await decodeSafetensorsFrom(file, options)));
  if (targets !== undefined) restoreCheckpoint(checkpoint, targets);
  return checkpoint;
}

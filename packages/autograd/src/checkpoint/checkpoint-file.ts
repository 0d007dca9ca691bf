// saveCheckpoint/loadCheckpoint: checkpoints on disk, written atomically (Node.js only; elsewhere use the byte functions).
import { CheckpointCorruptError, InvalidArgumentError, requireNodeBuiltin } from '@seqlab/tensor-core';
import { writeFileAtomic } from './atomic-write.js';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint, type Checkpoint, type CheckpointContents, type RestoreTargets } from './checkpoint.js';

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
 * {@link restoreCheckpoint}). A truncated or corrupted file throws `CheckpointCorruptError`.
 *
 * @example
 * ```ts
 * const ckpt = await loadCheckpoint('run/latest.safetensors', { model, optimizer, generator });
 * let step = ckpt.step ?? 0;
 * ```
 */
export async function loadCheckpoint(path: string, targets?: RestoreTargets & { backend?: string }): Promise<Checkpoint> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`loadCheckpoint: argument 'path' must be a non-empty string`);
  const { readFile } = requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'loadCheckpoint (use decodeCheckpoint on bytes)');
  const buffer = await readFile(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let checkpoint: Checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes, { backend: targets?.backend });
  } catch (e) {
    if (e instanceof CheckpointCorruptError) throw new CheckpointCorruptError(`loadCheckpoint(${path}): ${e.message}`);
    throw e;
  }
  if (targets !== undefined) restoreCheckpoint(checkpoint, targets);
  return checkpoint;
}

// Variable-length batches: checking `lengths` and the per-step masks that freeze finished sequences.
import { InvalidArgumentError, ShapeMismatchError, Tensor, tensor } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';

/** Valid length of every sequence of a padded batch: an array, an Int32Array or an int32 tensor of shape `[batch]`. */
export type SequenceLengths = readonly number[] | Int32Array | Tensor;

/**
 * Checks `lengths` against a batch of `batch` sequences padded to `steps` time steps: one integer per sequence in
 * `1..steps`. Returns them as an Int32Array, or null when every sequence is full length (nothing to mask).
 */
export function checkLengths(op: string, value: unknown, batch: number, steps: number, name = 'lengths'): Int32Array | null {
  if (value === undefined || value === null) return null;
  let values: ArrayLike<number>;
  if (value instanceof Tensor) {
    if (value.dtype !== 'int32' || value.rank !== 1) {
      throw new InvalidArgumentError(`${op}: argument '${name}' must be an int32 tensor of shape [${batch}]; received ${describeValue(value)}`);
    }
    values = value.dataSync();
  } else if (Array.isArray(value) || value instanceof Int32Array) {
    values = value as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError(
      `${op}: argument '${name}' must be an array, Int32Array or int32 tensor of sequence lengths; received ${describeValue(value)}`,
    );
  }
  if (values.length !== batch) {
    throw new ShapeMismatchError(`${op}: argument '${name}' must hold one length per sequence (${batch}); received ${values.length}`);
  }
  const out = new Int32Array(batch);
  let full = true;
  for (let b = 0; b < batch; b++) {
    const n = values[b];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > steps) {
      throw new InvalidArgumentError(
        `${op}: argument '${name}' must hold integers in [1, ${steps}] (the padded sequence length); received ${describeValue(n)} at index ${b}`,
      );
    }
    out[b] = n;
    if (n !== steps) full = false;
  }
  return full ? null : out;
}

/**
 * One `[batch, 1]` bool mask per time step, true where step t is inside sequence b (`t < lengths[b]`), or null
 * for steps where every sequence is still running (no masking needed there).
 */
export function stepMasks(lengths: Int32Array, steps: number, backend: string): (Tensor | null)[] {
  const batch = lengths.length;
  const masks: (Tensor | null)[] = [];
  for (let t = 0; t < steps; t++) {
    const m = new Uint8Array(batch);
    let all = true;
    for (let b = 0; b < batch; b++) {
      m[b] = t < lengths[b] ? 1 : 0;
      if (m[b] === 0) all = false;
    }
    masks.push(all ? null : tensor(m, [batch, 1], { dtype: 'bool', backend }));
  }
  return masks;
}

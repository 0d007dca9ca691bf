// Padding variable-length token sequences into one int32 batch, with lengths and a float32 mask.
import { InvalidArgumentError, tensor, type Tensor } from '@seqlab/tensor-core';
import { checkNonNegativeInt, checkOptions, describeValue, toTokenArray } from '../validate.js';

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** Id written into padding. Default 0 (`<pad>` of the word tokenizers). */
  padValue?: number;
  /** Width of the batch; default the longest sequence. A longer sequence is an error, never silently cut. */
  length?: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/** Sequences padded to one width. */
export interface PaddedBatch {
  /** int32 `[batchSize, width]`: each sequence followed by `padValue`. */
  readonly tokens: Tensor;
  /** int32 `[batchSize]`: each sequence's length. */
  readonly lengths: Tensor;
  /** float32 `[batchSize, width]`: 1 over each sequence, 0 over its padding (multiply a per-step loss by it). */
  readonly mask: Tensor;
}

/**
 * Pads token sequences on the right to a common width.
 *
 * @param sequences - token id sequences (arrays or typed arrays)
 * @example
 * ```ts
 * const { tokens, lengths, mask } = padSequences([[5, 6, 7], [8]]);
 * tokens.toArray();  // [[5, 6, 7], [8, 0, 0]]
 * lengths.toArray(); // [3, 1]
 * mask.toArray();    // [[1, 1, 1], [1, 0, 0]]
 * ```
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options?: PadOptions): PaddedBatch {
  const fn = 'padSequences';
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new InvalidArgumentError(`${fn}: argument 'sequences' must be a non-empty array of token sequences; received ${describeValue(sequences)}`);
  }
  const opts = checkOptions(fn, options);
  const padValue = opts.padValue ?? 0;
  if (!Number.isInteger(padValue) || padValue < -0x8000_0000 || padValue > 0x7fff_ffff) {
    throw new InvalidArgumentError(`${fn}: argument 'padValue' must be an int32 id; received ${describeValue(padValue)}`);
  }
  const rows = sequences.map((s, i) => toTokenArray(fn, `sequences[${i}]`, s));
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, r.length);
  const width = opts.length === undefined ? longest : checkNonNegativeInt(fn, 'length', opts.length);
  if (longest > width) {
    const i = rows.findIndex((r) => r.length > width);
    throw new InvalidArgumentError(`${fn}: argument 'length' is ${width} but sequences[${i}] has ${rows[i].length} tokens; expected every sequence to fit`);
  }
  const batch = rows.length;
  const tokens = new Int32Array(batch * width);
  const mask = new Float32Array(batch * width);
  const lengths = new Int32Array(batch);
  if (padValue !== 0) tokens.fill(padValue);
  rows.forEach((r, b) => {
    tokens.set(r, b * width);
    mask.fill(1, b * width, b * width + r.length);
    lengths[b] = r.length;
  });
  const backend = opts.backend;
  return {
    tokens: tensor(tokens, [batch, width], { dtype: 'int32', backend }),
    lengths: tensor(lengths, [batch], { dtype: 'int32', backend }),
    mask: tensor(mask, [batch, width], { dtype: 'float32', backend }),
  };
}

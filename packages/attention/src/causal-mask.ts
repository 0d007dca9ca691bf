// Causal masks: the bool mask the attention paths use and PyTorch's float generateSquareSubsequentMask.
import { checkPositiveInt, tensor, type DType, type Tensor } from '@seqlab/tensor-core';

/**
 * Bool mask `[L, S]` with `true` (masked) where key `j` lies after query `i`, i.e. `j > i + offset`. With
 * `offset` 0 this is PyTorch's `is_causal`; with `offset = S − L` the queries are the last L positions of the keys.
 *
 * @example
 * ```ts
 * causalMask(2, 3).toArray();    // [[false, true, true], [false, false, true]]
 * causalMask(2, 4, 2).toArray(); // [[false, false, false, true], [false, false, false, false]]: the last 2 of 4 positions
 * const q = randn([1, 2, 3, 8]);
 * const { output } = scaledDotProductAttention(q, q, q, { mask: causalMask(3, 3) }); // the same as isCausal: true
 * ```
 */
export function causalMask(queryLength: number, keyLength: number, offset = 0, backend?: string): Tensor {
  const data = new Uint8Array(queryLength * keyLength);
  for (let i = 0; i < queryLength; i++) {
    for (let j = Math.max(0, i + offset + 1); j < keyLength; j++) data[i * keyLength + j] = 1;
  }
  return tensor(data, [queryLength, keyLength], { dtype: 'bool', backend });
}

/**
 * The float causal mask of `nn.Transformer.generate_square_subsequent_mask(size)`: `[size, size]` with `-Infinity`
 * above the diagonal (position i may not attend to j > i) and 0 elsewhere. Pass it as `attnMask`/`srcMask`/`tgtMask`;
 * a bool mask (`causalMask`) or `isCausal: true` does the same.
 *
 * @example
 * ```ts
 * generateSquareSubsequentMask(3).toArray(); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 * ```
 */
export function generateSquareSubsequentMask(size: number, options: { dtype?: DType; backend?: string } = {}): Tensor {
  checkPositiveInt('generateSquareSubsequentMask', 'size', size);
  const data = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) data[i * size + j] = -Infinity;
  return tensor(data, [size, size], { dtype: options.dtype ?? 'float32', backend: options.backend });
}

// Heads inside projection tensors: the strided views the fused kernel reads and the split the composed path builds.
import { permute, reshape, slice, type Tensor } from '@seqlab/tensor-core';
import type { HeadView } from './attention-spec.js';

/** Where a group of heads sits: columns `[column, column + heads·headDim)` of `sources[source]`. */
export interface HeadColumns {
  /** Index of the projection tensor among the attention call's sources. */
  readonly source: number;
  /** First column of head 0. */
  readonly column: number;
}

/**
 * The fused-kernel view of heads stored side by side in a projection tensor `[B, L, W]` (batch first) or
 * `[L, B, W]`: head h of row i of batch entry b starts at `column + h·headDim`.
 */
export function headView(projection: Tensor, at: HeadColumns, headDim: number, batchFirst: boolean): HeadView {
  const [d0, , width] = projection.shape;
  const batch = batchFirst ? d0 : projection.shape[1];
  return {
    source: at.source,
    offset: at.column,
    batchStride: batchFirst ? projection.shape[1] * width : width,
    headStride: headDim,
    rowStride: batchFirst ? width : batch * width,
  };
}

/** The same heads as a `[B, H, L, D]` tensor built with ops (slice, reshape, permute), for the composed path. */
export function splitHeads(projection: Tensor, column: number, heads: number, headDim: number, batchFirst: boolean): Tensor {
  const [d0, d1, width] = projection.shape;
  const cols = heads * headDim;
  const part = column === 0 && width === cols ? projection : slice(projection, [0, 0, column], [d0, d1, cols]);
  return permute(reshape(part, [d0, d1, heads, headDim]), batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]);
}

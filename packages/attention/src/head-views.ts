// Heads inside source tensors: the strided views that describe q, k and v once, and the one function that builds a view
// as a tensor with ops (reshape, slice, permute) for the composed path.
import { formatShape, permute, reshape, ShapeMismatchError, slice, type Tensor } from '@seqlab/tensor-core';
import type { HeadView } from './attention-spec.js';

/** Where a group of heads sits: columns `[column, column + heads·headDim)` of `sources[source]`. */
export interface HeadColumns {
  /** Index of the projection tensor among the attention call's sources. */
  readonly source: number;
  /** First column of head 0. */
  readonly column: number;
}

/**
 * The view of heads stored side by side in a projection tensor `[B, L, W]` (batch first) or `[L, B, W]`: head h of
 * row i of batch entry b starts at `column + h·headDim`.
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

/** The view of a contiguous `[B, H, rows, cols]` tensor (any leading dimensions folding to `B·H`). */
export function contiguousView(source: number, heads: number, rows: number, cols: number): HeadView {
  return { source, offset: 0, batchStride: heads * rows * cols, headStride: rows * cols, rowStride: cols };
}

/**
 * `view` of the contiguous tensor `source` as a `[B, H, rows, cols]` tensor built with ops: the source is reshaped so
 * that each of the view's dimensions is one of its axes (ordered by stride), sliced at the view's offset and permuted
 * back to `[B, H, rows, cols]`. Differentiable like any op chain; equal element for element to what the fused kernel
 * reads through the same view.
 */
export function viewAsTensor(source: Tensor, view: HeadView, shape: readonly [number, number, number, number]): Tensor {
  // An empty view reads nothing (and its strides may be 0): any empty tensor of its shape is it.
  if (shape.includes(0)) return reshape(slice(reshape(source, [source.size]), [0], [0]), [...shape]);
  // Dimensions of size 1 have no meaningful stride: leave them out and put them back with the final reshape.
  const dims = [view.batchStride, view.headStride, view.rowStride, 1]
    .map((stride, axis) => ({ axis, stride, size: shape[axis] }))
    .filter((d) => d.size !== 1)
    .sort((a, b) => b.stride - a.stride || a.axis - b.axis);
  const factors: number[] = [];
  const begin: number[] = [];
  const size: number[] = [];
  let outer = source.size;
  let rest = view.offset;
  for (const d of dims) {
    const at = Math.floor(rest / d.stride);
    if (outer % d.stride !== 0 || at + d.size > outer / d.stride) {
      const received = `${JSON.stringify(view)} for shape ${formatShape(shape)}`;
      throw new ShapeMismatchError(
        `viewAsTensor: argument 'view' must lie inside 'source' (shape ${formatShape(source.shape)}) with nested strides; received ${received}`,
      );
    }
    factors.push(outer / d.stride);
    begin.push(at);
    size.push(d.size);
    rest %= d.stride;
    outer = d.stride;
  }
  if (outer > 1) {
    factors.push(outer);
    begin.push(rest);
    size.push(1);
  }
  let t = factors.length === source.rank && factors.every((f, i) => f === source.shape[i]) ? source : reshape(source, factors);
  if (begin.some((b, i) => b !== 0 || size[i] !== factors[i])) t = slice(t, begin, size);
  const order = dims.map((d) => d.axis);
  if (order.some((axis, i) => i > 0 && axis < order[i - 1])) {
    // Permute the sorted dimensions back into axis order (a trailing remainder of size 1 stays last).
    const perm = [...order.keys()].sort((a, b) => order[a] - order[b]);
    t = permute(t, size.length > order.length ? [...perm, order.length] : perm);
  }
  return t.shape.length === 4 && t.shape.every((n, i) => n === shape[i]) ? t : reshape(t, [...shape]);
}

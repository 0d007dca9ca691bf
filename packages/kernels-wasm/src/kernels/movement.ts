// wasm kernels for data movement: every one is a strided copy (assembly/copy.ts) plus, for pad, a fill.
import { allocArray, sizeOf, type DType, type Kernels, type Shape, type TensorInfo, type TypedArray } from '@seqlab/tensor-core';
import { allocFor, elementBytes, ptr, runtime } from '../context.js';
import { recycler, uninitialisedArray } from '../recycler.js';
import { broadcastStridesOf, coalesce, contiguousStrides, writeWalk, type StridedWalk } from '../dims.js';

/** Copies the view (shape, source strides from byte address src) into dst laid out with dstStrides. */
function copy(dtype: DType, shape: Shape, src: number, srcStrides: readonly number[], dst: number, dstStrides: readonly number[]): void {
  if (sizeOf(shape) === 0) return;
  const rt = runtime();
  const walk = coalesce(shape, [srcStrides, dstStrides]);
  if (!transposeBlocks(dtype, walk, src, dst)) {
    const dims = writeWalk(rt.heap, walk);
    rt.exports.copyStrided(elementBytes(dtype), src, dst, walk.shape.length, dims);
  }
}

/**
 * Copies the `[d0, d1, inner]` block at byte address `src` to `dst` as `[d1, d0, inner]` (its two leading axes
 * swapped: a time-major sequence to batch-first, or back), one run of `inner` elements at a time.
 */
export function swapLeadingAxes(dtype: DType, src: number, dst: number, d0: number, d1: number, inner: number): void {
  copy(dtype, [d1, d0, inner], src, [inner, d1 * inner, 1], dst, contiguousStrides([d1, d0, inner]));
}

/**
 * When the destination's innermost dimension is strided in the source but another dimension is contiguous there
 * (a true transpose), copies 2-D blocks with the tiled kernel instead of walking the source column by column.
 * Returns false when the walk is not of that form or the blocks are too small to pay off.
 */
function transposeBlocks(dtype: DType, walk: StridedWalk, src: number, dst: number): boolean {
  const [sStr, dStr] = walk.strides;
  const rank = walk.shape.length;
  const last = rank - 1;
  if (rank < 2 || dStr[last] !== 1 || sStr[last] === 1) return false;
  const d = sStr.indexOf(1);
  if (d < 0 || d === last || walk.shape[d] * walk.shape[last] < 64) return false;
  const bytes = elementBytes(dtype);
  const outer = walk.shape.map((_, i) => i).filter((i) => i !== d && i !== last);
  const exports = runtime().exports;
  forEachBlock(walk, outer, (so, doff) =>
    exports.transposeBlock(bytes, src + so * bytes, dst + doff * bytes, walk.shape[d], walk.shape[last], sStr[last], dStr[d]),
  );
  return true;
}

/**
 * Calls `visit` with the source and destination element offsets of every index of `walk`'s dimensions `dims` (the
 * others held at 0), the last of `dims` varying fastest.
 */
function forEachBlock(walk: StridedWalk, dims: readonly number[], visit: (src: number, dst: number) => void): void {
  const [sStr, dStr] = walk.strides;
  const counter = new Array<number>(dims.length).fill(0);
  let blocks = 1;
  for (const i of dims) blocks *= walk.shape[i];
  let so = 0,
    doff = 0;
  for (let b = 0; b < blocks; b++) {
    visit(so, doff);
    for (let k = dims.length - 1; k >= 0; k--) {
      const i = dims[k];
      so += sStr[i];
      doff += dStr[i];
      if (++counter[k] < walk.shape[i]) break;
      so -= sStr[i] * walk.shape[i];
      doff -= dStr[i] * walk.shape[i];
      counter[k] = 0;
    }
  }
}

/** Fills `size` elements of `dtype` at `dst` with `value`. */
export function fill(dtype: DType, dst: number, size: number, value: number): void {
  const heap = runtime().heap;
  if (dtype === 'bool') heap.u8.fill(value, dst, dst + size);
  else if (dtype === 'int32') heap.i32.fill(value, dst >>> 2, (dst >>> 2) + size);
  else heap.f32.fill(value, dst >>> 2, (dst >>> 2) + size);
}

/** Elements a contiguous run must hold for {@link rowTranspose} to copy runs in JS rather than stage through wasm. */
const ROW_TRANSPOSE_MIN_RUN = 64;

/**
 * A transpose that keeps runs of at least {@link ROW_TRANSPOSE_MIN_RUN} contiguous elements (swapping the outer axes
 * of `[T, B, H]`, as batch-first recurrent layers do) as one pass of run copies in JS, straight from the input's
 * array into the result's: through wasm it would be a copy in, the permutation and a copy out. Only outside any
 * kernel call and where results are arrays (not scratch results that stay in wasm memory); returns undefined where
 * it does not apply, for the wasm kernel to run.
 */
export function rowTranspose(x: TensorInfo, perm: readonly number[]): TypedArray | undefined {
  const frame = runtime().frame;
  if (frame.isOpen || frame.promotesResults || !ArrayBuffer.isView(x.handle)) return undefined;
  const inStrides = contiguousStrides(x.shape);
  const outShape = perm.map((d) => x.shape[d]);
  const walk = coalesce(outShape, [perm.map((d) => inStrides[d]), contiguousStrides(outShape)]);
  const [src, dst] = walk.strides;
  const last = walk.shape.length - 1;
  const run = walk.shape[last];
  if (src[last] !== 1 || dst[last] !== 1 || run < ROW_TRANSPOSE_MIN_RUN) return undefined;
  const input = x.handle as TypedArray;
  const out = resultArray(x.dtype, x.size);
  const outer = walk.shape.slice(0, last).map((_, i) => i);
  forEachBlock(walk, outer, (so, doff) => out.set(input.subarray(so, so + run) as ArrayLike<number>, doff));
  return out;
}

/** A result array of `size` elements (contents undefined): a disposed tensor's, or a new one. */
function resultArray(dtype: DType, size: number): TypedArray {
  return recycler.take(dtype, size) ?? recycler.own(uninitialisedArray(dtype, size) ?? allocArray(dtype, size));
}

function transpose(x: TensorInfo, perm: readonly number[]): number {
  const out = allocFor(x.dtype, x.size);
  const inStrides = contiguousStrides(x.shape);
  const outShape = perm.map((d) => x.shape[d]);
  copy(
    x.dtype,
    outShape,
    ptr(x),
    perm.map((d) => inStrides[d]),
    out,
    contiguousStrides(outShape),
  );
  return out;
}

function expand(x: TensorInfo, shape: Shape): number {
  const out = allocFor(x.dtype, sizeOf(shape));
  copy(x.dtype, shape, ptr(x), broadcastStridesOf(x.shape, shape), out, contiguousStrides(shape));
  return out;
}

function slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): number {
  const out = allocFor(x.dtype, sizeOf(size));
  const strides = contiguousStrides(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d] * strides[d];
  copy(x.dtype, size, ptr(x) + offset * elementBytes(x.dtype), strides, out, contiguousStrides(size));
  return out;
}

function concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): number {
  const dtype = xs[0].dtype;
  const out = allocFor(dtype, sizeOf(outShape));
  const outStrides = contiguousStrides(outShape);
  let start = 0;
  for (const x of xs) {
    copy(dtype, x.shape, ptr(x), contiguousStrides(x.shape), out + start * outStrides[axis] * elementBytes(dtype), outStrides);
    start += x.shape[axis];
  }
  return out;
}

function pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): number {
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const size = sizeOf(outShape);
  const out = allocFor(x.dtype, size);
  fill(x.dtype, out, size, value);
  const outStrides = contiguousStrides(outShape);
  let offset = 0;
  for (let d = 0; d < outShape.length; d++) offset += pads[d][0] * outStrides[d];
  copy(x.dtype, x.shape, ptr(x), contiguousStrides(x.shape), out + offset * elementBytes(x.dtype), outStrides);
  return out;
}

function flip(x: TensorInfo, axes: readonly number[]): number {
  const out = allocFor(x.dtype, x.size);
  const strides = contiguousStrides(x.shape);
  let offset = 0;
  for (const a of axes) {
    if (x.shape[a] === 0) continue;
    offset += (x.shape[a] - 1) * strides[a];
    strides[a] = -strides[a];
  }
  copy(x.dtype, x.shape, ptr(x) + offset * elementBytes(x.dtype), strides, out, contiguousStrides(x.shape));
  return out;
}

function triangle(x: TensorInfo, k: number, upper: boolean): number {
  const bytes = elementBytes(x.dtype);
  const out = allocFor(x.dtype, x.size);
  const heap = runtime().heap;
  heap.u8.copyWithin(out, ptr(x), ptr(x) + x.size * bytes);
  const rank = x.shape.length;
  const rows = rank >= 2 ? x.shape[rank - 2] : 1,
    cols = rank >= 1 ? x.shape[rank - 1] : 1;
  const matrices = rows * cols === 0 ? 0 : x.size / (rows * cols);
  const view = bytes === 1 ? heap.u8 : heap.i32;
  const base = out / bytes;
  for (let b = 0; b < matrices; b++) {
    for (let i = 0; i < rows; i++) {
      const row = base + (b * rows + i) * cols;
      // Lower keeps j ≤ i + k; upper keeps j ≥ i + k. Zero the rest of the row.
      if (upper) view.fill(0, row, row + Math.max(0, Math.min(cols, i + k)));
      else view.fill(0, row + Math.max(0, Math.min(cols, i + k + 1)), row + cols);
    }
  }
  return out;
}

/** Movement kernels. */
export const movementKernels = { transpose, expand, slice, concat, pad, flip, triangle } satisfies Pick<
  Kernels,
  'transpose' | 'expand' | 'slice' | 'concat' | 'pad' | 'flip' | 'triangle'
>;

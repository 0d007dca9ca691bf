// CPU kernels for data movement: blocked transpose, expand, slice, concat, pad, flip and the triangle mask.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';

/** Edge of the square tile a transpose copies at a time: 32×32 elements of 8 bytes stay within L1. */
const TILE = 32;

/** Below this many elements a plain loop beats the call overhead of `TypedArray.set`. */
const SHORT_ROW = 16;

function src(x: TensorInfo): TypedArray {
  return x.handle as TypedArray;
}

/** Copies `n` contiguous elements; `set` on a subarray is a memmove, a loop is cheaper for short runs. */
function copyRun(from: TypedArray, fromOffset: number, to: TypedArray, toOffset: number, n: number): void {
  if (n < SHORT_ROW) {
    for (let i = 0; i < n; i++) to[toOffset + i] = from[fromOffset + i];
  } else {
    to.set(from.subarray(fromOffset, fromOffset + n) as ArrayLike<number>, toOffset);
  }
}

/**
 * Drops size-1 dimensions and merges input dimensions that stay adjacent and in order under `perm`,
 * so that e.g. `[B, T, H, D] → [B, H, T, D]` becomes a plain 2-D transpose of `[T, H]` blocks with rows of D.
 */
function simplifyPermutation(shape: Shape, perm: readonly number[]): { shape: number[]; perm: number[] } {
  const keep: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) keep.push(d);
  // Renumber the kept input dims 0..k-1 and drop size-1 dims from the permutation.
  const renumber = new Int32Array(shape.length).fill(-1);
  keep.forEach((d, i) => (renumber[d] = i));
  const reducedPerm = perm.filter((d) => shape[d] !== 1).map((d) => renumber[d]);
  const reducedShape = keep.map((d) => shape[d]);
  // Group runs of consecutive input dims that appear consecutively in the output.
  const groups: number[][] = [];
  for (const d of reducedPerm) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[last.length - 1] + 1 === d) last.push(d);
    else groups.push([d]);
  }
  // Merged input dims are the groups ordered by their first input dim.
  const byInput = groups.map((g, outPos) => ({ g, outPos })).sort((a, b) => a.g[0] - b.g[0]);
  const mergedShape = byInput.map(({ g }) => g.reduce((s, d) => s * reducedShape[d], 1));
  const inputPosOfGroup = new Array<number>(groups.length);
  byInput.forEach(({ outPos }, inPos) => (inputPosOfGroup[outPos] = inPos));
  return { shape: mergedShape, perm: inputPosOfGroup };
}

/**
 * One 2-D transpose: `out[outBase + r*rowStride + c] = a[inBase + r + c*colStride]` for a `rows × cols` output
 * block, in TILE×TILE tiles. Kept small and separate so the JIT optimises this hot loop on its own.
 */
function transposeTiles(
  a: TypedArray,
  inBase: number,
  colStride: number,
  out: TypedArray,
  outBase: number,
  rowStride: number,
  rows: number,
  cols: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const o = outBase + r * rowStride;
        const i = inBase + r;
        for (let c = c0; c < c1; c++) out[o + c] = a[i + c * colStride];
      }
    }
  }
}

/** Transpose whose last dim stays last: contiguous rows of the input land as contiguous rows of the output. */
function transposeRows(a: TypedArray, out: TypedArray, outShape: Shape, inStrides: readonly number[]): void {
  const rank = outShape.length;
  const n = outShape[rank - 1];
  const counter = new Int32Array(rank - 1);
  const rows = out.length / n;
  let inOffset = 0;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    copyRun(a, inOffset, out, o, n);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      inOffset += inStrides[d];
      if (counter[d] < outShape[d]) break;
      inOffset -= inStrides[d] * outShape[d];
      counter[d] = 0;
    }
  }
}

function transpose(x: TensorInfo, perm: readonly number[]): TypedArray {
  const a = src(x);
  const out = allocArray(x.dtype, x.size);
  if (x.size === 0) return out;
  const { shape, perm: p } = simplifyPermutation(x.shape, perm);
  const rank = shape.length;
  if (rank <= 1) {
    out.set(a as ArrayLike<number>);
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = p.map((d) => shape[d]);
  const outStrides = stridesOf(outShape);
  if (p[rank - 1] === rank - 1) {
    transposeRows(
      a,
      out,
      outShape,
      p.map((d) => inStrides[d]),
    );
    return out;
  }
  // The innermost output dim (input dim p[rank-1], stride `colStride`) and the output dim holding the
  // input's contiguous last dim (output stride `rowStride`) form a 2-D transpose, copied in TILE×TILE
  // blocks so that reads and writes both stay in cache.
  const rowPos = p.indexOf(rank - 1);
  const rows = shape[rank - 1];
  const cols = outShape[rank - 1];
  const colStride = inStrides[p[rank - 1]];
  const rowStride = outStrides[rowPos];
  // The remaining output dims are walked by an odometer that tracks both offsets.
  const outerDims: number[] = [];
  for (let d = 0; d < rank - 1; d++) if (d !== rowPos) outerDims.push(d);
  const nOuter = outerDims.length;
  const outerSize = new Int32Array(nOuter);
  const outerIn = new Int32Array(nOuter);
  const outerOut = new Int32Array(nOuter);
  for (let k = 0; k < nOuter; k++) {
    const d = outerDims[k];
    outerSize[k] = outShape[d];
    outerIn[k] = inStrides[p[d]];
    outerOut[k] = outStrides[d];
  }
  const counter = new Int32Array(nOuter);
  let total = 1;
  for (let k = 0; k < nOuter; k++) total *= outerSize[k];
  let inBase = 0;
  let outBase = 0;
  for (let b = 0; b < total; b++) {
    transposeTiles(a, inBase, colStride, out, outBase, rowStride, rows, cols);
    for (let k = nOuter - 1; k >= 0; k--) {
      counter[k]++;
      inBase += outerIn[k];
      outBase += outerOut[k];
      if (counter[k] < outerSize[k]) break;
      inBase -= outerIn[k] * outerSize[k];
      outBase -= outerOut[k] * outerSize[k];
      counter[k] = 0;
    }
  }
  return out;
}

function expand(x: TensorInfo, shape: Shape): TypedArray {
  const a = src(x);
  const out = allocArray(x.dtype, sizeOf(shape));
  if (out.length === 0) return out;
  const rank = shape.length;
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  // `suffixSame[d]`: dims d.. are not broadcast, so that block is one contiguous copy of the input.
  const suffixSame = new Uint8Array(rank + 1);
  suffixSame[rank] = 1;
  for (let d = rank - 1; d >= 0; d--) suffixSame[d] = suffixSame[d + 1] && x.shape[d] === shape[d] ? 1 : 0;
  // Writes the block of output dims d.. once, then repeats it with copyWithin along broadcast dims.
  const fill = (d: number, inOff: number, outOff: number): void => {
    if (suffixSame[d]) {
      copyRun(a, inOff, out, outOff, d === rank ? 1 : outStrides[d] * shape[d]);
      return;
    }
    if (x.shape[d] === 1) {
      fill(d + 1, inOff, outOff);
      // Double the written run each time: log2(repeats) copyWithin calls even when the block is one element.
      const total = outStrides[d] * shape[d];
      for (let done = outStrides[d]; done < total;) {
        const n = Math.min(done, total - done);
        out.copyWithin(outOff + done, outOff, outOff + n);
        done += n;
      }
      return;
    }
    for (let i = 0; i < shape[d]; i++) fill(d + 1, inOff + i * inStrides[d], outOff + i * outStrides[d]);
  };
  fill(0, 0, 0);
  return out;
}

/**
 * Visits every row of a box inside a larger row-major array: `boxShape` starting at `begin` within
 * `shape`, after merging trailing dims that the box covers fully so rows are as long as possible.
 * `visit(offset, outIndex, n)` gets the flat offset of the row in the large array, the row's position in
 * the box's own row-major order (in elements), and its length.
 */
function forEachBoxRow(shape: Shape, begin: readonly number[], boxShape: Shape, visit: (offset: number, boxOffset: number, n: number) => void): void {
  const rank = shape.length;
  if (sizeOf(boxShape) === 0) return;
  if (rank === 0) {
    visit(0, 0, 1);
    return;
  }
  const strides = stridesOf(shape);
  // Merge the trailing fully-covered dims into the row: the row runs over dims `first..rank-1`.
  let first = rank - 1;
  let n = boxShape[rank - 1];
  while (first > 0 && boxShape[first] === shape[first]) {
    first--;
    n *= boxShape[first];
  }
  let offset = 0;
  for (let d = 0; d < rank; d++) offset += begin[d] * strides[d];
  const counter = new Int32Array(first);
  let rows = 1;
  for (let d = 0; d < first; d++) rows *= boxShape[d];
  for (let r = 0; r < rows; r++) {
    visit(offset, r * n, n);
    for (let d = first - 1; d >= 0; d--) {
      counter[d]++;
      offset += strides[d];
      if (counter[d] < boxShape[d]) break;
      offset -= strides[d] * boxShape[d];
      counter[d] = 0;
    }
  }
}

function slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TypedArray {
  const a = src(x);
  const out = allocArray(x.dtype, sizeOf(size));
  forEachBoxRow(x.shape, begin, size, (offset, boxOffset, n) => copyRun(a, offset, out, boxOffset, n));
  return out;
}

function pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): TypedArray {
  const a = src(x);
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const out = allocArray(x.dtype, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  const begin = pads.map((p) => p[0]);
  forEachBoxRow(outShape, begin, x.shape, (offset, boxOffset, n) => copyRun(a, boxOffset, out, offset, n));
  return out;
}

function concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): TypedArray {
  const out = allocArray(xs[0].dtype, sizeOf(outShape));
  if (out.length === 0) return out;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  let inner = 1;
  for (let d = axis + 1; d < outShape.length; d++) inner *= outShape[d];
  const blocks = xs.map((t) => t.shape[axis] * inner);
  const arrays = xs.map(src);
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < arrays.length; k++) {
      const n = blocks[k];
      copyRun(arrays[k], o * n, out, pos, n);
      pos += n;
    }
  }
  return out;
}

function flip(x: TensorInfo, axes: readonly number[]): TypedArray {
  const a = src(x);
  const out = allocArray(x.dtype, x.size);
  if (x.size === 0) return out;
  const rank = x.shape.length;
  if (rank === 0 || axes.length === 0) {
    out.set(a as ArrayLike<number>);
    return out;
  }
  const strides = stridesOf(x.shape);
  const flipped = new Uint8Array(rank);
  for (const d of axes) flipped[d] = 1;
  // Walk the output in order; the input offset starts at the far end of each flipped dim and steps back.
  const step = new Int32Array(rank);
  let inOffset = 0;
  for (let d = 0; d < rank; d++) {
    step[d] = flipped[d] ? -strides[d] : strides[d];
    if (flipped[d]) inOffset += (x.shape[d] - 1) * strides[d];
  }
  const n = x.shape[rank - 1];
  const reverseRow = flipped[rank - 1] === 1;
  const counter = new Int32Array(rank - 1);
  const rows = x.size / n;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    if (reverseRow) for (let i = 0; i < n; i++) out[o + i] = a[inOffset - i];
    else copyRun(a, inOffset, out, o, n);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      inOffset += step[d];
      if (counter[d] < x.shape[d]) break;
      inOffset -= step[d] * x.shape[d];
      counter[d] = 0;
    }
  }
  return out;
}

function triangle(x: TensorInfo, k: number, upper: boolean): TypedArray {
  const a = src(x);
  const out = allocArray(x.dtype, x.size);
  if (x.size === 0) return out;
  const rank = x.shape.length;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  const batches = x.size / (rows * cols);
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < rows; i++) {
      const rowOffset = (b * rows + i) * cols;
      // Lower keeps columns j <= i + k; upper keeps j >= i + k.
      const from = upper ? Math.min(cols, Math.max(0, i + k)) : 0;
      const to = upper ? cols : Math.min(cols, Math.max(0, i + k + 1));
      if (to > from) copyRun(a, rowOffset + from, out, rowOffset + from, to - from);
    }
  }
  return out;
}

/** CPU movement kernels (every dtype). */
export const movementKernels: Pick<Kernels, 'transpose' | 'expand' | 'slice' | 'concat' | 'pad' | 'flip' | 'triangle'> = {
  transpose,
  expand,
  slice,
  concat,
  pad,
  flip,
  triangle,
};

// CPU reduction kernels (sum, prod, max, min over axis sets; argmax, argmin along one axis).
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import type { ReduceOpName } from '../ops/names.js';

/** A reduction's input shape after {@link coalesceReduction}: dims, and whether each is reduced. */
export interface Coalesced {
  /** Dimension sizes, none of them 1. */
  dims: number[];
  /** Whether each dim is reduced; neighbours always differ. */
  reduced: boolean[];
}

/**
 * The input shape of a reduction over `axes` with size-1 dims dropped and neighbouring dims of the same kind (reduced
 * or kept) merged. Reducing `[a, b, c, d]` over `{1, 2}` is the same as reducing `[a, b·c, d]` over `{1}`, and fewer,
 * longer dims mean longer inner loops (or fewer passes); exported for backend authors.
 *
 * @example
 * ```ts
 * const { dims, reduced } = coalesceReduction([2, 3, 1, 4, 5], [1, 2, 3]);
 * console.assert(dims.join() === '2,12,5' && reduced.join() === 'false,true,false');
 * ```
 */
export function coalesceReduction(shape: readonly number[], axes: readonly number[]): Coalesced {
  const dims: number[] = [];
  const reduced: boolean[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const r = axes.includes(d);
    const last = dims.length - 1;
    if (last >= 0 && reduced[last] === r) dims[last] *= shape[d];
    else {
      dims.push(shape[d]);
      reduced.push(r);
    }
  }
  return { dims, reduced };
}

function identityOf(op: ReduceOpName): number {
  switch (op) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
      return -Infinity;
    case 'min':
      return Infinity;
  }
}

/**
 * Folds `n` contiguous inputs starting at `xo` into one value, starting from `acc`.
 * Float inputs accumulate in a float64 local whatever their storage type; int32 products wrap like int32.
 */
function foldRow(op: ReduceOpName, intProd: boolean, x: TypedArray, xo: number, n: number, acc: number): number {
  const end = xo + n;
  switch (op) {
    case 'sum': {
      let s = acc;
      for (let i = xo; i < end; i++) s += x[i];
      return s;
    }
    case 'prod': {
      let p = acc;
      if (intProd) for (let i = xo; i < end; i++) p = Math.imul(p, x[i]);
      else for (let i = xo; i < end; i++) p *= x[i];
      return p;
    }
    case 'max': {
      let m = acc;
      for (let i = xo; i < end; i++) {
        const v = x[i];
        // `v !== v` lets NaN win and then stick, as torch.max propagates NaN.
        if (v > m || v !== v) m = v;
      }
      return m;
    }
    case 'min': {
      let m = acc;
      for (let i = xo; i < end; i++) {
        const v = x[i];
        if (v < m || v !== v) m = v;
      }
      return m;
    }
  }
}

/** `acc[ao + j] = acc[ao + j] op x[xo + j]` for `j < n`: the inner loop when the innermost dim is kept. */
function foldInto(op: ReduceOpName, intProd: boolean, x: TypedArray, xo: number, acc: Float64Array, ao: number, n: number): void {
  switch (op) {
    case 'sum':
      for (let j = 0; j < n; j++) acc[ao + j] += x[xo + j];
      return;
    case 'prod':
      if (intProd) for (let j = 0; j < n; j++) acc[ao + j] = Math.imul(acc[ao + j], x[xo + j]);
      else for (let j = 0; j < n; j++) acc[ao + j] *= x[xo + j];
      return;
    case 'max':
      for (let j = 0; j < n; j++) {
        const v = x[xo + j],
          m = acc[ao + j];
        if (v > m || v !== v) acc[ao + j] = v;
      }
      return;
    case 'min':
      for (let j = 0; j < n; j++) {
        const v = x[xo + j],
          m = acc[ao + j];
        if (v < m || v !== v) acc[ao + j] = v;
      }
      return;
  }
}

/**
 * Reduces `x` over `axes` by walking the input once in storage order. The output offset of each input row
 * is tracked incrementally; reduced dims have output stride 0, so every row folds into its output slot(s).
 * Results accumulate in a float64 buffer and are stored once at the end.
 */
function reduce(op: ReduceOpName, x: TensorInfo, axes: readonly number[]): TypedArray {
  let outSize = 1;
  for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) outSize *= x.shape[d];
  const out = allocArray(x.dtype, outSize);
  if (outSize === 0) return out;
  const acc = new Float64Array(outSize).fill(identityOf(op));
  const src = x.handle as TypedArray;
  const intProd = op === 'prod' && x.dtype === 'int32';
  const { dims, reduced } = coalesceReduction(x.shape, axes);
  const rank = dims.length;
  if (x.size > 0 && rank > 0) {
    // Output strides: kept dims are row-major over the kept dims only, reduced dims do not move the output.
    const outStrides = new Array<number>(rank);
    let s = 1;
    for (let d = rank - 1; d >= 0; d--) {
      outStrides[d] = reduced[d] ? 0 : s;
      if (!reduced[d]) s *= dims[d];
    }
    const n = dims[rank - 1];
    const innerReduced = reduced[rank - 1];
    const rows = x.size / n;
    const counter = new Int32Array(rank);
    let outOffset = 0;
    for (let r = 0, xo = 0; r < rows; r++, xo += n) {
      if (innerReduced) acc[outOffset] = foldRow(op, intProd, src, xo, n, acc[outOffset]);
      else foldInto(op, intProd, src, xo, acc, outOffset, n);
      for (let d = rank - 2; d >= 0; d--) {
        counter[d]++;
        outOffset += outStrides[d];
        if (counter[d] < dims[d]) break;
        outOffset -= outStrides[d] * dims[d];
        counter[d] = 0;
      }
    }
  } else if (x.size > 0) {
    // Every dim had size 1: one element, which is its own reduction.
    acc[0] = foldRow(op, intProd, src, 0, 1, acc[0]);
  }
  out.set(acc);
  return out;
}

/**
 * Index of the best element along `axis` (first on ties; NaN counts as best, as in PyTorch).
 * Works as outer × axis × inner without transposing: for inner > 1 it sweeps whole contiguous inner rows.
 */
function argBest(x: TensorInfo, axis: number, wantMax: boolean): Int32Array {
  const shape = x.shape;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape.length === 0 ? 1 : shape[axis];
  const out = new Int32Array(outer * inner);
  const src = x.handle as TypedArray;
  const sign = wantMax ? 1 : -1;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * len;
      let best = sign * src[base],
        bi = 0;
      if (best === best) {
        for (let k = 1; k < len; k++) {
          const v = sign * src[base + k];
          if (v > best || v !== v) {
            best = v;
            bi = k;
            if (v !== v) break;
          }
        }
      }
      out[o] = bi;
    }
    return out;
  }
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    const ob = o * inner;
    for (let j = 0; j < inner; j++) best[j] = sign * src[base + j];
    for (let k = 1; k < len; k++) {
      const row = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = sign * src[row + j],
          b = best[j];
        // Once a NaN is best it stays (first NaN wins).
        if (v > b || (v !== v && b === b)) {
          best[j] = v;
          out[ob + j] = k;
        }
      }
    }
  }
  return out;
}

/** CPU reduction kernels. */
export const reduceKernels: Pick<Kernels, 'reduce' | 'argmax' | 'argmin'> = {
  reduce,
  argmax: (x, axis) => argBest(x, axis, true),
  argmin: (x, axis) => argBest(x, axis, false),
};

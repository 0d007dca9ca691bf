// CPU kernels for indexing: gather and scatter-add along an axis, and one-hot encoding.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';

/** Below this many elements a plain loop beats the call overhead of `TypedArray.set`. */
const SHORT_ROW = 16;

/** Sizes of the dims before `axis`, of `axis` itself, and after it: gather and scatter see x as `[outer, dim, inner]`. */
function split3(x: TensorInfo, axis: number): [outer: number, dim: number, inner: number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d];
  let inner = 1;
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d];
  return [outer, x.shape[axis], inner];
}

function gather(x: TensorInfo, indices: TensorInfo, axis: number): TypedArray {
  const a = x.handle as TypedArray;
  const idx = indices.handle as Int32Array;
  const [outer, dim, inner] = split3(x, axis);
  const nIdx = idx.length;
  const out = allocArray(x.dtype, outer * nIdx * inner);
  let pos = 0;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * dim;
      for (let j = 0; j < nIdx; j++) out[pos++] = a[base + idx[j]];
    }
  } else if (inner < SHORT_ROW) {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < nIdx; j++) {
        const from = (o * dim + idx[j]) * inner;
        for (let t = 0; t < inner; t++) out[pos++] = a[from + t];
      }
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < nIdx; j++) {
        const from = (o * dim + idx[j]) * inner;
        out.set(a.subarray(from, from + inner) as ArrayLike<number>, pos);
        pos += inner;
      }
    }
  }
  return out;
}

function scatterAdd(x: TensorInfo, indices: TensorInfo, updates: TensorInfo, axis: number): TypedArray {
  const out = (x.handle as TypedArray).slice();
  const idx = indices.handle as Int32Array;
  const u = updates.handle as TypedArray;
  const [outer, dim, inner] = split3(x, axis);
  const nIdx = idx.length;
  let pos = 0;
  // Sequential accumulation, so repeated indices add up in index order, deterministically.
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < nIdx; j++) {
      const to = (o * dim + idx[j]) * inner;
      for (let t = 0; t < inner; t++) out[to + t] += u[pos++];
    }
  }
  return out;
}

function oneHot(indices: TensorInfo, depth: number): TypedArray {
  const idx = indices.handle as Int32Array;
  const out = allocArray('float32', idx.length * depth);
  for (let i = 0; i < idx.length; i++) out[i * depth + idx[i]] = 1;
  return out;
}

/** CPU indexing kernels. */
export const indexingKernels: Pick<Kernels, 'gather' | 'scatterAdd' | 'oneHot'> = { gather, scatterAdd, oneHot };

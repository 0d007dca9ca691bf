// wasm kernels for gather, scatterAdd and oneHot: index-driven copies over views of wasm memory.
import type { Kernels, TensorInfo } from '@seqlab/tensor-core';
import { allocFor, elementBytes, ptr, runtime } from '../context.js';

/** Below this many elements per index a loop beats copyWithin's call overhead. */
const SHORT_RUN = 16;

// [outer, axis length, inner] of x around `axis`.
function around(x: TensorInfo, axis: number): [outer: number, len: number, inner: number] {
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d];
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d];
  return [outer, x.shape[axis], inner];
}

function gather(x: TensorInfo, indices: TensorInfo, axis: number): number {
  const [outer, len, inner] = around(x, axis);
  const count = indices.size;
  const bytes = elementBytes(x.dtype);
  const out = allocFor(x.dtype, outer * count * inner);
  const heap = runtime().heap;
  const view = bytes === 1 ? heap.u8 : heap.i32;
  const idx = heap.i32,
    ib = ptr(indices) >>> 2;
  const src = ptr(x) / bytes,
    dst = out / bytes;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < count; t++) {
      const from = src + (o * len + idx[ib + t]) * inner;
      const to = dst + (o * count + t) * inner;
      if (inner < SHORT_RUN) for (let i = 0; i < inner; i++) view[to + i] = view[from + i];
      else view.copyWithin(to, from, from + inner);
    }
  }
  return out;
}

function scatterAdd(x: TensorInfo, indices: TensorInfo, updates: TensorInfo, axis: number): number {
  const [outer, len, inner] = around(x, axis);
  const count = indices.size;
  const out = allocFor(x.dtype, x.size);
  const heap = runtime().heap;
  heap.u8.copyWithin(out, ptr(x), ptr(x) + x.size * 4);
  const idx = heap.i32,
    ib = ptr(indices) >>> 2;
  const view = x.dtype === 'int32' ? heap.i32 : heap.f32;
  const src = ptr(updates) >>> 2,
    dst = out >>> 2;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < count; t++) {
      const to = dst + (o * len + idx[ib + t]) * inner;
      const from = src + (o * count + t) * inner;
      for (let i = 0; i < inner; i++) view[to + i] += view[from + i];
    }
  }
  return out;
}

function oneHot(indices: TensorInfo, depth: number): number {
  const out = allocFor('float32', indices.size * depth);
  const heap = runtime().heap;
  const f32 = heap.f32,
    idx = heap.i32,
    ib = ptr(indices) >>> 2,
    dst = out >>> 2;
  f32.fill(0, dst, dst + indices.size * depth);
  for (let t = 0; t < indices.size; t++) {
    const v = idx[ib + t];
    if (v >= 0 && v < depth) f32[dst + t * depth + v] = 1;
  }
  return out;
}

/** Indexing kernels. */
export const indexingKernels = { gather, scatterAdd, oneHot } satisfies Pick<Kernels, 'gather' | 'scatterAdd' | 'oneHot'>;

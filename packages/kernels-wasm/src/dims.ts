// Dimension bookkeeping for the strided kernels: broadcast strides, coalescing, and passing arrays to wasm.
import { InvalidArgumentError, type Shape } from '@seqlab/tensor-core';
import { ARGS_BYTES, ARGS_PTR } from './layout.js';
import type { Heap } from './heap.js';

/** A walk over `shape` with one element-stride array per operand. */
export interface StridedWalk {
  shape: number[];
  strides: number[][];
}

/** Row-major element strides of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Strides of an input of `shape` read as `outShape` with broadcasting (aligned right; 0 where it repeats). */
export function broadcastStridesOf(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + rank - shape.length;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Drops size-1 dimensions and merges neighbours that every operand walks contiguously, so a kernel's row loop is
 * as long as possible. Always returns at least one dimension.
 */
export function coalesce(shape: Shape, strides: readonly (readonly number[])[]): StridedWalk {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(1));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Writes `walk`'s shape and strides, followed by counter space, into the argument area and returns its address.
 * Only the calling thread uses the area, and only for the duration of one kernel call.
 */
export function writeWalk(heap: Heap, walk: StridedWalk): number {
  const rank = walk.shape.length;
  const ints = rank * (walk.strides.length + 2);
  if (ints * 4 > ARGS_BYTES) {
    throw new InvalidArgumentError(
      `wasm: tensors of rank ${rank} are beyond the wasm backend's strided kernels (at most ${Math.floor(ARGS_BYTES / 4 / (walk.strides.length + 2))} non-trivial dimensions)`,
    );
  }
  const base = ARGS_PTR >>> 2;
  const i32 = heap.i32;
  for (let d = 0; d < rank; d++) i32[base + d] = walk.shape[d];
  walk.strides.forEach((s, k) => {
    for (let d = 0; d < rank; d++) i32[base + (k + 1) * rank + d] = s[d];
  });
  return ARGS_PTR;
}

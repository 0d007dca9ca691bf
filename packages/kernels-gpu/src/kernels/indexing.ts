// gpu kernels for gather, scatterAdd and oneHot: int32 indices (kept on the host) go to the GPU as float inputs.
import type { Kernels, TensorInfo } from '@seqlab/tensor-core';
import { copyFloat, kernelInput } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { cpuKernel } from './elementwise.js';
import { aroundAxis } from './kernel-source.js';
import { filled, runSource } from './launch.js';
import { gatherProgram, oneHotProgram, scatterAddProgram } from './indexing-source.js';

/**
 * Scatter-add of float32 `x` as a gather: the host (where int32 indices live) groups the update rows by the row they
 * hit — `start[d] … start[d+1]` in `order` list the positions j with `indices[j] = d`, ascending — and each output
 * element adds its own hits in that order, so duplicates sum as on the cpu backend, with no write conflicts.
 */
function scatterAddFloat(x: TensorInfo, indices: TensorInfo, updates: TensorInfo, axis: number): GpuFloat {
  const [outer, dim, inner] = aroundAxis(x.shape, axis);
  const idx = indices.handle as Int32Array;
  const count = idx.length;
  if (x.size === 0) return filled('scatterAdd', 0, 0);
  if (count === 0 || updates.size === 0) return copyFloat('scatterAdd', x.handle as GpuFloat);
  const start = new Float32Array(dim + 1);
  for (let j = 0; j < count; j++) start[idx[j] + 1]++;
  let maxHits = 0;
  for (let d = 0; d < dim; d++) {
    maxHits = Math.max(maxHits, start[d + 1]);
    start[d + 1] += start[d];
  }
  const order = new Float32Array(count);
  const next = start.slice(0, dim);
  for (let j = 0; j < count; j++) order[next[idx[j]]++] = j;
  // The loop bound is baked into the program: rounding it up to a power of two bounds the number of variants.
  const bound = 2 ** Math.ceil(Math.log2(maxHits));
  const program = scatterAddProgram(outer, dim, inner, count, bound);
  return runSource('scatterAdd', program, [x.handle as GpuFloat, updates.handle as GpuFloat, start, order]);
}

/**
 * The gpu backend's indexing kernels.
 *
 * @example
 * ```ts
 * const rows = indexingKernels.gather(table, indices, 0);
 * ```
 */
export const indexingKernels = {
  gather(x, indices, axis) {
    if (x.dtype !== 'float32') return cpuKernel('gather')(x, indices, axis);
    const [outer, dim, inner] = aroundAxis(x.shape, axis);
    const program = gatherProgram(outer, dim, inner, indices.size);
    return program.size === 0 ? filled('gather', 0, 0) : runSource('gather', program, [x.handle as GpuFloat, kernelInput(indices)]);
  },
  scatterAdd: (x, indices, updates, axis) =>
    x.dtype === 'float32' ? scatterAddFloat(x, indices, updates, axis) : cpuKernel('scatterAdd')(x, indices, updates, axis),
  oneHot(indices, depth) {
    const program = oneHotProgram(indices.size, depth);
    return program.size === 0 ? filled('oneHot', 0, 0) : runSource('oneHot', program, [kernelInput(indices)]);
  },
} satisfies Pick<Kernels, 'gather' | 'scatterAdd' | 'oneHot'>;

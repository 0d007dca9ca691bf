// The gpu backend's kernel table, assembled from one table per file: a new kernel file adds one import and one spread.
import type { Kernels } from '@seqlab/tensor-core';
import { castKernels } from './cast.js';
import { elementwiseKernels } from './elementwise.js';
import { indexingKernels } from './indexing.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { reduceKernels } from './reduce.js';
import { softmaxKernels } from './softmax.js';

/**
 * Every kernel the gpu backend has. Each file exports a table typed `satisfies Pick<Kernels, …>`; a kernel missing
 * here makes its op throw KERNEL_NOT_FOUND on `gpu` (tensors can move to another backend with `.to('wasm')`).
 *
 * @example
 * ```ts
 * console.assert(typeof gpuKernels.binary === 'function');
 * ```
 */
export const gpuKernels: Partial<Kernels> = {
  ...elementwiseKernels,
  ...castKernels,
  ...reduceKernels,
  ...softmaxKernels,
  ...matmulKernels,
  ...movementKernels,
  ...indexingKernels,
};

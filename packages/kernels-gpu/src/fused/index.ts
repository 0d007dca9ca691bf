// The gpu backend's fused kernels (LSTM/GRU sequences, attention, LayerNorm, Adam), one file per family.
import type { FusedKernels } from '@seqlab/tensor-core';
import { gpuGruKernels } from './gru.js';
import { gpuLstmKernels } from './lstm.js';

/**
 * The fused fast paths of the gpu backend; a fused op without an entry here runs its composed reference on the gpu
 * kernels (same numbers within float rounding).
 *
 * @example
 * ```ts
 * const lstm = gpuFusedKernels.lstmSequence!; // one input product, then a product and a cell kernel per step
 * ```
 */
export const gpuFusedKernels: FusedKernels = {
  ...gpuLstmKernels,
  ...gpuGruKernels,
};

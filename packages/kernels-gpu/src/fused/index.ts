// The gpu backend's fused kernels (LSTM/GRU sequences, attention, LayerNorm, Adam), one file per family.
import type { FusedKernels } from '@seqlab/tensor-core';

/**
 * The fused fast paths of the gpu backend; a fused op without an entry here runs its composed reference on the gpu
 * kernels (same numbers within float rounding).
 *
 * @example
 * ```ts
 * const lstm = gpuFusedKernels.lstmSequence; // undefined until the fused LSTM lands: the composed path runs
 * ```
 */
export const gpuFusedKernels: FusedKernels = {};

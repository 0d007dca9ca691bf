// The gpu backend's fused kernels (LSTM/GRU sequences, attention, LayerNorm, Adam), one file per family.
import type { FusedKernels, FusedRecurrentKernels } from '@seqlab/tensor-core';
import { adamStep } from './adam.js';
import { gpuAttentionKernels } from './attention.js';
import { gpuGruKernels } from './gru.js';
import { gpuLayerNormKernels } from './layer-norm.js';
import { gpuLstmKernels } from './lstm.js';

/**
 * The gpu backend's LSTM and GRU sequence kernels, which index the time-major layout only (the backend's table wraps
 * them with tensor-core's `batchFirstSequences` for batch-first calls).
 *
 * @example
 * ```ts
 * const forward = gpuRecurrentKernels.lstmSequence; // time-major [T, B, I] calls
 * ```
 */
export const gpuRecurrentKernels: FusedRecurrentKernels = { ...gpuLstmKernels, ...gpuGruKernels };

/**
 * The fused fast paths of the gpu backend: the LSTM and GRU sequence kernels and their BPTT (one input product, then a
 * recurrent product and a cell kernel per step), attention and its backward, LayerNorm and its backward, and the
 * Adam / AdamW step. Each matches its op's composed reference within float32 rounding.
 *
 * @example
 * ```ts
 * const lstm = gpuFusedKernels.lstmSequence!; // one input product, then a product and a cell kernel per step
 * ```
 */
export const gpuFusedKernels: FusedKernels = {
  ...gpuLstmKernels,
  ...gpuGruKernels,
  ...gpuAttentionKernels,
  ...gpuLayerNormKernels,
  adamStep,
};

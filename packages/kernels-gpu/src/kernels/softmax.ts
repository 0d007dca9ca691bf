// gpu kernels for softmax and log-softmax along any axis: row maxima and exp-sums as trees, then one output pass.
import type { Kernels, TensorInfo } from '@seqlab/tensor-core';
import { releaseFloat, type GpuFloat } from '../storage.js';
import { aroundAxis } from './kernel-source.js';
import { filled, runSource } from './launch.js';
import { reduceAlong } from './reduce.js';
import { softmaxOutput } from './reduce-source.js';

/**
 * Softmax of float32 `x` (the only float dtype the gpu backend stores) along `axis`, shifted by the row maximum:
 * three trees' worth of passes — max, Σ exp(x − max), then `exp(x − max)/Σ` or `x − max − log Σ` — so no thread
 * folds more than 256 values and exp never overflows (±80 logits stay finite).
 */
function softmaxAlong(x: TensorInfo, axis: number, logForm: boolean): GpuFloat {
  const op = logForm ? 'logSoftmax' : 'softmax';
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  const handle = x.handle as GpuFloat;
  if (x.size === 0) return filled(op, 0, 0);
  const rowMax = reduceAlong('max', handle, outer, len, inner, undefined, op);
  const sum = reduceAlong('sum', handle, outer, len, inner, rowMax, op);
  const out = runSource(op, softmaxOutput(outer, len, inner, logForm), [handle, rowMax, sum, Infinity]);
  releaseFloat(rowMax);
  releaseFloat(sum);
  return out;
}

/**
 * The gpu backend's softmax kernels.
 *
 * @example
 * ```ts
 * const probs = softmaxKernels.softmax(logits, 1);
 * ```
 */
export const softmaxKernels = {
  softmax: (x, axis) => softmaxAlong(x, axis, false),
  logSoftmax: (x, axis) => softmaxAlong(x, axis, true),
} satisfies Pick<Kernels, 'softmax' | 'logSoftmax'>;

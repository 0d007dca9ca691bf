// Cross-entropy of [N, C] logits on a backend's fused kernels: per-row losses from one pass over each row, and a
// backward that writes softmax − onehot straight away, never the [N, C] log-probabilities of the composed path.
import { reshape, type Tensor } from '@seqlab/tensor-core';
import { customOp } from '../engine/custom-op.js';
import { fusedKernels, type FusedKernelSet } from '../engine/fused-op.js';
import { isGradEnabled } from '../engine/grad-mode.js';
import type { ClassTargets } from './class-targets.js';

/** The fused kernels cross-entropy runs on. */
const KERNELS = ['crossEntropy', 'crossEntropyBackward'] as const;

/** The fused cross-entropy kernels, forward and backward. */
export type FusedCrossEntropyKernels = FusedKernelSet<(typeof KERNELS)[number]>;

/**
 * The backend's fused cross-entropy kernels when they can run `input` (`[N, C]` logits: the class axis last, no
 * label smoothing, which the caller checks) and fused paths are on, else null.
 */
export function fusedCrossEntropyKernelsFor(input: Tensor): FusedCrossEntropyKernels | null {
  return input.rank === 2 ? fusedKernels(input.backend, KERNELS) : null;
}

/**
 * Each row's loss `w_n·(−log softmax(input[n])[t_n])` (`[N]`) on the fused kernels, from targets `prepared` for
 * `input`; differentiable with respect to `input` through a customOp whose backward is one kernel call.
 */
export function fusedRowLosses(kernels: FusedCrossEntropyKernels, input: Tensor, prepared: ClassTargets): Tensor {
  const targets = reshape(prepared.indices, [input.shape[0]]);
  const weights = prepared.sampleWeights;
  if (!isGradEnabled() || !input.requiresGrad) {
    const { losses, logSum } = kernels.crossEntropy(input, targets, weights);
    logSum.dispose();
    return losses;
  }
  const op = customOp<Tensor, Tensor>({
    name: 'crossEntropy',
    pureBackward: true,
    inputs: ['input'],
    forward: ([x]) => {
      const { losses, logSum } = kernels.crossEntropy(x, targets, weights);
      return { outputs: losses, saved: logSum };
    },
    backward: ([g], logSum, { inputs: [x] }) => [kernels.crossEntropyBackward(g, x, targets, weights, logSum).dLogits],
  });
  return op(input);
}

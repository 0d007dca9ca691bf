// The wasm backend's fused cross-entropy (float32): one pass per row forward and one backward, on the calling thread.
import {
  DTypeMismatchError,
  type CrossEntropyBackwardKernel,
  type CrossEntropyKernel,
  type FusedCrossEntropyKernels,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';

// [N, C] of float32 logits (the kernels run on float32 only).
function rowsOf(op: string, logits: TensorInfo): [number, number] {
  if (logits.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'logits' must be float32 on the wasm backend; received ${logits.dtype}`);
  return [logits.shape[0], logits.shape[1]];
}

const crossEntropy: CrossEntropyKernel = (logits, targets, weights) => {
  const [N, C] = rowsOf('crossEntropy', logits);
  const losses = allocFor('float32', N);
  const logSum = allocFor('float32', N);
  if (N > 0) runtime().exports.crossEntropyF32(ptr(logits), ptr(targets), ptr(weights), losses, logSum, N, C);
  return { losses, logSum };
};

const crossEntropyBackward: CrossEntropyBackwardKernel = (dLosses, logits, targets, weights, logSum) => {
  const [N, C] = rowsOf('crossEntropyBackward', logits);
  const dLogits = allocFor('float32', N * C);
  if (N > 0) runtime().exports.crossEntropyBackwardF32(ptr(dLosses), ptr(logits), ptr(targets), ptr(weights), ptr(logSum), dLogits, N, C);
  return { dLogits };
};

/** The fused cross-entropy kernels (`Backend.fused.crossEntropy` / `crossEntropyBackward`), each run in a call frame. */
export const fusedCrossEntropyKernels: FusedCrossEntropyKernels = framedTable({ crossEntropy, crossEntropyBackward });

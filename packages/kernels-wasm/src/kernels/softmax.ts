// wasm kernels for softmax and log-softmax along one axis.
import type { Kernels, TensorInfo } from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from '../context.js';

function softmax(x: TensorInfo, axis: number, log: boolean): number {
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d];
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d];
  const len = x.shape.length === 0 ? 1 : x.shape[axis];
  const out = allocFor(x.dtype, x.size);
  if (x.size > 0) runtime().exports.softmaxF32(log ? 1 : 0, ptr(x), out, outer, len, inner);
  return out;
}

/** Softmax kernels. */
export const softmaxKernels = {
  softmax: (x, axis) => softmax(x, axis, false),
  logSoftmax: (x, axis) => softmax(x, axis, true),
} satisfies Pick<Kernels, 'softmax' | 'logSoftmax'>;

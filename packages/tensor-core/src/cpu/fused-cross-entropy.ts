// CPU fused cross-entropy over the rows of [N, C] logits (float32 and float64): each row's normaliser summed in float64.
import type { TensorInfo } from '../backend.js';
import { allocArray } from '../dtype.js';
import type { CrossEntropyBackwardKernel, CrossEntropyKernel, FusedCrossEntropyKernels } from '../fused-cross-entropy.js';

type FloatArray = Float32Array | Float64Array;

function floats(t: TensorInfo): FloatArray {
  return t.handle as FloatArray;
}

// Largest of the C logits of the row at `o`.
function rowMax(x: FloatArray, o: number, C: number): number {
  let m = -Infinity;
  for (let c = 0; c < C; c++) if (x[o + c] > m) m = x[o + c];
  return m;
}

const crossEntropy: CrossEntropyKernel = (logits, targets, weights) => {
  const [N, C] = logits.shape;
  const dtype = logits.dtype as 'float32' | 'float64';
  const x = floats(logits);
  const t = targets.handle as Int32Array;
  const w = floats(weights);
  const losses = allocArray(dtype, N);
  const logSum = allocArray(dtype, N);
  for (let n = 0, o = 0; n < N; n++, o += C) {
    const m = rowMax(x, o, C);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x[o + c] - m);
    const l = Math.log(sum);
    logSum[n] = l;
    losses[n] = w[n] * (l - (x[o + t[n]] - m));
  }
  return { losses, logSum };
};

const crossEntropyBackward: CrossEntropyBackwardKernel = (dLosses, logits, targets, weights, logSum) => {
  const [N, C] = logits.shape;
  const x = floats(logits);
  const d = floats(dLosses);
  const t = targets.handle as Int32Array;
  const w = floats(weights);
  const ls = floats(logSum);
  const dLogits = allocArray(logits.dtype, logits.size) as FloatArray;
  for (let n = 0, o = 0; n < N; n++, o += C) {
    const s = d[n] * w[n];
    const shift = rowMax(x, o, C) + ls[n];
    for (let c = 0; c < C; c++) dLogits[o + c] = s * Math.exp(x[o + c] - shift);
    dLogits[o + t[n]] -= s;
  }
  return { dLogits };
};

/** The CPU reference's fused cross-entropy kernels. */
export const fusedCrossEntropyKernels: FusedCrossEntropyKernels = { crossEntropy, crossEntropyBackward };

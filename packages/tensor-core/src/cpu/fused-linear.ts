// CPU fused Linear (float32 and float64): the CPU matmul with a bias and ReLU pass over its result, the backward's
// products on the same matmul with the bias gradient summed in float64, and the feed-forward block as two Linears.
import type { TensorInfo } from '../backend.js';
import { allocArray } from '../dtype.js';
import type { FeedForwardBackwardKernel, FeedForwardKernel, FusedLinearKernels, LinearBackwardKernel, LinearKernel } from '../fused-linear.js';
import { matmulKernels } from './matmul.js';

type FloatArray = Float32Array | Float64Array;

const values = (t: TensorInfo): FloatArray => t.handle as FloatArray;

// x [..., in] as a [rows, in] matrix against weight [out, in] (fields copied one by one: a Tensor's handle is a getter).
function rowsOf(x: TensorInfo, weight: TensorInfo): { rows: number; inFeatures: number; out: number; x2: TensorInfo } {
  const [out, inFeatures] = weight.shape;
  const rows = inFeatures === 0 ? 0 : x.size / inFeatures;
  return { rows, inFeatures, out, x2: { handle: x.handle, shape: [rows, inFeatures], dtype: x.dtype, size: x.size } };
}

const product = (a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, m: number, n: number): FloatArray =>
  matmulKernels.matmul(a, b, transA, transB, [m, n]) as FloatArray;

const linear: LinearKernel = (x, weight, bias, activation) => {
  const { rows, out, x2 } = rowsOf(x, weight);
  const y = product(x2, weight, false, true, rows, out);
  const b = bias === null ? null : values(bias);
  if (b !== null || activation === 'relu') {
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0; j < out; j++, o++) {
        const v = b === null ? y[o] : y[o] + b[j];
        y[o] = activation === 'relu' && !(v > 0) ? 0 : v;
      }
    }
  }
  return { output: y };
};

const linearBackward: LinearBackwardKernel = (dOutput, x, weight, output, activation, needInputGrad) => {
  const { rows, inFeatures, out, x2 } = rowsOf(x, weight);
  const dtype = x.dtype as 'float32' | 'float64';
  const dy = values(dOutput);
  // g: the gradient behind the activation; the bias gradient is its column sums, in float64.
  const g = allocArray(dtype, rows * out);
  const db = new Float64Array(out);
  const y = output === null ? null : values(output);
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < out; j++, o++) {
      const v = activation === 'relu' && !((y as FloatArray)[o] > 0) ? 0 : dy[o];
      g[o] = v;
      db[j] += v;
    }
  }
  const gInfo: TensorInfo = { handle: g, shape: [rows, out], dtype, size: rows * out };
  const dBias = allocArray(dtype, out);
  dBias.set(db);
  return {
    dx: needInputGrad ? product(gInfo, weight, false, false, rows, inFeatures) : null,
    dWeight: product(gInfo, x2, true, false, out, inFeatures),
    dBias,
  };
};

// The block as its two Linears: the hidden activation as an info of x's dtype.
const feedForward: FeedForwardKernel = (x, w1, b1, w2, b2, saveHidden) => {
  const hidden = linear(x, w1, b1, 'relu').output;
  const { rows } = rowsOf(x, w1);
  const info = { handle: hidden, shape: [rows, w1.shape[0]], dtype: x.dtype, size: rows * w1.shape[0] };
  return { output: linear(info, w2, b2, 'none').output, hidden: saveHidden ? hidden : null };
};

const feedForwardBackward: FeedForwardBackwardKernel = (dOutput, x, w1, w2, hidden, needInputGrad) => {
  const second = linearBackward(dOutput, hidden, w2, null, 'none', true);
  const dHidden = { handle: second.dx, shape: hidden.shape, dtype: hidden.dtype, size: hidden.size };
  const first = linearBackward(dHidden, x, w1, hidden, 'relu', needInputGrad);
  return { dx: first.dx, dW1: first.dWeight, db1: first.dBias, dW2: second.dWeight, db2: second.dBias };
};

/** The CPU backend's fused Linear kernels (`Backend.fused.linear` / `linearBackward` / `feedForward` / `feedForwardBackward`). */
export const fusedLinearKernels: FusedLinearKernels = { linear, linearBackward, feedForward, feedForwardBackward };

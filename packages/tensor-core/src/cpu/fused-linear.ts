// CPU fused Linear (float32 and float64): the product with its bias and ReLU epilogue, and its backward, sums in float64.
import type { TensorInfo } from '../backend.js';
import { allocArray } from '../dtype.js';
import type { FeedForwardBackwardKernel, FeedForwardKernel, FusedLinearKernels, LinearBackwardKernel, LinearKernel } from '../fused-linear.js';

type FloatArray = Float32Array | Float64Array;

const values = (t: TensorInfo): FloatArray => t.handle as FloatArray;

// [rows, in, out] of x [..., in] against weight [out, in].
function sizes(x: TensorInfo, weight: TensorInfo): [number, number, number] {
  const [out, inFeatures] = weight.shape;
  return [inFeatures === 0 ? 0 : x.size / inFeatures, inFeatures, out];
}

const linear: LinearKernel = (x, weight, bias, activation) => {
  const [rows, inFeatures, out] = sizes(x, weight);
  const xs = values(x),
    w = values(weight),
    b = bias === null ? null : values(bias);
  const y = allocArray(x.dtype as 'float32' | 'float64', rows * out);
  for (let r = 0; r < rows; r++) {
    const xo = r * inFeatures;
    for (let o = 0; o < out; o++) {
      const wo = o * inFeatures;
      let acc = b === null ? 0 : b[o];
      for (let i = 0; i < inFeatures; i++) acc += xs[xo + i] * w[wo + i];
      y[r * out + o] = activation === 'relu' && !(acc > 0) ? 0 : acc;
    }
  }
  return { output: y };
};

const linearBackward: LinearBackwardKernel = (dOutput, x, weight, output, activation, needInputGrad) => {
  const [rows, inFeatures, out] = sizes(x, weight);
  const dtype = x.dtype as 'float32' | 'float64';
  const dy = values(dOutput),
    xs = values(x),
    w = values(weight);
  const y = output === null ? null : values(output);
  // g: the gradient behind the activation.
  const g = new Float64Array(rows * out);
  for (let i = 0; i < g.length; i++) g[i] = activation === 'relu' && !((y as FloatArray)[i] > 0) ? 0 : dy[i];
  // Row-major loops (innermost over contiguous features), accumulated in float64 and stored in the dtype at the end.
  const dx = new Float64Array(rows * inFeatures);
  const dW = new Float64Array(out * inFeatures);
  const db = new Float64Array(out);
  for (let r = 0; r < rows; r++) {
    const xo = r * inFeatures;
    for (let o = 0; o < out; o++) {
      const go = g[r * out + o];
      db[o] += go;
      const wo = o * inFeatures;
      for (let i = 0; i < inFeatures; i++) {
        dx[xo + i] += go * w[wo + i];
        dW[wo + i] += go * xs[xo + i];
      }
    }
  }
  const store = (from: Float64Array): FloatArray => {
    const to = allocArray(dtype, from.length);
    to.set(from);
    return to;
  };
  return { dx: needInputGrad ? store(dx) : null, dWeight: store(dW), dBias: store(db) };
};

// The block as its two Linears: the hidden activation as an info of x's dtype.
const feedForward: FeedForwardKernel = (x, w1, b1, w2, b2, saveHidden) => {
  const hidden = linear(x, w1, b1, 'relu').output;
  const info = { handle: hidden, shape: [...x.shape.slice(0, -1), w1.shape[0]], dtype: x.dtype, size: (x.size / w1.shape[1]) * w1.shape[0] };
  return { output: linear(info, w2, b2, 'none').output, hidden: saveHidden ? hidden : null };
};

const feedForwardBackward: FeedForwardBackwardKernel = (dOutput, x, w1, w2, hidden, needInputGrad) => {
  const second = linearBackward(dOutput, hidden, w2, null, 'none', true);
  const dHidden = { ...hidden, handle: second.dx };
  const first = linearBackward(dHidden, x, w1, hidden, 'relu', needInputGrad);
  return { dx: first.dx, dW1: first.dWeight, db1: first.dBias, dW2: second.dWeight, db2: second.dBias };
};

/** The CPU backend's fused Linear kernels (`Backend.fused.linear` / `linearBackward` / `feedForward` / `feedForwardBackward`). */
export const fusedLinearKernels: FusedLinearKernels = { linear, linearBackward, feedForward, feedForwardBackward };

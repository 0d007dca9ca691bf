// The wasm backend's fused Linear (float32): the threaded matmul with a bias-and-ReLU epilogue, its backward in one
// call, and the Transformer feed-forward block (two of them) whose hidden activation stays in wasm memory.
import {
  DTypeMismatchError,
  InvalidArgumentError,
  type FeedForwardBackwardKernel,
  type FeedForwardKernel,
  type FusedLinearKernels,
  type LinearActivation,
  type LinearBackwardKernel,
  type LinearKernel,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';
import { EPILOGUE_RELU, productAt, wakeForMatmul } from './kernels/matmul.js';

// Every kernel here runs on float32 only and sees x as rows of its last axis.
function checkFloat32(op: string, x: TensorInfo): void {
  if (x.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the wasm backend; received ${x.dtype}`);
}

const NONE = { bias: 0, epilogue: 0 };

/**
 * `act(x·weightᵀ + bias)` for the `rows` rows of `x` (an address of this call) into a new `[rows, out]` block;
 * `resultOf` names the kernel when the block is its result (see productAt).
 */
function linearAt(x: number, rows: number, weight: TensorInfo, bias: TensorInfo | null, activation: LinearActivation, resultOf?: string): number {
  const [out, inFeatures] = weight.shape;
  const epilogue = { bias: bias === null ? 0 : ptr(bias), epilogue: activation === 'relu' ? EPILOGUE_RELU : 0 };
  return productAt(
    { at: x, shape: [rows, inFeatures], dtype: 'float32' },
    { at: ptr(weight), shape: weight.shape },
    false,
    true,
    [rows, out],
    epilogue,
    resultOf,
  );
}

/**
 * The gradients of one Linear from `dOutput` (an address of `[rows, out]`), `x` (of `[rows, in]`) and, for a ReLU,
 * the forward's output at `relu` (0 for none): new blocks for dx (0 when not needed), dWeight and dBias, all results
 * of the kernel `resultOf` but dx when `dxIsResult` is false (a gradient the kernel goes on using: no array is
 * prepared for it).
 */
function linearBackwardAt(
  dOutput: number,
  x: number,
  rows: number,
  weight: TensorInfo,
  relu: number,
  needInputGrad: boolean,
  resultOf: string,
  dxIsResult = true,
): { dx: number; dWeight: number; dBias: number } {
  const [out, inFeatures] = weight.shape;
  // The gradient behind the ReLU (dOutput itself without one) and the bias gradient, in one pass.
  const g = relu === 0 ? dOutput : allocFor('float32', rows * out);
  const dBias = allocFor('float32', out);
  // n f64 accumulators (2·n f32 slots) and an n-float partial row.
  const acc = allocFor('float32', 3 * out);
  runtime().exports.biasGradientF32(dOutput, relu, g, rows, out, dBias, acc);
  const gRows = { at: g, shape: [rows, out], dtype: 'float32' as const };
  const dx = needInputGrad
    ? productAt(gRows, { at: ptr(weight), shape: weight.shape }, false, false, [rows, inFeatures], NONE, dxIsResult ? resultOf : undefined)
    : 0;
  const dWeight = productAt(gRows, { at: x, shape: [rows, inFeatures] }, true, false, [out, inFeatures], NONE, resultOf);
  return { dx, dWeight, dBias };
}

const rowsOf = (x: TensorInfo, weight: TensorInfo): number => x.size / weight.shape[1];

const linear: LinearKernel = (x, weight, bias, activation) => {
  checkFloat32('linear', x);
  // The frame copies the block out into a new storage.
  return { output: linearAt(ptr(x), rowsOf(x, weight), weight, bias, activation, 'linear') };
};

const linearBackward: LinearBackwardKernel = (dOutput, x, weight, output, activation, needInputGrad) => {
  checkFloat32('linearBackward', x);
  if (activation === 'relu' && output === null) {
    throw new InvalidArgumentError(`linearBackward: argument 'output' must be the forward's output for 'relu'; received null`);
  }
  const relu = activation === 'relu' && output !== null ? ptr(output) : 0;
  const r = linearBackwardAt(ptr(dOutput), ptr(x), rowsOf(x, weight), weight, relu, needInputGrad, 'linearBackward');
  return { dx: r.dx === 0 ? null : r.dx, dWeight: r.dWeight, dBias: r.dBias };
};

const feedForward: FeedForwardKernel = (x, w1, b1, w2, b2, saveHidden) => {
  checkFloat32('feedForward', x);
  const rows = rowsOf(x, w1);
  // The hidden activation stays in this call's memory for the second product; it is copied out only when saved.
  const hidden = linearAt(ptr(x), rows, w1, b1, 'relu', saveHidden ? 'feedForward' : undefined);
  return { output: linearAt(hidden, rows, w2, b2, 'none', 'feedForward'), hidden: saveHidden ? hidden : null };
};

const feedForwardBackward: FeedForwardBackwardKernel = (dOutput, x, w1, w2, hidden, needInputGrad) => {
  checkFloat32('feedForwardBackward', x);
  const rows = rowsOf(x, w1);
  const h = ptr(hidden);
  const second = linearBackwardAt(ptr(dOutput), h, rows, w2, 0, true, 'feedForwardBackward', false);
  // The hidden gradient stays in this call's memory: the first Linear's backward reads it in place.
  const first = linearBackwardAt(second.dx, ptr(x), rows, w1, h, needInputGrad, 'feedForwardBackward');
  return { dx: first.dx === 0 ? null : first.dx, dW1: first.dWeight, db1: first.dBias, dW2: second.dWeight, db2: second.dBias };
};

// Wakes the worker pool before the inputs are staged, as the matmul kernel does (its wake-up overlaps the copying-in).
const wakeFor = (x: TensorInfo, weight: TensorInfo): void => wakeForMatmul(x, weight, false, true, [...x.shape.slice(0, -1), weight.shape[0]]);
const wakeForBackward = (_dOutput: TensorInfo, x: TensorInfo, weight: TensorInfo): void => wakeFor(x, weight);

/** The fused Linear and feed-forward kernels (`Backend.fused.linear`, `linearBackward`, `feedForward`, `feedForwardBackward`), each run in a call frame. */
export const fusedLinearKernels: FusedLinearKernels = framedTable(
  { linear, linearBackward, feedForward, feedForwardBackward },
  { linear: wakeFor, linearBackward: wakeForBackward, feedForward: wakeFor, feedForwardBackward: wakeForBackward },
);

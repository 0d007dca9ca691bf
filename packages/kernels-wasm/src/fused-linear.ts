// The wasm backend's fused Linear (float32): the threaded matmul with a bias-and-ReLU epilogue, and its backward in one call.
import {
  DTypeMismatchError,
  InvalidArgumentError,
  type FusedLinearKernels,
  type LinearActivation,
  type LinearBackwardKernel,
  type LinearKernel,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';
import { EPILOGUE_RELU, productAt, wakeForMatmul } from './kernels/matmul.js';

// Both kernels run on float32 only and see x as rows of its last axis.
function checkFloat32(op: string, x: TensorInfo): void {
  if (x.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the wasm backend; received ${x.dtype}`);
}

const flagsOf = (activation: LinearActivation): number => (activation === 'relu' ? EPILOGUE_RELU : 0);

const linear: LinearKernel = (x, weight, bias, activation) => {
  checkFloat32('linear', x);
  const outShape = [...x.shape.slice(0, -1), weight.shape[0]];
  const epilogue = { bias: bias === null ? 0 : ptr(bias), epilogue: flagsOf(activation) };
  // The frame copies the block out into a new storage.
  return {
    output: productAt({ at: ptr(x), shape: x.shape, dtype: 'float32' }, { at: ptr(weight), shape: weight.shape }, false, true, outShape, epilogue, 'linear'),
  };
};

const linearBackward: LinearBackwardKernel = (dOutput, x, weight, output, activation, needInputGrad) => {
  checkFloat32('linearBackward', x);
  const [out, inFeatures] = weight.shape;
  const rows = x.size / inFeatures;
  const none = { bias: 0, epilogue: 0 };
  let g = ptr(dOutput);
  if (activation === 'relu') {
    if (output === null) throw new InvalidArgumentError(`linearBackward: argument 'output' must be the forward's output for 'relu'; received null`);
    const masked = allocFor('float32', dOutput.size);
    runtime().exports.reluMaskF32(g, ptr(output), masked, dOutput.size);
    g = masked;
  }
  const gRows = { at: g, shape: [rows, out], dtype: 'float32' as const };
  const dx = !needInputGrad ? null : productAt(gRows, { at: ptr(weight), shape: weight.shape }, false, false, [rows, inFeatures], none, 'linearBackward');
  const dWeight = productAt(gRows, { at: ptr(x), shape: [rows, inFeatures] }, true, false, [out, inFeatures], none, 'linearBackward');
  const dBias = allocFor('float32', out);
  // n f64 accumulators, as 2·n f32 slots (blocks are 64-byte aligned).
  const acc = allocFor('float32', 2 * out);
  runtime().exports.columnSumsF32(g, rows, out, dBias, acc);
  return { dx, dWeight, dBias };
};

// Wakes the worker pool before the inputs are staged, as the matmul kernel does (its wake-up overlaps the copying-in).
const wakeForLinear = (x: TensorInfo, weight: TensorInfo): void => wakeForMatmul(x, weight, false, true, [...x.shape.slice(0, -1), weight.shape[0]]);

/** The fused Linear kernels (`Backend.fused.linear` / `linearBackward`), each run in a call frame. */
export const fusedLinearKernels: FusedLinearKernels = framedTable(
  { linear, linearBackward },
  { linear: wakeForLinear, linearBackward: (_g: TensorInfo, x: TensorInfo, weight: TensorInfo) => wakeForLinear(x, weight) },
);

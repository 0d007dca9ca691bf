// The wasm backend's fused LayerNorm over the last axis (float32): one pass per row forward (of a residual sum, too), one backward.
import {
  DTypeMismatchError,
  type AddLayerNormKernel,
  type FusedLayerNormKernels,
  type LayerNormBackwardKernel,
  type LayerNormBackwardResult,
  type LayerNormKernel,
  type LayerNormResult,
  type TensorInfo,
} from '@seqlab/tensor-core';
import { allocFor, ptr, runtime } from './context.js';
import { framedTable } from './framed.js';

// Both kernels see x as rows of D (its last axis) and run on float32 only.
function float32Rows(op: string, x: TensorInfo): { D: number; rows: number } {
  if (x.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the wasm backend; received ${x.dtype}`);
  const D = x.shape[x.shape.length - 1];
  return { D, rows: x.size / D };
}

// LayerNorm of `rows` rows of D floats at address `x` of this call's memory, into new blocks of the call.
function normalizeRows(x: number, rows: number, D: number, weight: TensorInfo | null, bias: TensorInfo | null, eps: number): LayerNormResult {
  const output = allocFor('float32', rows * D);
  const mean = allocFor('float32', rows);
  const rstd = allocFor('float32', rows);
  const w = weight === null ? 0 : ptr(weight);
  const b = bias === null ? 0 : ptr(bias);
  if (rows > 0) runtime().exports.layerNormF32(x, w, b, output, mean, rstd, rows, D, eps);
  // The frame copies these blocks out into new storages.
  return { output, mean, rstd } satisfies LayerNormResult;
}

const layerNorm: LayerNormKernel = (x, weight, bias, eps) => {
  const { D, rows } = float32Rows('layerNorm', x);
  return normalizeRows(ptr(x), rows, D, weight, bias, eps);
};

const layerNormBackward: LayerNormBackwardKernel = (dOutput, x, weight, mean, rstd) => {
  const { D, rows } = float32Rows('layerNormBackward', x);
  const dx = allocFor('float32', x.size);
  const dWeight = allocFor('float32', D);
  const dBias = allocFor('float32', D);
  // 2·D f64 column accumulators, as 4·D f32 slots (blocks are 64-byte aligned).
  const acc = allocFor('float32', 4 * D);
  const w = weight === null ? 0 : ptr(weight);
  runtime().exports.layerNormBackwardF32(ptr(dOutput), ptr(x), w, ptr(mean), ptr(rstd), dx, dWeight, dBias, acc, rows, D);
  return { dx, dWeight, dBias } satisfies LayerNormBackwardResult;
};

const addLayerNorm: AddLayerNormKernel = (x, residual, weight, bias, eps, saveSum) => {
  const { D, rows } = float32Rows('addLayerNorm', x);
  const output = allocFor('float32', x.size);
  // Unless the sum is saved for the backward pass, each summed row is normalised in place in the output.
  const sum = saveSum ? allocFor('float32', x.size) : output;
  const mean = allocFor('float32', rows);
  const rstd = allocFor('float32', rows);
  const w = weight === null ? 0 : ptr(weight);
  const b = bias === null ? 0 : ptr(bias);
  if (rows > 0) runtime().exports.addLayerNormF32(ptr(x), ptr(residual), w, b, sum, output, mean, rstd, rows, D, eps);
  return { output, mean, rstd, sum: saveSum ? sum : null };
};

/** The fused LayerNorm kernels (`Backend.fused.layerNorm` / `layerNormBackward` / `addLayerNorm`), each run in a call frame. */
export const fusedLayerNormKernels: FusedLayerNormKernels = framedTable({ layerNorm, layerNormBackward, addLayerNorm });

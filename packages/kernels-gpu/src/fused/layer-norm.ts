// The gpu backend's fused LayerNorm over the last axis: row statistics (one thread per row, two passes), the normalised
// output, and the backward from the saved statistics (row sums per row, column sums for the affine gradients).
import { DTypeMismatchError, type LayerNormBackwardResult, type LayerNormResult, type TensorInfo } from '@seqlab/tensor-core';
import { runProgram } from '../program.js';
import { columnSums, divSource, f, handleOf, release, rowColSource } from './programs.js';

/** Rows and row width of `x` (`[..., D]`), refusing a dtype other than float32. */
function rowsOf(op: string, x: TensorInfo): [number, number] {
  if (x.dtype !== 'float32') throw new DTypeMismatchError(`${op}: argument 'x' must be float32 on the gpu backend; received ${x.dtype}`);
  const D = x.shape[x.shape.length - 1];
  return [D === 0 ? 0 : x.size / D, D];
}

/** Statements assigning the mean of row `row` of `x` (D wide) to `mu`. */
function meanSource(D: number): string {
  return `let sum = 0.0; let p = row * ${f(D)}; for (let k = 0; k < ${D}; k++) { sum += x[p]; p += 1.0; } const mu = sum / ${f(D)};`;
}

/** LayerNorm forward (tensor-core's `LayerNormKernel` contract). */
function layerNorm(x: TensorInfo, weight: TensorInfo | null, bias: TensorInfo | null, eps: number): LayerNormResult {
  const op = 'layerNorm';
  const [rows, D] = rowsOf(op, x);
  const mean = runProgram(
    op,
    `layerNorm|mean|${rows},${D}`,
    () => ({ source: `function (x) { const row = this.thread.x * 1.0; ${meanSource(D)} return mu; }` }),
    rows,
    [handleOf(x)],
  );
  // Centred squares (the second pass) so the variance loses nothing to cancellation.
  const rstd = runProgram(
    op,
    `layerNorm|rstd|${rows},${D}`,
    () => ({
      source:
        `function (x, mean, eps) { const row = this.thread.x * 1.0; const mu = mean[row]; let sq = 0.0; let p = row * ${f(D)}; ` +
        `for (let k = 0; k < ${D}; k++) { const dv = x[p] - mu; sq += dv * dv; p += 1.0; } return 1.0 / Math.sqrt(sq / ${f(D)} + eps); }`,
    }),
    rows,
    [handleOf(x), mean, eps],
  );
  const affine = `${weight !== null}|${bias !== null}`;
  const output = runProgram(
    op,
    `layerNorm|output|${rows},${D}|${affine}`,
    () => ({
      source:
        `function (x, mean, rstd, w, b) { ${rowColSource(D)} let y = (x[i] - mean[row]) * rstd[row]; ` +
        (weight !== null ? 'y = y * w[col]; ' : '') +
        (bias !== null ? 'y = y + b[col]; ' : '') +
        'return y; }',
    }),
    x.size,
    [handleOf(x), mean, rstd, weight === null ? 0 : handleOf(weight), bias === null ? 0 : handleOf(bias)],
  );
  return { output, mean, rstd };
}

/** LayerNorm backward (tensor-core's `LayerNormBackwardKernel` contract). */
function layerNormBackward(dOutput: TensorInfo, x: TensorInfo, weight: TensorInfo | null, mean: TensorInfo, rstd: TensorInfo): LayerNormBackwardResult {
  const op = 'layerNormBackward';
  const [rows, D] = rowsOf(op, x);
  const scaled = weight !== null;
  const g = scaled ? 'dy[p] * w[k]' : 'dy[p]';
  // Per row: mean(g) at 2·row, mean(g·x̂) at 2·row + 1.
  const rowSums = runProgram(
    op,
    `layerNormBackward|rows|${rows},${D}|${scaled}`,
    () => ({
      source:
        `function (dy, x, w, mean, rstd) { const i = this.thread.x * 1.0; ${divSource('i', '2.0', 'row', 'which')} ` +
        `const mu = mean[row]; const rs = rstd[row]; let s = 0.0; let p = row * ${f(D)}; ` +
        `for (let k = 0; k < ${D}; k++) { const g = ${g}; if (which < 0.5) { s += g; } else { s += g * (x[p] - mu) * rs; } p += 1.0; } return s / ${f(D)}; }`,
    }),
    2 * rows,
    [handleOf(dOutput), handleOf(x), scaled ? handleOf(weight) : 0, handleOf(mean), handleOf(rstd)],
  );
  const dx = runProgram(
    op,
    `layerNormBackward|dx|${rows},${D}|${scaled}`,
    () => ({
      source:
        `function (dy, x, w, mean, rstd, sums) { ${rowColSource(D)} const rs = rstd[row]; const xh = (x[i] - mean[row]) * rs; ` +
        `const g = dy[i]${scaled ? ' * w[col]' : ''}; return rs * (g - sums[2.0 * row] - xh * sums[2.0 * row + 1.0]); }`,
    }),
    x.size,
    [handleOf(dOutput), handleOf(x), scaled ? handleOf(weight) : 0, handleOf(mean), handleOf(rstd), rowSums],
  );
  release(rowSums);
  // Column sums over every row by the reduction tree: dWeight = Σ dy·x̂, dBias = Σ dy.
  const scaledByXhat = runProgram(
    op,
    `layerNormBackward|dyxhat|${rows},${D}`,
    () => ({ source: `function (dy, x, mean, rstd) { ${rowColSource(D)} return dy[i] * (x[i] - mean[row]) * rstd[row]; }` }),
    x.size,
    [handleOf(dOutput), handleOf(x), handleOf(mean), handleOf(rstd)],
  );
  const dWeight = columnSums(op, scaledByXhat, rows, D);
  release(scaledByXhat);
  return { dx, dWeight, dBias: columnSums(op, handleOf(dOutput), rows, D) };
}

/**
 * The gpu backend's fused LayerNorm kernels (tensor-core's `FusedLayerNormKernels`, float32).
 *
 * @example
 * ```ts
 * const normed = gpuLayerNormKernels.layerNorm(x, weight, bias, 1e-5); // { output, mean, rstd }
 * ```
 */
export const gpuLayerNormKernels = { layerNorm, layerNormBackward };

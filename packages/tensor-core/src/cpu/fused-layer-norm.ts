// CPU fused LayerNorm over the last axis (float32 and float64): row statistics and their backward in float64.
import type { TensorInfo } from '../backend.js';
import { allocArray } from '../dtype.js';
import type { AddLayerNormKernel, FusedLayerNormKernels, LayerNormBackwardKernel, LayerNormKernel } from '../fused-layer-norm.js';

type FloatArray = Float32Array | Float64Array;

function floatArray(t: TensorInfo): FloatArray {
  return t.handle as FloatArray;
}

const layerNorm: LayerNormKernel = (x, weight, bias, eps) => {
  const D = x.shape[x.shape.length - 1];
  const rows = D === 0 ? 0 : x.size / D;
  const dtype = x.dtype as 'float32' | 'float64';
  const xs = floatArray(x);
  const w = weight === null ? null : floatArray(weight);
  const b = bias === null ? null : floatArray(bias);
  const out = allocArray(dtype, x.size);
  const means = allocArray(dtype, rows);
  const rstds = allocArray(dtype, rows);
  for (let r = 0, o = 0; r < rows; r++, o += D) {
    // Two passes (mean, then centred squares) so the variance loses nothing to cancellation.
    let sum = 0;
    for (let i = 0; i < D; i++) sum += xs[o + i];
    const mu = sum / D;
    let sq = 0;
    for (let i = 0; i < D; i++) {
      const d = xs[o + i] - mu;
      sq += d * d;
    }
    const rstd = 1 / Math.sqrt(sq / D + eps);
    means[r] = mu;
    rstds[r] = rstd;
    for (let i = 0; i < D; i++) {
      let y = (xs[o + i] - mu) * rstd;
      if (w !== null) y *= w[i];
      if (b !== null) y += b[i];
      out[o + i] = y;
    }
  }
  return { output: out, mean: means, rstd: rstds };
};

const layerNormBackward: LayerNormBackwardKernel = (dOutput, x, weight, mean, rstd) => {
  const D = x.shape[x.shape.length - 1];
  const rows = D === 0 ? 0 : x.size / D;
  const dtype = x.dtype as 'float32' | 'float64';
  const xs = floatArray(x);
  const dy = floatArray(dOutput);
  const w = weight === null ? null : floatArray(weight);
  const means = floatArray(mean);
  const rstds = floatArray(rstd);
  const dx = allocArray(dtype, x.size);
  // Column sums in float64 whatever the dtype: they run over every row of the batch.
  const dWeight = new Float64Array(D);
  const dBias = new Float64Array(D);
  for (let r = 0, o = 0; r < rows; r++, o += D) {
    const mu = means[r];
    const rs = rstds[r];
    let sumG = 0;
    let sumGx = 0;
    for (let i = 0; i < D; i++) {
      const g0 = dy[o + i];
      const xh = (xs[o + i] - mu) * rs;
      dWeight[i] += g0 * xh;
      dBias[i] += g0;
      const g = w === null ? g0 : g0 * w[i];
      sumG += g;
      sumGx += g * xh;
    }
    const meanG = sumG / D;
    const meanGx = sumGx / D;
    for (let i = 0; i < D; i++) {
      const xh = (xs[o + i] - mu) * rs;
      const g = w === null ? dy[o + i] : dy[o + i] * w[i];
      dx[o + i] = rs * (g - meanG - xh * meanGx);
    }
  }
  const cast = (v: Float64Array) => {
    const out = allocArray(dtype, D);
    out.set(v);
    return out;
  };
  return { dx, dWeight: cast(dWeight), dBias: cast(dBias) };
};

const addLayerNorm: AddLayerNormKernel = (x, residual, weight, bias, eps, saveSum) => {
  const xs = floatArray(x),
    rs = floatArray(residual);
  const sum = allocArray(x.dtype as 'float32' | 'float64', x.size);
  for (let i = 0; i < sum.length; i++) sum[i] = xs[i] + rs[i];
  return { ...layerNorm({ ...x, handle: sum }, weight, bias, eps), sum: saveSum ? sum : null };
};

/** The CPU backend's fused LayerNorm kernels (`Backend.fused.layerNorm` / `layerNormBackward` / `addLayerNorm`). */
export const fusedLayerNormKernels: FusedLayerNormKernels = { layerNorm, layerNormBackward, addLayerNorm };

// CPU softmax and log-softmax along any axis, numerically stable (shifted by the maximum), without transposes.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';

const EMPTY = new Float64Array(0);

/** Splits `shape` around `axis` into outer × len × inner, the loop nest both kernels run. */
function split(x: TensorInfo, axis: number): [outer: number, len: number, inner: number] {
  const shape = x.shape;
  if (shape.length === 0) return [1, 1, 1];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

/**
 * Shared body: `log` selects log-softmax. With inner = 1 each slice is a contiguous row; otherwise the slices
 * of one outer block are processed together, sweeping contiguous inner rows with per-slice max and sum
 * buffers, so memory is always read in storage order.
 */
function softmaxAlong(x: TensorInfo, axis: number, logForm: boolean): TypedArray {
  const src = x.handle as TypedArray;
  const out = allocArray(x.dtype, x.size);
  const [outer, len, inner] = split(x, axis);
  if (x.size === 0) return out;
  // Softmax keeps each slice's exponentials (in float64, one outer block at a time) so exp runs once per element.
  const expBuf = logForm ? EMPTY : new Float64Array(len * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * len;
      let m = -Infinity;
      for (let k = 0; k < len; k++) {
        const v = src[base + k];
        if (v > m || v !== v) m = v;
      }
      // An all -Infinity row has no finite shift; 0 keeps exp(-Inf - 0) = 0 instead of NaN.
      const shift = m === -Infinity ? 0 : m;
      let s = 0;
      if (logForm) {
        for (let k = 0; k < len; k++) s += Math.exp(src[base + k] - shift);
        // (x − shift) − log s, not x − (shift + log s): with |shift| ≳ 1e16 the sum would swallow log s.
        const logSum = Math.log(s);
        for (let k = 0; k < len; k++) out[base + k] = src[base + k] - shift - logSum;
      } else {
        for (let k = 0; k < len; k++) {
          const e = Math.exp(src[base + k] - shift);
          expBuf[k] = e;
          s += e;
        }
        const r = 1 / s;
        for (let k = 0; k < len; k++) out[base + k] = expBuf[k] * r;
      }
    }
    return out;
  }
  const maxBuf = new Float64Array(inner);
  const sumBuf = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    maxBuf.fill(-Infinity);
    sumBuf.fill(0);
    for (let k = 0; k < len; k++) {
      const row = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = src[row + j];
        if (v > maxBuf[j] || v !== v) maxBuf[j] = v;
      }
    }
    for (let j = 0; j < inner; j++) if (maxBuf[j] === -Infinity) maxBuf[j] = 0;
    if (logForm) {
      for (let k = 0; k < len; k++) {
        const row = base + k * inner;
        for (let j = 0; j < inner; j++) sumBuf[j] += Math.exp(src[row + j] - maxBuf[j]);
      }
      for (let j = 0; j < inner; j++) sumBuf[j] = Math.log(sumBuf[j]);
      for (let k = 0; k < len; k++) {
        const row = base + k * inner;
        for (let j = 0; j < inner; j++) out[row + j] = src[row + j] - maxBuf[j] - sumBuf[j];
      }
    } else {
      for (let k = 0; k < len; k++) {
        const row = base + k * inner,
          e0 = k * inner;
        for (let j = 0; j < inner; j++) {
          const e = Math.exp(src[row + j] - maxBuf[j]);
          expBuf[e0 + j] = e;
          sumBuf[j] += e;
        }
      }
      for (let j = 0; j < inner; j++) sumBuf[j] = 1 / sumBuf[j];
      for (let k = 0; k < len; k++) {
        const row = base + k * inner,
          e0 = k * inner;
        for (let j = 0; j < inner; j++) out[row + j] = expBuf[e0 + j] * sumBuf[j];
      }
    }
  }
  return out;
}

/** CPU softmax and log-softmax kernels. */
export const softmaxKernels: Pick<Kernels, 'softmax' | 'logSoftmax'> = {
  softmax: (x, axis) => softmaxAlong(x, axis, false),
  logSoftmax: (x, axis) => softmaxAlong(x, axis, true),
};

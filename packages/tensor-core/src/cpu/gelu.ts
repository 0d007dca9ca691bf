// CPU GELU kernels: the exact erf form x·Φ(x) and the tanh approximation, and their gradient, computed in float64.
import type { Kernels } from '../backend.js';
import type { FusedGeluKernels, GeluBackwardKernel } from '../fused-gelu.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { normalCdf } from './erf.js';

// √(2/π), the tanh form's scale.
const SQRT_2_OVER_PI = 0.7978845608028654;

/** CPU gelu kernel. */
export const geluKernels: Pick<Kernels, 'gelu'> = {
  gelu(x, approximate) {
    const src = x.handle as TypedArray;
    const out = allocArray(x.dtype, x.size);
    if (approximate === 'none') {
      // normalCdf keeps full relative accuracy for very negative v, where 1 + erf(v/√2) would cancel.
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        out[i] = v * normalCdf(v);
      }
    } else {
      // ½(1 + tanh(u)) = 1 / (1 + e^(−2u)): the same value as PyTorch's formula without its cancellation for v ≪ 0.
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        const u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
        out[i] = v / (1 + Math.exp(-2 * u));
      }
    }
    return out;
  },
};

// 1/√(2π), the normal density's scale.
const INV_SQRT_2PI = 0.3989422804014327;

const geluBackward: GeluBackwardKernel = (dOutput, x, tanh) => {
  const src = x.handle as TypedArray;
  const dy = dOutput.handle as TypedArray;
  const dx = allocArray(x.dtype, x.size);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    let grad: number;
    if (tanh) {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      grad = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
    } else grad = normalCdf(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
    dx[i] = dy[i] * grad;
  }
  return { dx };
};

/** The CPU reference's fused GELU gradient. */
export const fusedGeluKernels: FusedGeluKernels = { geluBackward };

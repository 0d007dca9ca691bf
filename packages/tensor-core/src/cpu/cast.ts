// CPU dtype conversion: float → int truncates toward zero (saturating, NaN → 0), anything → bool tests for nonzero.
import type { Kernels } from '../backend.js';
import { allocArray, truncToInt32, type TypedArray } from '../dtype.js';

/** CPU cast kernel. */
export const castKernels: Pick<Kernels, 'cast'> = {
  cast(x, dtype) {
    const src = x.handle as TypedArray;
    const out = allocArray(dtype, x.size);
    if (dtype === 'bool') {
      // NaN is nonzero, so it becomes true, as bool(nan) in PyTorch.
      for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    } else if (dtype === 'int32') {
      for (let i = 0; i < src.length; i++) out[i] = truncToInt32(src[i]);
    } else {
      // Float32Array stores round to nearest; Float64Array stores are exact.
      out.set(src);
    }
    return out;
  },
};

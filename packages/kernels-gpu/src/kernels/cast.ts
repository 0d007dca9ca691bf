// cast: float32 copies on the device; conversions to and from int32/bool through the host, where those dtypes live.
import type { Kernels } from '@seqlab/tensor-core';
import { copyFloat } from '../program.js';
import { GpuFloat, hostFloat, readFloat } from '../storage.js';
import { cpuKernel } from './elementwise.js';

/** The gpu backend's cast kernel. */
export const castKernels = {
  cast(x, dtype) {
    if (x.dtype === 'float32') {
      if (dtype === 'float32') return copyFloat('cast', x.handle as GpuFloat);
      // float → int32 truncates toward zero (saturating, NaN → 0); float → bool tests for nonzero (NaN is true), as on cpu.
      return cpuKernel('cast')({ ...x, handle: readFloat('cast', x.handle as GpuFloat) }, dtype);
    }
    if (dtype === 'float32') return hostFloat('cast', Float32Array.from(x.handle as ArrayLike<number>));
    return cpuKernel('cast')(x, dtype);
  },
} satisfies Pick<Kernels, 'cast'>;

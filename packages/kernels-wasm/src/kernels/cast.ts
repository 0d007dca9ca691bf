// wasm cast kernel: dtype conversion with the CPU backend's rules (truncToInt32 for float → int32, nonzero → true).
import { truncToInt32, type Kernels } from '@seqlab/tensor-core';
import { allocFor, elementBytes, ptr, runtime } from '../context.js';

/** The cast kernel. */
export const castKernels = {
  cast(x, dtype) {
    const out = allocFor(dtype, x.size);
    const heap = runtime().heap;
    const view = (d: typeof dtype, at: number) =>
      d === 'bool'
        ? heap.u8.subarray(at, at + x.size)
        : d === 'int32'
          ? heap.i32.subarray(at >>> 2, (at >>> 2) + x.size)
          : heap.f32.subarray(at >>> 2, (at >>> 2) + x.size);
    const from = view(x.dtype, ptr(x)),
      to = view(dtype, out);
    if (dtype === 'bool') {
      // NaN is nonzero, so it becomes true, as bool(nan) in PyTorch.
      for (let i = 0; i < x.size; i++) to[i] = from[i] !== 0 ? 1 : 0;
    } else if (dtype === 'int32' && x.dtype === 'float32') {
      for (let i = 0; i < x.size; i++) to[i] = truncToInt32(from[i]);
    } else if (elementBytes(dtype) === elementBytes(x.dtype) && dtype === x.dtype) {
      heap.u8.copyWithin(out, ptr(x), ptr(x) + x.size * elementBytes(dtype));
    } else {
      to.set(from);
    }
    return out;
  },
} satisfies Pick<Kernels, 'cast'>;

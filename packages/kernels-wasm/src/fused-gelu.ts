// The wasm backend's fused GELU gradient (float32): dy·gelu'(x) in one f32x4 pass, shared by the threads when large.
import { DTypeMismatchError, type FusedGeluKernels, type GeluBackwardKernel } from '@seqlab/tensor-core';
import { allocFor, ptr } from './context.js';
import { framedTable } from './framed.js';
import { geluAt } from './kernels/unary.js';

const geluBackward: GeluBackwardKernel = (dOutput, x, tanh) => {
  if (x.dtype !== 'float32') throw new DTypeMismatchError(`geluBackward: argument 'x' must be float32 on the wasm backend; received ${x.dtype}`);
  const dx = allocFor('float32', x.size);
  if (x.size > 0) geluAt(ptr(x), dx, x.size, tanh, ptr(dOutput));
  return { dx };
};

/** The fused GELU gradient (`Backend.fused.geluBackward`), run in a call frame. */
export const fusedGeluKernels: FusedGeluKernels = framedTable({ geluBackward });

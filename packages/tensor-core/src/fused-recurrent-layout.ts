// Batch-first calls of fused recurrent kernels that index the time-major layout only (the cpu and gpu backends'):
// the input, and the backward's output gradient, transposed on the way in; the output, and dx, on the way out.
import type { Backend, DataHandle, TensorInfo } from './backend.js';
import { KernelNotFoundError } from './errors.js';
import type { FusedRecurrentKernels, RecurrentSequenceArgs } from './fused-recurrent.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

// `[a, b, c]` `t` with its leading axes swapped, as a new storage of `backend` (by its own transpose kernel).
function swappedHandle(backend: Backend, t: TensorInfo): DataHandle {
  const transpose = backend.kernels.transpose;
  if (transpose === undefined) throw new KernelNotFoundError('transpose', backend.name);
  return transpose(t, [1, 0, 2]);
}

// The same as a tensor, so that the storage is freed like any tensor's (by the garbage-collection net, as the layer's
// own transposes were).
function swapped(backend: Backend, t: TensorInfo): Tensor {
  const [a, b, c] = t.shape;
  return Tensor.fromHandle(backend, swappedHandle(backend, t), [b, a, c], t.dtype);
}

// A kernel's time-major `[T, B, c]` result as the batch-first `[B, T, c]` storage the call returns.
function batchMajor(backend: Backend, handle: DataHandle, shape: Shape, dtype: TensorInfo['dtype']): DataHandle {
  return swappedHandle(backend, Tensor.fromHandle(backend, handle, shape, dtype));
}

// A forward kernel taking batch-first calls too: the time-major kernel on the swapped input, its output swapped back.
function forward<A extends RecurrentSequenceArgs, R extends { readonly output: DataHandle }>(kernel: (args: A) => R, backendOf: () => Backend): (args: A) => R {
  return (args) => {
    if (args.batchFirst !== true) return kernel(args);
    const backend = backendOf();
    const [B, T] = args.x.shape;
    const r = kernel({ ...args, x: swapped(backend, args.x), batchFirst: false });
    return { ...r, output: batchMajor(backend, r.output, [T, B, args.h0.shape[1]], args.x.dtype) };
  };
}

// A backward kernel taking batch-first calls too: x and dOutput swapped on the way in, dx swapped back.
function backward<A extends RecurrentSequenceArgs & { readonly dOutput: TensorInfo }, R extends { readonly dx: DataHandle }>(
  kernel: (args: A) => R,
  backendOf: () => Backend,
): (args: A) => R {
  return (args) => {
    if (args.batchFirst !== true) return kernel(args);
    const backend = backendOf();
    const [B, T, I] = args.x.shape;
    const g = kernel({ ...args, x: swapped(backend, args.x), dOutput: swapped(backend, args.dOutput), batchFirst: false });
    return { ...g, dx: batchMajor(backend, g.dx, [T, B, I], args.x.dtype) };
  };
}

/**
 * The fused recurrent kernels `kernels`, which index the time-major layout only, taking batch-first calls too
 * (`batchFirst: true`, see `RecurrentSequenceArgs.batchFirst`): such a call runs the time-major kernel on transposed
 * inputs (`x`, and the backward's `dOutput`) and transposes its output (and `dx`) back, with the backend's own
 * transpose kernel. `backendOf` gives the backend whose table holds the result (read at call time).
 *
 * @example
 * ```ts
 * const fused = { ...batchFirstSequences(timeMajorKernels, () => myBackend) };
 * ```
 */
export function batchFirstSequences(kernels: FusedRecurrentKernels, backendOf: () => Backend): FusedRecurrentKernels {
  return {
    lstmSequence: forward(kernels.lstmSequence, backendOf),
    lstmSequenceBackward: backward(kernels.lstmSequenceBackward, backendOf),
    gruSequence: forward(kernels.gruSequence, backendOf),
    gruSequenceBackward: backward(kernels.gruSequenceBackward, backendOf),
  };
}

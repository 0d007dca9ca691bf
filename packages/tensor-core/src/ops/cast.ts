// Conversion of a tensor to another dtype.
import { isDType, type DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, kernelOf, record, wrap } from './dispatch.js';

/**
 * The values of `x` as `dtype`, as `tensor.to(dtype)` in PyTorch: float → int32 truncates toward zero, and where
 * PyTorch leaves the result undefined this is defined on every backend: values beyond the int32 range saturate to
 * -2147483648 or 2147483647 and NaN becomes 0 (see {@link truncToInt32}). Any → bool is `value != 0` (NaN is true),
 * bool → number gives 0 or 1. Casting to the same dtype is free.
 *
 * @example
 * ```ts
 * cast(tensor([-1.7, 0.5, 2.9]), 'int32'); // [-1, 0, 2]
 * cast(tensor([0, 3]), 'bool');            // [false, true]
 * cast(tensor([3e9, -Infinity, NaN]), 'int32'); // [2147483647, -2147483648, 0]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  if (!isDType(dtype)) {
    throw new InvalidArgumentError(`cast: argument 'dtype' must be one of float32, int32, float64, bool; received ${describe(dtype)}`);
  }
  if (!x.backend.dtypes.includes(dtype)) {
    throw new InvalidArgumentError(`cast: backend '${x.backendName}' cannot store dtype ${dtype}; it stores ${x.backend.dtypes.join(', ')}`);
  }
  // Tensors are immutable, so the same dtype can share storage.
  const out = dtype === x.dtype ? x.alias(x.shape) : wrap(x.backend, kernelOf(x.backend, 'cast')(x, dtype), x.shape, dtype);
  return record('cast', [x], out, { dtype });
}

// Argument checks shared by the recurrent modules; each throws a typed error naming the argument.
import { describeValue, DTypeMismatchError, formatShape, InvalidArgumentError, ShapeMismatchError, shapesEqual, Tensor, type Shape } from '@seqlab/tensor-core';

// The value describer, the boolean and the integer checks are tensor-core's one validation module.
export { checkBoolean, checkIntegerAtLeast, describeValue } from '@seqlab/tensor-core';

/** Throws INVALID_ARGUMENT unless `value` is a number in [lo, hi]. */
export function checkRange(op: string, name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(`${op}: argument '${name}' must be a number in [${lo}, ${hi}]; received ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a tensor; INVALID_ARGUMENT names the argument. */
export function checkTensorArg(op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument '${name}' must be a Tensor; received ${describeValue(value)}`);
  return value;
}

/** Throws SHAPE_MISMATCH unless `t` has exactly `shape`; `what` explains the expected layout. */
export function checkShapeIs(op: string, name: string, t: Tensor, shape: Shape, what: string): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeMismatchError(`${op}: argument '${name}' must have shape ${formatShape(shape)} (${what}); received shape ${formatShape(t.shape)}`);
  }
}

/** Throws DTYPE_MISMATCH unless `t` has the parameters' dtype. */
export function checkDTypeIs(op: string, name: string, t: Tensor, dtype: string): void {
  if (t.dtype !== dtype) {
    throw new DTypeMismatchError(`${op}: argument '${name}' must be ${dtype} like the layer's parameters; received ${t.dtype}`);
  }
}

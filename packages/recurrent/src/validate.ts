// Argument checks shared by the recurrent modules; each throws a typed error naming the argument.
import { DTypeMismatchError, formatShape, InvalidArgumentError, ShapeMismatchError, shapesEqual, Tensor, type Shape } from '@seqlab/tensor-core';

/** A short description of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (value instanceof Tensor) return `a ${value.dtype} tensor of shape ${formatShape(value.shape)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  return typeof value;
}

/** Throws INVALID_ARGUMENT unless `value` is an integer ≥ `min`. */
export function checkInteger(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: argument '${name}' must be an integer ≥ ${min}; received ${describeValue(value)}`);
  }
  return value;
}

/** Throws INVALID_ARGUMENT unless `value` is a number in [lo, hi]. */
export function checkRange(op: string, name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(`${op}: argument '${name}' must be a number in [${lo}, ${hi}]; received ${describeValue(value)}`);
  }
  return value;
}

/** Throws INVALID_ARGUMENT unless `value` is a boolean (undefined gives `fallback`). */
export function checkBoolean(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${op}: option '${name}' must be a boolean; received ${describeValue(value)}`);
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

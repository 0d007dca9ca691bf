// Elementwise binary ops with NumPy broadcasting, comparisons giving bool masks, logic, and where.
import type { DType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDType, checkTensor, coercePair, kernelOf, record, scalarOn, wrap, type TensorLike } from './dispatch.js';
import type { BinaryOpName, CompareOpName, LogicalOpName } from './names.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

function binary(op: BinaryOpName): (a: TensorLike, b: TensorLike) => Tensor {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, backend] = coercePair(op, a, b);
    checkDType(op, 'a', x, NUMERIC);
    const shape = broadcastShapes(op, x.shape, y.shape);
    const out = wrap(backend, kernelOf(backend, 'binary')(op, x, y, shape), shape, x.dtype);
    return record(op, [x, y], out, {});
  };
}

/** `a + b` with broadcasting. Numbers are scalars of the other operand's dtype. */
export const add = binary('add');
/** `a - b` with broadcasting. */
export const sub = binary('sub');
/** `a * b` with broadcasting. */
export const mul = binary('mul');
/** `a / b` with broadcasting (int32 division truncates toward zero). */
export const div = binary('div');
/** `a ** b` with broadcasting. */
export const pow = binary('pow');
/** Elementwise maximum with broadcasting (NaN propagates). */
export const maximum = binary('maximum');
/** Elementwise minimum with broadcasting (NaN propagates). */
export const minimum = binary('minimum');

function compare(op: CompareOpName): (a: TensorLike, b: TensorLike) => Tensor {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, backend] = coercePair(op, a, b);
    const shape = broadcastShapes(op, x.shape, y.shape);
    const out = wrap(backend, kernelOf(backend, 'compare')(op, x, y, shape), shape, 'bool');
    return record(op, [x, y], out, {});
  };
}

/** Mask of `a == b`. */
export const equal = compare('equal');
/** Mask of `a != b`. */
export const notEqual = compare('notEqual');
/** Mask of `a < b`. */
export const less = compare('less');
/** Mask of `a <= b`. */
export const lessEqual = compare('lessEqual');
/** Mask of `a > b`. */
export const greater = compare('greater');
/** Mask of `a >= b`. */
export const greaterEqual = compare('greaterEqual');

function logical(op: LogicalOpName): (a: Tensor, b: Tensor) => Tensor {
  return (a: Tensor, b: Tensor): Tensor => {
    checkTensor(op, 'a', a);
    checkTensor(op, 'b', b);
    checkDType(op, 'a', a, ['bool']);
    checkDType(op, 'b', b, ['bool']);
    const backend = backendOf(op, [a, b], ['a', 'b']);
    const shape = broadcastShapes(op, a.shape, b.shape);
    const out = wrap(backend, kernelOf(backend, 'logical')(op, a, b, shape), shape, 'bool');
    return record(op, [a, b], out, {});
  };
}

/** Elementwise AND of two bool masks. */
export const logicalAnd = logical('logicalAnd');
/** Elementwise OR of two bool masks. */
export const logicalOr = logical('logicalOr');
/** Elementwise XOR of two bool masks. */
export const logicalXor = logical('logicalXor');

/** Elementwise NOT of a bool mask. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', 'x', x);
  checkDType('logicalNot', 'x', x, ['bool']);
  const out = wrap(x.backend, kernelOf(x.backend, 'logicalNot')(x), x.shape, 'bool');
  return record('logicalNot', [x], out, {});
}

/**
 * `cond ? a : b` elementwise, all three broadcast together. `cond` is a bool mask.
 *
 * @example
 * ```ts
 * where(greater(x, 0), x, 0); // relu
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  checkDType('where', 'cond', cond, ['bool']);
  // Two numbers become float32 scalars on cond's backend, not the active one.
  const first = typeof a === 'number' && typeof b === 'number' ? scalarOn(cond.backend, a, 'float32', 'where', 'a') : a;
  const [x, y, backend] = coercePair('where', first, b);
  backendOf('where', [cond, x], ['cond', 'a']);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  const out = wrap(backend, kernelOf(backend, 'where')(cond, x, y, shape), shape, x.dtype);
  return record('where', [cond, x, y], out, {});
}

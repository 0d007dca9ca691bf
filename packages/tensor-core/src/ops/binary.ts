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

/**
 * `a + b` with broadcasting. Numbers are scalars of the other operand's dtype.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray()) === '[[11,22],[13,24]]');
 * ```
 */
export const add = binary('add');
/**
 * `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(sub(tensor([5, 7]), 1).toArray()) === '[4,6]');
 * ```
 */
export const sub = binary('sub');
/**
 * `a * b` with broadcasting.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(mul(tensor([1, 2]), tensor([3, 4])).toArray()) === '[3,8]');
 * ```
 */
export const mul = binary('mul');
/**
 * `a / b` with broadcasting (int32 division truncates toward zero).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(div(tensor([6, 3]), 2).toArray()) === '[3,1.5]');
 * console.assert(JSON.stringify(div(tensor([7, -7], [2], 'int32'), 2).toArray()) === '[3,-3]'); // truncates
 * ```
 */
export const div = binary('div');
/**
 * `a ** b` with broadcasting.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(pow(tensor([2, 3]), 2).toArray()) === '[4,9]');
 * ```
 */
export const pow = binary('pow');
/**
 * Elementwise maximum with broadcasting (NaN propagates).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(maximum(tensor([1, 5]), tensor([3, 2])).toArray()) === '[3,5]');
 * ```
 */
export const maximum = binary('maximum');
/**
 * Elementwise minimum with broadcasting (NaN propagates).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(minimum(tensor([1, 5]), 2).toArray()) === '[1,2]');
 * ```
 */
export const minimum = binary('minimum');

function compare(op: CompareOpName): (a: TensorLike, b: TensorLike) => Tensor {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, backend] = coercePair(op, a, b);
    const shape = broadcastShapes(op, x.shape, y.shape);
    const out = wrap(backend, kernelOf(backend, 'compare')(op, x, y, shape), shape, 'bool');
    return record(op, [x, y], out, {});
  };
}

/**
 * Mask of `a == b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(equal(tensor([1, 2]), 2).toArray()) === '[false,true]');
 * ```
 */
export const equal = compare('equal');
/**
 * Mask of `a != b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(notEqual(tensor([1, 2]), 2).toArray()) === '[true,false]');
 * ```
 */
export const notEqual = compare('notEqual');
/**
 * Mask of `a < b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(less(tensor([1, 2, 3]), 2).toArray()) === '[true,false,false]');
 * ```
 */
export const less = compare('less');
/**
 * Mask of `a <= b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(lessEqual(tensor([1, 2, 3]), 2).toArray()) === '[true,true,false]');
 * ```
 */
export const lessEqual = compare('lessEqual');
/**
 * Mask of `a > b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(greater(tensor([1, 2, 3]), 2).toArray()) === '[false,false,true]');
 * ```
 */
export const greater = compare('greater');
/**
 * Mask of `a >= b`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(greaterEqual(tensor([1, 2, 3]), 2).toArray()) === '[false,true,true]');
 * ```
 */
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

/**
 * Elementwise AND of two bool masks.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(logicalAnd(tensor([true, true]), tensor([true, false])).toArray()) === '[true,false]');
 * ```
 */
export const logicalAnd = logical('logicalAnd');
/**
 * Elementwise OR of two bool masks.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(logicalOr(tensor([false, false]), tensor([true, false])).toArray()) === '[true,false]');
 * ```
 */
export const logicalOr = logical('logicalOr');
/**
 * Elementwise XOR of two bool masks.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(logicalXor(tensor([true, true]), tensor([true, false])).toArray()) === '[false,true]');
 * ```
 */
export const logicalXor = logical('logicalXor');

/**
 * Elementwise NOT of a bool mask.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(logicalNot(tensor([true, false])).toArray()) === '[false,true]');
 * ```
 */
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

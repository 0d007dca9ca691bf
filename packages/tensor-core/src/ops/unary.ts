// Elementwise unary ops: front-ends that validate, dispatch to the kernel of the same name and record.
import { checkStorable, type DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor, kernelOf, record, wrap } from './dispatch.js';
import type { UnaryOpName } from './names.js';

const FLOAT: readonly DType[] = ['float32', 'float64'];
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

function unary(op: UnaryOpName, allowed: readonly DType[]): (x: Tensor) => Tensor {
  return (x: Tensor): Tensor => {
    checkTensor(op, 'x', x);
    checkDType(op, 'x', x, allowed);
    const backend = x.backend;
    const out = wrap(backend, kernelOf(backend, op)(x), x.shape, x.dtype);
    return record(op, [x], out, {});
  };
}

/**
 * `-x`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(neg(tensor([1, -2])).toArray()) === '[-1,2]');
 * ```
 */
export const neg = unary('neg', NUMERIC);
/**
 * `|x|`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(abs(tensor([-2, 3])).toArray()) === '[2,3]');
 * ```
 */
export const abs = unary('abs', NUMERIC);
/**
 * `e^x`.
 *
 * @example
 * ```ts
 * console.assert(exp(tensor([0])).item() === 1);
 * ```
 */
export const exp = unary('exp', FLOAT);
/**
 * Natural logarithm.
 *
 * @example
 * ```ts
 * console.assert(log(tensor([1])).item() === 0);
 * ```
 */
export const log = unary('log', FLOAT);
/**
 * `log(1 + x)`, accurate for small x.
 *
 * @example
 * ```ts
 * console.assert(log1p(tensor([0])).item() === 0);
 * ```
 */
export const log1p = unary('log1p', FLOAT);
/**
 * Square root.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(sqrt(tensor([4, 9])).toArray()) === '[2,3]');
 * ```
 */
export const sqrt = unary('sqrt', FLOAT);
/**
 * `1 / sqrt(x)`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(rsqrt(tensor([4, 16])).toArray()) === '[0.5,0.25]');
 * ```
 */
export const rsqrt = unary('rsqrt', FLOAT);
/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * console.assert(tanh(tensor([0])).item() === 0);
 * ```
 */
export const tanh = unary('tanh', FLOAT);
/**
 * Logistic sigmoid `1 / (1 + e^-x)`, computed without overflow.
 *
 * @example
 * ```ts
 * console.assert(sigmoid(tensor([0])).item() === 0.5);
 * ```
 */
export const sigmoid = unary('sigmoid', FLOAT);
/**
 * `max(x, 0)`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(relu(tensor([-1, 2])).toArray()) === '[0,2]');
 * ```
 */
export const relu = unary('relu', NUMERIC);
/**
 * Sine.
 *
 * @example
 * ```ts
 * console.assert(sin(tensor([0])).item() === 0);
 * ```
 */
export const sin = unary('sin', FLOAT);
/**
 * Cosine.
 *
 * @example
 * ```ts
 * console.assert(cos(tensor([0])).item() === 1);
 * ```
 */
export const cos = unary('cos', FLOAT);
/**
 * `x²`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(square(tensor([-3, 2])).toArray()) === '[9,4]');
 * ```
 */
export const square = unary('square', NUMERIC);
/**
 * `1 / x`.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(reciprocal(tensor([2, 4])).toArray()) === '[0.5,0.25]');
 * ```
 */
export const reciprocal = unary('reciprocal', FLOAT);
/**
 * -1, 0 or 1 by the sign of x (0 for NaN-free zero).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(sign(tensor([-5, 0, 2])).toArray()) === '[-1,0,1]');
 * ```
 */
export const sign = unary('sign', NUMERIC);
/**
 * Largest integer not above x.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(floor(tensor([1.5, -1.5])).toArray()) === '[1,-2]');
 * ```
 */
export const floor = unary('floor', FLOAT);
/**
 * Smallest integer not below x.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(ceil(tensor([1.5, -1.5])).toArray()) === '[2,-1]');
 * ```
 */
export const ceil = unary('ceil', FLOAT);
/**
 * Nearest integer, halves to even (as `torch.round`).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(round(tensor([0.5, 1.5, 2.4])).toArray()) === '[0,2,2]'); // halves to even
 * ```
 */
export const round = unary('round', FLOAT);

/**
 * Gaussian error linear unit. `approximate: 'none'` uses the exact erf form `x·Φ(x)`,
 * `'tanh'` the tanh approximation, as `torch.nn.functional.gelu`.
 *
 * @example
 * ```ts
 * const y = gelu(tensor([-1, 0, 1]), { approximate: 'tanh' });
 * console.assert(y.shape[0] === 3 && y.dataSync()[1] === 0);
 * ```
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  checkTensor('gelu', 'x', x);
  checkDType('gelu', 'x', x, FLOAT);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`gelu: argument 'options' must be an object; received ${describe(options)}`);
  }
  const approximate = options.approximate === undefined ? 'none' : options.approximate;
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new InvalidArgumentError(`gelu: argument 'approximate' must be 'none' or 'tanh'; received ${describe(approximate)}`);
  }
  const out = wrap(x.backend, kernelOf(x.backend, 'gelu')(x, approximate), x.shape, x.dtype);
  return record('gelu', [x], out, { approximate });
}

/**
 * Limits every element to `[min, max]`; either bound may be omitted (±Infinity).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(clamp(tensor([-2, 0.5, 3]), 0, 1).toArray()) === '[0,0.5,1]');
 * ```
 */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  checkTensor('clamp', 'x', x);
  checkDType('clamp', 'x', x, NUMERIC);
  if (typeof min !== 'number' || Number.isNaN(min)) throw new InvalidArgumentError(`clamp: argument 'min' must be a number; received ${describe(min)}`);
  if (typeof max !== 'number' || Number.isNaN(max)) throw new InvalidArgumentError(`clamp: argument 'max' must be a number; received ${describe(max)}`);
  if (min > max) throw new InvalidArgumentError(`clamp: argument 'min' (${min}) must not exceed 'max' (${max})`);
  // An int32 result must be able to hold a finite bound; an infinite one clamps nothing.
  if (x.dtype === 'int32') {
    if (Number.isFinite(min)) checkStorable('clamp', "argument 'min'", min, 'int32');
    if (Number.isFinite(max)) checkStorable('clamp', "argument 'max'", max, 'int32');
  }
  const out = wrap(x.backend, kernelOf(x.backend, 'clamp')(x, min, max), x.shape, x.dtype);
  return record('clamp', [x], out, { min, max });
}

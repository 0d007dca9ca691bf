// Reductions: sum, mean, max, min, prod, variance, logSumExp, argmax and argmin over axes.
import type { TensorInfo } from '../backend.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { describe, formatShape, normalizeAxes, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, equal, sub, where } from './binary.js';
import { checkDType, checkTensor, kernelOf, record, wrap } from './dispatch.js';
import type { ReduceOpName } from './names.js';
import { abs, exp, log, square } from './unary.js';
import { checkBoolean } from '../validate.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];
const FLOAT: readonly DType[] = ['float32', 'float64'];

function checkKeepDims(op: string, keepDims: unknown): boolean {
  return checkBoolean(op, 'keepDims', keepDims);
}

/** `shape` with `axes` removed, or set to 1 when `keepDims`. */
function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (!axes.includes(d)) out.push(shape[d]);
    else if (keepDims) out.push(1);
  }
  return out;
}

/** Number of elements folded into each output element. */
function reducedCount(shape: Shape, axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a];
  return n;
}

function reduction(op: ReduceOpName, allowEmpty: boolean) {
  return (x: Tensor, axes?: number | number[], keepDims = false): Tensor => {
    checkTensor(op, 'x', x);
    checkDType(op, 'x', x, NUMERIC);
    const ax = normalizeAxes(op, 'axes', axes, x.rank);
    checkKeepDims(op, keepDims);
    const shape = reducedShape(x.shape, ax, keepDims);
    if (!allowEmpty && reducedCount(x.shape, ax) === 0) {
      throw new InvalidArgumentError(
        `${op}: cannot reduce an empty dimension (there is no identity); received a tensor of shape ${formatShape(x.shape)} reduced over axes [${ax.join(', ')}]`,
      );
    }
    // Tensors are immutable, so reducing over no axes can share storage instead of copying.
    const out = ax.length === 0 ? x.alias(shape) : wrap(x.backend, kernelOf(x.backend, 'reduce')(op, x, ax), shape, x.dtype);
    return record(op, [x], out, { axes: ax, keepDims });
  };
}

/**
 * Sum over `axes` (all axes when omitted); an empty dimension sums to 0.
 *
 * @param x - float32, float64 or int32 tensor
 * @param axes - an axis or a list of axes, negative counting from the end
 * @param keepDims - keep reduced axes as size 1
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 1); // [3, 7]
 * ```
 */
export const sum: (x: Tensor, axes?: number | number[], keepDims?: boolean) => Tensor = reduction('sum', true);

/**
 * Product over `axes` (all when omitted); an empty dimension gives 1. Same arguments as {@link sum}.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(prod(tensor([[1, 2], [3, 4]]), 1).toArray()) === '[2,12]');
 * ```
 */
export const prod: (x: Tensor, axes?: number | number[], keepDims?: boolean) => Tensor = reduction('prod', true);

/**
 * Maximum over `axes` (NaN propagates); reducing an empty dimension is an error. Same arguments as {@link sum}.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(max(tensor([[1, 5], [7, 2]]), 1).toArray()) === '[5,7]');
 * ```
 */
export const max: (x: Tensor, axes?: number | number[], keepDims?: boolean) => Tensor = reduction('max', false);

/**
 * Minimum over `axes` (NaN propagates); reducing an empty dimension is an error. Same arguments as {@link sum}.
 *
 * @example
 * ```ts
 * console.assert(min(tensor([[1, 5], [7, 2]])).item() === 1);
 * ```
 */
export const min: (x: Tensor, axes?: number | number[], keepDims?: boolean) => Tensor = reduction('min', false);

/**
 * Arithmetic mean over `axes` (all when omitted) of a float tensor; NaN for an empty dimension, as in PyTorch.
 *
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0); // [2, 3]
 * ```
 */
export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  checkTensor('mean', 'x', x);
  checkDType('mean', 'x', x, FLOAT);
  const ax = normalizeAxes('mean', 'axes', axes, x.rank);
  checkKeepDims('mean', keepDims);
  const s = sum(x, ax, keepDims);
  const count = reducedCount(x.shape, ax);
  return count === 1 ? s : div(s, count);
}

/** Options of {@link variance}. */
export interface VarianceOptions {
  /** Keep reduced axes as size 1. Default false. */
  keepDims?: boolean;
  /** Subtracted from the element count in the divisor: 1 (default) is Bessel's unbiased estimate, 0 the population variance. */
  correction?: number;
}

/**
 * Variance over `axes` (all when omitted), `Σ(x − mean)² / max(0, N − correction)`, as `torch.var`.
 * Two passes (mean first) keep it accurate when the mean is large compared with the spread.
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4]));                     // 1.6667
 * variance(tensor([1, 2, 3, 4]), 0, { correction: 0 }); // 1.25
 * ```
 */
export function variance(x: Tensor, axes?: number | number[], options: VarianceOptions = {}): Tensor {
  checkTensor('variance', 'x', x);
  checkDType('variance', 'x', x, FLOAT);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`variance: argument 'options' must be an object; received ${describe(options)}`);
  }
  const ax = normalizeAxes('variance', 'axes', axes, x.rank);
  const keepDims = options.keepDims === undefined ? false : checkKeepDims('variance', options.keepDims);
  const correction = options.correction === undefined ? 1 : options.correction;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new InvalidArgumentError(`variance: argument 'correction' must be a finite non-negative number; received ${describe(correction)}`);
  }
  const centred = sub(x, mean(x, ax, true));
  const divisor = Math.max(0, reducedCount(x.shape, ax) - correction);
  return div(sum(square(centred), ax, keepDims), divisor);
}

/**
 * `log(Σ exp(x))` over `axes` (all when omitted), shifted by the maximum so that large inputs do not overflow;
 * `-Infinity` for an empty dimension or an all `-Infinity` slice.
 *
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])); // 1000.6931
 * ```
 */
export function logSumExp(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  checkTensor('logSumExp', 'x', x);
  checkDType('logSumExp', 'x', x, FLOAT);
  const ax = normalizeAxes('logSumExp', 'axes', axes, x.rank);
  checkKeepDims('logSumExp', keepDims);
  if (reducedCount(x.shape, ax) === 0) return log(sum(exp(x), ax, keepDims));
  // The shift's gradient contribution is exactly zero, so it is taken through an unrecorded view (a constant).
  const peak = max(x, ax, true);
  const shift0 = peak.alias(peak.shape);
  // An infinite maximum would turn x - shift into NaN; shifting by 0 there gives the right ±Infinity.
  const shift = where(equal(abs(shift0), Infinity), 0, shift0);
  const outShift = shift.alias(reducedShape(x.shape, ax, keepDims));
  return add(log(sum(exp(sub(x, shift)), ax, keepDims)), outShift);
}

function argReduce(op: 'argmax' | 'argmin') {
  return (x: Tensor, axis?: number, keepDims = false): Tensor => {
    checkTensor(op, 'x', x);
    checkDType(op, 'x', x, NUMERIC);
    checkKeepDims(op, keepDims);
    const flat = axis === undefined || axis === null;
    const ax = flat ? 0 : x.rank === 0 && (axis === 0 || axis === -1) ? 0 : normalizeAxis(op, 'axis', axis, x.rank);
    const len = flat || x.rank === 0 ? x.size : x.shape[ax];
    if (len === 0) {
      throw new InvalidArgumentError(`${op}: cannot take the ${op} of an empty dimension; received a tensor of shape ${formatShape(x.shape)}`);
    }
    // The flattened case runs the kernel on a rank-1 description of the same storage.
    const info: TensorInfo = flat || x.rank === 0 ? { handle: x.handle, shape: [x.size], dtype: x.dtype, size: x.size } : x;
    const shape = flat ? (keepDims ? x.shape.map(() => 1) : []) : reducedShape(x.shape, [ax], keepDims);
    const out = wrap(x.backend, kernelOf(x.backend, op)(info, flat || x.rank === 0 ? 0 : ax), shape, 'int32');
    // Recorded on the tensor the axis refers to (a flat view when flattened); there is no gradient either way.
    return record(op, [flat ? x.alias([x.size]) : x], out, { axis: ax, keepDims });
  };
}

/**
 * Index (int32) of the largest element along `axis`, first on ties; over the flattened tensor when `axis` is
 * omitted, as `torch.argmax`. Not differentiable.
 *
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 2]]), 1); // [1, 0]
 * ```
 */
export const argmax: (x: Tensor, axis?: number, keepDims?: boolean) => Tensor = argReduce('argmax');

/**
 * Index (int32) of the smallest element along `axis`, first on ties; see {@link argmax}.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(argmin(tensor([[1, 5], [7, 2]]), 1).toArray()) === '[0,1]');
 * ```
 */
export const argmin: (x: Tensor, axis?: number, keepDims?: boolean) => Tensor = argReduce('argmin');

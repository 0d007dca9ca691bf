// Indexing op front-ends: gather and scatter-add along an axis, one-hot, and the composites built on gather.
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkElementCount, formatShape, normalizeAxis, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDType, checkTensor, kernelOf, record, wrap } from './dispatch.js';
import { reshape } from './movement.js';
import { checkNonNegativeInt } from '../validate.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

/** `[1, 0, 2]` style multi-index of flat position `i` in `shape`, for messages. */
function positionOf(i: number, shape: Shape): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return formatShape(idx);
}

/**
 * Reads int32 `indices` and throws INVALID_ARGUMENT at the first entry outside `[0, bound)`, naming its value,
 * its position and the valid range. The read is what makes a bad index an error here, not garbage in a kernel.
 */
function checkIndexRange(op: string, arg: string, indices: Tensor, bound: number, what: string): Int32Array {
  const values = indices.dataSync<'int32'>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= bound) {
      const range = bound === 0 ? `no index is valid because ${what} has size 0` : `valid indices are [0, ${bound - 1}] for ${what} of size ${bound}`;
      throw new InvalidArgumentError(`${op}: argument '${arg}' holds ${v} at position ${positionOf(i, indices.shape)}; ${range}`);
    }
  }
  return values;
}

/** Checks `indices` is an int32 tensor on `x`'s backend. */
function checkIndexTensor(op: string, x: Tensor, xArg: string, indices: unknown): Tensor {
  const idx = checkTensor(op, 'indices', indices);
  checkDType(op, 'indices', idx, ['int32']);
  backendOf(op, [x, idx], [xArg, 'indices']);
  return idx;
}

function checkHasAxes(op: string, arg: string, x: Tensor): void {
  if (x.rank === 0) throw new ShapeMismatchError(`${op}: argument '${arg}' must have at least 1 dimension; received a scalar (shape [])`);
}

/** Runs the gather kernel on already-validated arguments and records it. */
function gatherUnchecked(op: string, x: Tensor, indices: Tensor, axis: number): Tensor {
  const shape = checkElementCount(op, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
  const out = wrap(x.backend, kernelOf(x.backend, 'gather')(x, indices, axis), shape, x.dtype);
  return record('gather', [x, indices], out, { axis });
}

function gatherChecked(op: string, x: Tensor, xArg: string, indices: unknown, axis: unknown): Tensor {
  const idx = checkIndexTensor(op, x, xArg, indices);
  checkHasAxes(op, xArg, x);
  const a = normalizeAxis(op, 'axis', axis, x.rank);
  checkIndexRange(op, 'indices', idx, x.shape[a], `axis ${a} of '${xArg}' (shape ${formatShape(x.shape)})`);
  return gatherUnchecked(op, x, idx, a);
}

/**
 * Picks entries of `x` along `axis` by int32 `indices`, as `tf.gather`: the result has shape
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Every index must lie in `[0, x.shape[axis])`.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * gather(x, tensor([2, 0], undefined, 'int32')).toArray();    // [[5, 6], [1, 2]]
 * gather(x, tensor([1, 1], undefined, 'int32'), 1).toArray(); // [[2, 2], [4, 4], [6, 6]]
 * ```
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  checkTensor('gather', 'x', x);
  return gatherChecked('gather', x, 'x', indices, axis);
}

/**
 * Entries of `x` along `axis` at the 1-D int32 `indices`, as `torch.index_select` (argument order included).
 *
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4]]), 1, tensor([1], undefined, 'int32')).toArray(); // [[2], [4]]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  checkTensor('indexSelect', 'x', x);
  const idx = checkTensor('indexSelect', 'indices', indices);
  if (idx.rank !== 1) {
    throw new ShapeMismatchError(`indexSelect: argument 'indices' must be 1-D; received shape ${formatShape(idx.shape)}`);
  }
  return gatherChecked('indexSelect', x, 'x', idx, axis);
}

/**
 * Entries of `x` read as a flat row-major array, at int32 `indices`; the result has `indices`' shape,
 * as `torch.take`.
 *
 * @example
 * ```ts
 * take(tensor([[1, 2], [3, 4]]), tensor([3, 0], undefined, 'int32')).toArray(); // [4, 1]
 * ```
 */
export function take(x: Tensor, indices: Tensor): Tensor {
  checkTensor('take', 'x', x);
  const idx = checkIndexTensor('take', x, 'x', indices);
  checkIndexRange('take', 'indices', idx, x.size, `'x' (shape ${formatShape(x.shape)}) read flat`);
  return gatherUnchecked('take', reshape(x, [x.size]), idx, 0);
}

/**
 * `out[i][j][k] = x[i][indices[i][j][k]][k]` for `axis` 1 (and likewise for other axes), as `torch.gather`:
 * `indices` has `x`'s rank and, away from `axis`, sizes no larger than `x`'s. Built from a flat gather,
 * so its gradient comes from gather's.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * takeAlongAxis(x, tensor([[2], [0]], undefined, 'int32'), 1).toArray(); // [[3], [4]]
 * ```
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const op = 'takeAlongAxis';
  checkTensor(op, 'x', x);
  const idx = checkIndexTensor(op, x, 'x', indices);
  checkHasAxes(op, 'x', x);
  const a = normalizeAxis(op, 'axis', axis, x.rank);
  if (idx.rank !== x.rank || idx.shape.some((d, k) => k !== a && d > x.shape[k])) {
    throw new ShapeMismatchError(
      `${op}: argument 'indices' must have the rank of 'x' (shape ${formatShape(x.shape)}) and no larger sizes outside axis ${a}; received shape ${formatShape(idx.shape)}`,
    );
  }
  const values = checkIndexRange(op, 'indices', idx, x.shape[a], `axis ${a} of 'x' (shape ${formatShape(x.shape)})`);
  // Turn each index into a flat offset in x: walk indices in row-major order with x's strides.
  const rank = x.rank;
  const xStrides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    xStrides[d] = s;
    s *= x.shape[d];
  }
  const flat = new Int32Array(values.length);
  const counter = new Int32Array(rank);
  let base = 0;
  const axisStride = xStrides[a];
  for (let i = 0; i < values.length; i++) {
    flat[i] = base + values[i] * axisStride;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      if (d !== a) base += xStrides[d];
      if (counter[d] < idx.shape[d]) break;
      if (d !== a) base -= xStrides[d] * idx.shape[d];
      counter[d] = 0;
    }
  }
  const flatIndices = wrap(x.backend, x.backend.adopt(flat, 'int32'), idx.shape, 'int32');
  return gatherUnchecked(op, reshape(x, [x.size]), flatIndices, 0);
}

/**
 * A copy of `x` with `updates` added at `indices` along `axis`; repeated indices add up. `updates` has the
 * shape `gather(x, indices, axis)` would return, so this is gather's adjoint.
 *
 * @example
 * ```ts
 * scatterAdd(zeros([3]), tensor([0, 2, 0], undefined, 'int32'), tensor([1, 2, 3])).toArray(); // [4, 0, 2]
 * ```
 */
export function scatterAdd(x: Tensor, indices: Tensor, updates: Tensor, axis = 0): Tensor {
  const op = 'scatterAdd';
  checkTensor(op, 'x', x);
  const idx = checkIndexTensor(op, x, 'x', indices);
  const upd = checkTensor(op, 'updates', updates);
  checkDType(op, 'x', x, NUMERIC);
  checkDType(op, 'updates', upd, [x.dtype]);
  backendOf(op, [x, upd], ['x', 'updates']);
  checkHasAxes(op, 'x', x);
  const a = normalizeAxis(op, 'axis', axis, x.rank);
  const expected = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
  if (!shapesEqual(upd.shape, expected)) {
    throw new ShapeMismatchError(
      `${op}: argument 'updates' must have shape ${formatShape(expected)} (x.shape[:axis] + indices.shape + x.shape[axis+1:]); received ${formatShape(upd.shape)}`,
    );
  }
  checkIndexRange(op, 'indices', idx, x.shape[a], `axis ${a} of 'x' (shape ${formatShape(x.shape)})`);
  const out = wrap(x.backend, kernelOf(x.backend, 'scatterAdd')(x, idx, upd, a), x.shape, x.dtype);
  return record('scatterAdd', [x, idx, upd], out, { axis: a });
}

/**
 * float32 one-hot encoding of int32 `indices` with a new last axis of `depth`; every index must lie in `[0, depth)`.
 *
 * @example
 * ```ts
 * oneHot(tensor([2, 0], undefined, 'int32'), 3).toArray(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number): Tensor {
  const idx = checkTensor('oneHot', 'indices', indices);
  checkDType('oneHot', 'indices', idx, ['int32']);
  checkNonNegativeInt('oneHot', 'depth', depth);
  const shape = checkElementCount('oneHot', [...idx.shape, depth]);
  checkIndexRange('oneHot', 'indices', idx, depth, 'depth');
  const out = wrap(idx.backend, kernelOf(idx.backend, 'oneHot')(idx, depth), shape, 'float32');
  return record('oneHot', [idx], out, { depth });
}

/**
 * Rows of a `[numEmbeddings, embeddingDim]` table at int32 `indices`: shape `indices.shape + [embeddingDim]`,
 * as `torch.nn.functional.embedding`.
 *
 * @example
 * ```ts
 * embedding(tensor([[0, 0], [1, 1]]), tensor([1, 0, 1], undefined, 'int32')).shape; // [3, 2]
 * ```
 */
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  checkTensor('embedding', 'weight', weight);
  if (weight.rank !== 2) {
    throw new ShapeMismatchError(`embedding: argument 'weight' must be 2-D [numEmbeddings, embeddingDim]; received shape ${formatShape(weight.shape)}`);
  }
  return gatherChecked('embedding', weight, 'weight', indices, 0);
}

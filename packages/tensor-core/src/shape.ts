// Shapes: sizes, strides, broadcasting and axis normalisation, each with a typed error on bad input.
import { InvalidArgumentError, MemoryBudgetError, ShapeMismatchError } from './errors.js';
import { describeValue } from './validate.js';

/** A tensor shape: a list of non-negative integer dimension sizes. */
export type Shape = readonly number[];

/**
 * `[2, 3]` style text for messages.
 *
 * @example
 * ```ts
 * console.assert(formatShape([2, 3]) === '[2, 3]');
 * ```
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Number of elements of `shape` (1 for a scalar).
 *
 * @example
 * ```ts
 * console.assert(sizeOf([2, 3, 4]) === 24 && sizeOf([]) === 1);
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/**
 * Row-major strides of `shape`, in elements.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(stridesOf([2, 3, 4])) === '[12,4,1]');
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * True when both shapes have the same rank and sizes.
 *
 * @example
 * ```ts
 * console.assert(shapesEqual([2, 3], [2, 3]) && !shapesEqual([2, 3], [3, 2]));
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Most elements one tensor may hold: 2^31 − 1, so that every flat index fits in an int32 (`argmax`, `gather`,
 * `take`) and every backend's typed arrays can be allocated. Ops refuse larger results with MEMORY_BUDGET_EXCEEDED
 * before allocating anything.
 *
 * @example
 * ```ts
 * try {
 *   zeros([1e6, 1e6]); // 10^12 elements: refused before anything is allocated
 * } catch (e) {
 *   console.assert((e as SeqlabError).code === 'MEMORY_BUDGET_EXCEEDED');
 * }
 * ```
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/**
 * Throws MEMORY_BUDGET_EXCEEDED, naming the shape, its element count and the limit, when a tensor of `shape` would
 * hold more than {@link MAX_TENSOR_ELEMENTS} elements. O(rank); called before allocating.
 */
export function checkElementCount(op: string, shape: Shape, what = 'the result'): Shape {
  const size = sizeOf(shape);
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new MemoryBudgetError(
      `${op}: ${what} (shape ${formatShape(shape)}) would hold ${size} elements; a tensor holds at most ${MAX_TENSOR_ELEMENTS} (2^31 - 1)`,
    );
  }
  return shape;
}

function isShape(shape: unknown): shape is Shape {
  if (!Array.isArray(shape)) return false;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return false;
  }
  return true;
}

/** Throws unless `shape` is an array of non-negative integers holding at most {@link MAX_TENSOR_ELEMENTS} elements. */
export function checkShape(op: string, arg: string, shape: unknown): Shape {
  if (!isShape(shape)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be an array of non-negative integers; received ${describe(shape)}`);
  }
  if (sizeOf(shape) > MAX_TENSOR_ELEMENTS) checkElementCount(op, shape, `argument '${arg}'`);
  return shape;
}

/**
 * Resolves the target of a reshape of a tensor of shape `from` (one entry may be -1 and is inferred), or throws:
 * INVALID_ARGUMENT for entries that are not integers ≥ -1, a repeated or ambiguous -1; SHAPE_MISMATCH naming both
 * shapes when the sizes differ.
 */
export function resolveShape(op: string, from: Shape, shape: unknown): number[] {
  const size = sizeOf(from);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= -1)) {
    throw new InvalidArgumentError(`${op}: argument 'shape' must be an array of non-negative integers (one may be -1); received ${describe(shape)}`);
  }
  const dims = shape as number[];
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === -1) {
      if (inferred !== -1) throw new InvalidArgumentError(`${op}: argument 'shape' may contain -1 only once; received ${formatShape(dims)}`);
      inferred = i;
    } else known *= dims[i];
  }
  const out = [...dims];
  if (inferred !== -1) {
    if (known === 0) {
      if (size === 0) {
        throw new InvalidArgumentError(`${op}: argument 'shape' ${formatShape(dims)} is ambiguous for a tensor of 0 elements: -1 could be any size`);
      }
    } else if (size % known === 0) {
      out[inferred] = size / known;
      return out;
    }
  } else if (known === size) return out;
  throw new ShapeMismatchError(`${op}: cannot reshape a tensor of shape ${formatShape(from)} (${size} elements) to ${formatShape(dims)}`);
}

/**
 * NumPy broadcasting of two shapes, or a SHAPE_MISMATCH error naming both (MEMORY_BUDGET_EXCEEDED when the result
 * would hold more than {@link MAX_TENSOR_ELEMENTS} elements).
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(broadcastShapes('add', [2, 1], [3])) === '[2,3]');
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (!isShape(a) || !isShape(b)) {
    const [arg, s] = isShape(a) ? ['b', b] : ['a', a];
    throw new InvalidArgumentError(`${op}: shape '${arg}' to broadcast must be an array of non-negative integers; received ${describe(s)}`);
  }
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeMismatchError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dimension ${i} of the result: ${da} vs ${db})`);
    }
  }
  if (sizeOf(out) > MAX_TENSOR_ELEMENTS) checkElementCount(op, out, `the broadcast of ${formatShape(a)} and ${formatShape(b)}`);
  return out;
}

/**
 * Normalises a possibly negative `axis` against `rank`, or throws naming the op and argument.
 *
 * @example
 * ```ts
 * console.assert(normalizeAxis('softmax', 'axis', -1, 3) === 2);
 * ```
 */
export function normalizeAxis(op: string, arg: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new InvalidArgumentError(
      `${op}: argument '${arg}' must be an integer in [${-rank}, ${Math.max(rank, 1) - 1}] for a tensor of rank ${rank}; received ${describe(axis)}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises `axes` (undefined = all, a number, or a list) to sorted unique non-negative axes.
 * Duplicates are an error, as in PyTorch.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(normalizeAxes('sum', 'axes', [-1, 0], 3)) === '[0,2]');
 * console.assert(normalizeAxes('sum', 'axes', undefined, 2).length === 2);
 * ```
 */
export function normalizeAxes(op: string, arg: string, axes: unknown, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  if (!Array.isArray(list)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be an integer or an array of integers; received ${describe(axes)}`);
  }
  const out = list.map((a) => (rank === 0 && (a === 0 || a === -1) ? 0 : normalizeAxis(op, arg, a, rank)));
  const sorted = [...new Set(out)].sort((x, y) => x - y);
  if (sorted.length !== out.length) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' repeats an axis; received [${list.join(', ')}]`);
  }
  return rank === 0 ? [] : sorted;
}

/** Short description of any value for error messages (the one describer, in the validation module). */
export const describe = describeValue;

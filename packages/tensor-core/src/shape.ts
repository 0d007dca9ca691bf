// Shapes: sizes, strides, broadcasting and axis normalisation, each with a typed error on bad input.
import { InvalidArgumentError, ShapeMismatchError } from './errors.js';
import { describeValue } from './validate.js';

/** A tensor shape: a list of non-negative integer dimension sizes. */
export type Shape = readonly number[];

/** `[2, 3]` style text for messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides of `shape`, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and sizes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is an array of non-negative integers. */
export function checkShape(op: string, arg: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be an array of non-negative integers; received ${describe(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        `${op}: argument '${arg}' must be an array of non-negative integers; received [${shape.map((v) => describe(v)).join(', ')}]`,
      );
    }
  }
  return shape as Shape;
}

/** NumPy broadcasting of two shapes, or a SHAPE_MISMATCH error naming both. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeMismatchError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dimension ${i} of the result: ${da} vs ${db})`,
      );
    }
  }
  return out;
}

/** Normalises a possibly negative `axis` against `rank`, or throws naming the op and argument. */
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

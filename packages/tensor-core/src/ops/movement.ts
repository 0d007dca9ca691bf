// Movement op front-ends: reshape, permute, expand, slice, concat, pad, flip, tril/triu, and the composites built on them.
import { DTypeMismatchError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkStorable } from '../dtype.js';
import { checkElementCount, describe, formatShape, MAX_TENSOR_ELEMENTS, normalizeAxes, normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkTensor, kernelOf, record, reshapeAs, wrap } from './dispatch.js';
import { checkNonNegativeInt } from '../validate.js';

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Throws unless `value` is an array of integers, each at least `min`; returns it. */
function checkIntegers(op: string, arg: string, value: unknown, min: number, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => isInteger(v) && v >= min)) {
    throw new InvalidArgumentError(`${op}: argument '${arg}' must be an array of ${what}; received ${describe(value)}`);
  }
  return value as number[];
}

/** Throws SHAPE_MISMATCH unless `x` has at least `minRank` dimensions. */
function checkMinRank(op: string, x: Tensor, minRank: number): void {
  if (x.rank < minRank) {
    throw new ShapeMismatchError(
      `${op}: argument 'x' must have at least ${minRank} dimension${minRank === 1 ? '' : 's'}; received shape ${formatShape(x.shape)}`,
    );
  }
}

/**
 * The same elements under another shape of the same size. Free: the result shares `x`'s storage.
 * One dimension may be -1 and is inferred.
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return reshapeAs('reshape', x, shape);
}

/** Normalises and validates a permutation of `rank` axes (negative axes allowed). */
function checkPermutation(op: string, perm: unknown, rank: number): number[] {
  const fail = (): never => {
    throw new InvalidArgumentError(
      `${op}: argument 'perm' must be a permutation of the ${rank} axes [${Array.from({ length: rank }, (_, i) => i).join(', ')}]; received ${describe(perm)}`,
    );
  };
  if (!Array.isArray(perm) || perm.length !== rank) return fail();
  const seen = new Uint8Array(rank);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const a = perm[i];
    if (!isInteger(a) || a < -rank || a >= rank) return fail();
    const d = a < 0 ? a + rank : a;
    if (seen[d]) return fail();
    seen[d] = 1;
    out[i] = d;
  }
  return out;
}

/**
 * Reorders the axes of `x`: output axis i is input axis `perm[i]` (negative axes count from the end),
 * as `torch.permute`. The result is a contiguous copy unless only size-1 axes move.
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor('permute', 'x', x);
  const p = checkPermutation('permute', perm, x.rank);
  const shape = p.map((d) => x.shape[d]);
  // When the axes larger than 1 keep their order, the data order is unchanged and a view suffices.
  let last = -1;
  let inOrder = true;
  for (const d of p) {
    if (x.shape[d] === 1) continue;
    if (d < last) inOrder = false;
    last = d;
  }
  const out = inOrder ? x.alias(shape) : wrap(x.backend, kernelOf(x.backend, 'transpose')(x, p), shape, x.dtype);
  return record('transpose', [x], out, { perm: p });
}

/**
 * Swaps two axes (by default the last two), as `torch.transpose`.
 *
 * @example
 * ```ts
 * transpose(zeros([2, 3])).shape;         // [3, 2]
 * transpose(zeros([2, 3, 4]), 0, 1).shape; // [3, 2, 4]
 * ```
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor('transpose', 'x', x);
  const a = normalizeAxis('transpose', 'dim0', dim0, x.rank);
  const b = normalizeAxis('transpose', 'dim1', dim1, x.rank);
  if (x.rank === 0) return permute(x, []);
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * Broadcasts `x` to `shape`, repeating size-1 axes, as `torch.expand`. New leading axes may be added;
 * -1 keeps an existing axis's size. The result is a contiguous copy.
 *
 * @example
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 * expand(tensor([1, 2]), [3, -1]).shape;        // [3, 2]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', 'x', x);
  const dims = checkIntegers('expand', 'shape', shape, -1, 'non-negative integers or -1');
  const lead = dims.length - x.rank;
  if (lead < 0) {
    throw new ShapeMismatchError(`expand: argument 'shape' ${formatShape(dims)} has fewer dimensions than 'x' of shape ${formatShape(x.shape)}`);
  }
  const resolved = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) {
    const from = i < lead ? 1 : x.shape[i - lead];
    if (dims[i] === -1) {
      if (i < lead) {
        throw new InvalidArgumentError(`expand: argument 'shape' ${formatShape(dims)} uses -1 at new leading dimension ${i}, where there is no size to keep`);
      }
      resolved[i] = from;
    } else if (from === dims[i] || from === 1) resolved[i] = dims[i];
    else {
      throw new ShapeMismatchError(
        `expand: cannot expand 'x' of shape ${formatShape(x.shape)} to ${formatShape(dims)}: dimension ${i} has size ${from}, which is neither ${dims[i]} nor 1`,
      );
    }
  }
  checkElementCount('expand', resolved);
  const padded = lead > 0 ? reshape(x, [...new Array<number>(lead).fill(1), ...x.shape]) : x;
  const out = shapesEqual(padded.shape, resolved)
    ? padded.alias(resolved)
    : wrap(x.backend, kernelOf(x.backend, 'expand')(padded, resolved), resolved, x.dtype);
  return record('expand', [padded], out, { shape: resolved });
}

/**
 * Alias of {@link expand}, named as in NumPy and TensorFlow.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(broadcastTo(tensor([1, 2]), [2, 2]).toArray()) === '[[1,2],[1,2]]');
 * ```
 */
export const broadcastTo: (x: Tensor, shape: readonly number[]) => Tensor = expand;

/**
 * Removes size-1 axes: all of them, or those among `axes` (other listed axes are left alone, as in PyTorch).
 *
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape;    // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape; // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, axes?: number | number[]): Tensor {
  checkTensor('squeeze', 'x', x);
  const chosen = axes === undefined ? null : new Set(normalizeAxes('squeeze', 'axes', axes, x.rank));
  const shape = x.shape.filter((d, i) => d !== 1 || (chosen !== null && !chosen.has(i)));
  return reshape(x, shape);
}

/**
 * Inserts a size-1 axis at `axis` (in `[-rank-1, rank]`), as `torch.unsqueeze`.
 *
 * @example
 * ```ts
 * unsqueeze(zeros([2, 3]), -1).shape; // [2, 3, 1]
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', 'x', x);
  const a = normalizeAxis('unsqueeze', 'axis', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/**
 * Merges axes `startDim..endDim` (inclusive) into one, as `torch.flatten`. A scalar becomes shape `[1]`.
 *
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', 'x', x);
  const rank = Math.max(x.rank, 1);
  const s = normalizeAxis('flatten', 'startDim', startDim, rank);
  const e = normalizeAxis('flatten', 'endDim', endDim, rank);
  if (s > e) {
    throw new InvalidArgumentError(`flatten: argument 'startDim' (${startDim} → axis ${s}) must not come after 'endDim' (${endDim} → axis ${e})`);
  }
  if (x.rank === 0) return reshape(x, [1]);
  let merged = 1;
  for (let d = s; d <= e; d++) merged *= x.shape[d];
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * The box of `x` starting at `begin` with extent `size` (one entry per axis; a size of -1 runs to the end,
 * a negative begin counts from the end), as `tf.slice`.
 *
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [-1, 2]).toArray(); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  checkTensor('slice', 'x', x);
  return sliceChecked('slice', x, begin, size);
}

function sliceChecked(op: string, x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  const rank = x.rank;
  const b = checkIntegers(op, 'begin', begin, -Infinity, 'integers');
  const s = checkIntegers(op, 'size', size, -1, 'non-negative integers or -1');
  if (b.length !== rank || s.length !== rank) {
    throw new InvalidArgumentError(
      `${op}: arguments 'begin' and 'size' must have one entry per axis of 'x' (shape ${formatShape(x.shape)}); received begin ${formatShape(b)} and size ${formatShape(s)}`,
    );
  }
  const start = new Array<number>(rank);
  const extent = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const dim = x.shape[d];
    if (b[d] < -dim || b[d] > dim) {
      throw new InvalidArgumentError(
        `${op}: argument 'begin' ${formatShape(b)} is out of range at axis ${d}: expected a value in [${-dim}, ${dim}] for size ${dim}`,
      );
    }
    start[d] = b[d] < 0 ? b[d] + dim : b[d];
    extent[d] = s[d] === -1 ? dim - start[d] : s[d];
    if (start[d] + extent[d] > dim) {
      throw new InvalidArgumentError(
        `${op}: the slice at axis ${d} (begin ${start[d]}, size ${extent[d]}) runs past the end of 'x' of shape ${formatShape(x.shape)}`,
      );
    }
  }
  const out = shapesEqual(extent, x.shape) ? x.alias(extent) : wrap(x.backend, kernelOf(x.backend, 'slice')(x, start, extent), extent, x.dtype);
  return record('slice', [x], out, { begin: start, size: extent });
}

/**
 * `length` consecutive entries of `axis` starting at `start` (negative counts from the end), as `torch.narrow`.
 *
 * @example
 * ```ts
 * narrow(arange(10), 0, 2, 3).toArray(); // [2, 3, 4]
 * ```
 */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'x', x);
  checkMinRank('narrow', x, 1);
  const a = normalizeAxis('narrow', 'axis', axis, x.rank);
  if (!isInteger(start)) throw new InvalidArgumentError(`narrow: argument 'start' must be an integer; received ${describe(start)}`);
  checkNonNegativeInt('narrow', 'length', length);
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  begin[a] = start;
  size[a] = length;
  return sliceChecked('narrow', x, begin, size);
}

/**
 * Joins tensors along an existing axis; all other axes must match, as `torch.cat`.
 *
 * @example
 * ```ts
 * concat([zeros([2, 3]), ones([1, 3])]).shape; // [3, 3]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const inputs = checkTensorList('concat', xs);
  const first = inputs[0];
  const names = inputs.map((_, i) => `xs[${i}]`);
  backendOf('concat', inputs, names);
  if (first.rank === 0) {
    throw new ShapeMismatchError(`concat: argument 'xs[0]' is a scalar (shape []); scalars have no axis to join along (use stack)`);
  }
  const a = normalizeAxis('concat', 'axis', axis, first.rank);
  const shape = [...first.shape];
  for (let i = 1; i < inputs.length; i++) {
    const t = inputs[i];
    if (t.dtype !== first.dtype) {
      throw new DTypeMismatchError(`concat: 'xs[0]' is ${first.dtype} but 'xs[${i}]' is ${t.dtype}; cast one with cast()`);
    }
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeMismatchError(
        `concat: 'xs[${i}]' of shape ${formatShape(t.shape)} does not match 'xs[0]' of shape ${formatShape(first.shape)} outside axis ${a}`,
      );
    }
    shape[a] += t.shape[a];
  }
  checkElementCount('concat', shape);
  const out = inputs.length === 1 ? first.alias(shape) : wrap(first.backend, kernelOf(first.backend, 'concat')(inputs, a, shape), shape, first.dtype);
  return record('concat', inputs, out, { axis: a });
}

/**
 * Alias of {@link concat}, named as in PyTorch.
 *
 * @example
 * ```ts
 * console.assert(cat([zeros([2, 3]), ones([1, 3])], 0).shape[0] === 3);
 * ```
 */
export const cat: (xs: readonly Tensor[], axis?: number) => Tensor = concat;

function checkTensorList(op: string, xs: unknown): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new InvalidArgumentError(`${op}: argument 'xs' must be a non-empty array of tensors; received ${describe(xs)}`);
  }
  return xs.map((t, i) => checkTensor(op, `xs[${i}]`, t));
}

/**
 * Joins same-shaped tensors along a new axis at `axis` (in `[-rank-1, rank]`), as `torch.stack`.
 *
 * @example
 * ```ts
 * stack([zeros([2, 3]), ones([2, 3])], 1).shape; // [2, 2, 3]
 * ```
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const inputs = checkTensorList('stack', xs);
  const first = inputs[0];
  backendOf(
    'stack',
    inputs,
    inputs.map((_, i) => `xs[${i}]`),
  );
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].dtype !== first.dtype) {
      throw new DTypeMismatchError(`stack: 'xs[0]' is ${first.dtype} but 'xs[${i}]' is ${inputs[i].dtype}; cast one with cast()`);
    }
    if (!shapesEqual(inputs[i].shape, first.shape)) {
      throw new ShapeMismatchError(
        `stack: every tensor must have the shape of 'xs[0]' ${formatShape(first.shape)}; 'xs[${i}]' has ${formatShape(inputs[i].shape)}`,
      );
    }
  }
  const a = normalizeAxis('stack', 'axis', axis, first.rank + 1);
  return concat(
    inputs.map((t) => unsqueeze(t, a)),
    a,
  );
}

/**
 * Splits `x` along `axis` into pieces of `splitSizeOrSections` entries (the last may be smaller), or into
 * pieces of the listed sizes, which must add up to the axis's size; as `torch.split`.
 *
 * @example
 * ```ts
 * split(arange(5), 2).map((t) => t.toArray());      // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]).map((t) => t.shape[0]);  // [1, 4]
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  checkMinRank('split', x, 1);
  const a = normalizeAxis('split', 'axis', axis, x.rank);
  const dim = x.shape[a];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const n = splitSizeOrSections;
    if (!isInteger(n) || n < 0 || (n === 0 && dim !== 0)) {
      throw new InvalidArgumentError(`split: argument 'splitSizeOrSections' must be a positive integer or a list of sizes; received ${describe(n)}`);
    }
    // As in PyTorch, an empty axis still yields one (empty) piece.
    const pieces = n === 0 ? 1 : Math.max(1, Math.ceil(dim / n));
    sizes = new Array<number>(pieces).fill(n);
    sizes[pieces - 1] = dim - n * (pieces - 1);
  } else {
    sizes = checkIntegers('split', 'splitSizeOrSections', splitSizeOrSections, 0, 'non-negative integers');
    const total = sizes.reduce((s, v) => s + v, 0);
    if (total !== dim) {
      throw new InvalidArgumentError(
        `split: the sizes in 'splitSizeOrSections' ${formatShape(sizes)} add up to ${total}, but axis ${a} of 'x' (shape ${formatShape(x.shape)}) has size ${dim}`,
      );
    }
  }
  return piecesOf('split', x, a, sizes);
}

function piecesOf(op: string, x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  const out: Tensor[] = [];
  for (const n of sizes) {
    size[axis] = n;
    out.push(sliceChecked(op, x, begin, size));
    begin[axis] += n;
  }
  return out;
}

/**
 * Splits `x` into `chunks` near-equal pieces along `axis`, as `torch.chunk`: each has `ceil(size / chunks)`
 * entries but the last, so fewer than `chunks` pieces may come back.
 *
 * @example
 * ```ts
 * chunk(arange(5), 3).map((t) => t.shape[0]); // [2, 2, 1]
 * ```
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor('chunk', 'x', x);
  checkMinRank('chunk', x, 1);
  // On an empty axis `chunks` is also the number of (empty) pieces returned, so it is bounded like a size.
  if (!isInteger(chunks) || chunks < 1 || chunks > MAX_TENSOR_ELEMENTS) {
    throw new InvalidArgumentError(`chunk: argument 'chunks' must be an integer in [1, ${MAX_TENSOR_ELEMENTS}]; received ${describe(chunks)}`);
  }
  const a = normalizeAxis('chunk', 'axis', axis, x.rank);
  const dim = x.shape[a];
  // An empty axis gives `chunks` empty pieces, as PyTorch does.
  if (dim === 0) return piecesOf('chunk', x, a, new Array<number>(chunks).fill(0));
  const n = Math.ceil(dim / chunks);
  const pieces = Math.ceil(dim / n);
  const sizes = new Array<number>(pieces).fill(n);
  sizes[pieces - 1] = dim - n * (pieces - 1);
  return piecesOf('chunk', x, a, sizes);
}

/**
 * Pads every axis with `value`: `pads[i] = [before, after]`, one pair per axis, where leading axes may be
 * left out (they get no padding). Pads must be non-negative.
 *
 * @example
 * ```ts
 * pad(tensor([[1, 2]]), [[1, 0], [0, 2]]).toArray(); // [[0, 0, 0, 0], [1, 2, 0, 0]]
 * ```
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor('pad', 'x', x);
  const bad = (): never => {
    throw new InvalidArgumentError(
      `pad: argument 'pads' must be up to ${x.rank} pairs [before, after] of non-negative integers (one per trailing axis of shape ${formatShape(x.shape)}); received ${describe(pads)}`,
    );
  };
  if (!Array.isArray(pads) || pads.length > x.rank) bad();
  for (const p of pads) {
    if (!Array.isArray(p) || p.length !== 2 || !isInteger(p[0]) || !isInteger(p[1]) || p[0] < 0 || p[1] < 0) bad();
  }
  if (typeof value !== 'number') throw new InvalidArgumentError(`pad: argument 'value' must be a number; received ${describe(value)}`);
  checkStorable('pad', "argument 'value'", value, x.dtype);
  const lead = x.rank - pads.length;
  const full: [number, number][] = x.shape.map((_, d) => (d < lead ? [0, 0] : [pads[d - lead][0], pads[d - lead][1]]));
  const shape = checkElementCount(
    'pad',
    x.shape.map((d, i) => d + full[i][0] + full[i][1]),
  );
  const out = full.every((p) => p[0] === 0 && p[1] === 0) ? x.alias(shape) : wrap(x.backend, kernelOf(x.backend, 'pad')(x, full, value), shape, x.dtype);
  return record('pad', [x], out, { pads: full, value });
}

/**
 * Reverses the order of entries along `axes`, as `torch.flip`.
 *
 * @example
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), 1).toArray(); // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  checkTensor('flip', 'x', x);
  if (axes === undefined) throw new InvalidArgumentError(`flip: argument 'axes' must be an axis or a list of axes; received undefined`);
  const a = normalizeAxes('flip', 'axes', axes, x.rank);
  const out = wrap(x.backend, kernelOf(x.backend, 'flip')(x, a), x.shape, x.dtype);
  return record('flip', [x], out, { axes: a });
}

function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  checkTensor(op, 'x', x);
  checkMinRank(op, x, 2);
  if (!isInteger(k)) throw new InvalidArgumentError(`${op}: argument 'k' must be an integer; received ${describe(k)}`);
  const out = wrap(x.backend, kernelOf(x.backend, 'triangle')(x, k, op === 'triu'), x.shape, x.dtype);
  return record(op, [x], out, { k });
}

/**
 * Keeps the lower triangle of the last two axes, entries `j <= i + k`, and zeroes the rest, as `torch.tril`.
 *
 * @example
 * ```ts
 * tril(ones([3, 3])).toArray(); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k);
}

/**
 * Keeps the upper triangle of the last two axes, entries `j >= i + k`, and zeroes the rest, as `torch.triu`.
 * `triu(ones([t, t]), 1)` is the causal attention mask's "future" part.
 *
 * @example
 * ```ts
 * triu(ones([3, 3]), 1).toArray(); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k);
}

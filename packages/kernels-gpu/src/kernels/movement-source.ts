// Kernel sources for data movement on flat float32 textures: strided views (transpose, expand, slice, flip), pad,
// the triangle mask and concatenation, each an index map from an output element to the input element it copies.
import { stridesOf } from '@seqlab/tensor-core';
import { aroundAxis, dotCode, names, productOf, program, unravel, type KernelProgram } from './kernel-source.js';

/**
 * An output of row-major `dims` whose element at coordinates `c` reads the input at `base + Σ c[d]·strides[d]`.
 *
 * @example
 * ```ts
 * const rowsReversed: StridedView = { dims: [3, 4], strides: [-4, 1], base: 8 };
 * ```
 */
export interface StridedView {
  /** Output dimension sizes. */
  readonly dims: readonly number[];
  /** Input stride per output dimension (0 repeats, negative walks backwards). */
  readonly strides: readonly number[];
  /** Input offset of the first output element. */
  readonly base: number;
}

/**
 * The same view with size-1 dims dropped and neighbouring dims merged where the input walks them as one
 * (`strides[d] = strides[d+1]·dims[d+1]`), so the kernel splits its index into as few coordinates as possible:
 * a slice of whole rows becomes one dim, `[B, T, H, D] → [B, H, T, D]` keeps D rows together.
 *
 * @example
 * ```ts
 * const v = simplifyView({ dims: [2, 1, 3], strides: [3, 7, 1], base: 0 });
 * console.assert(v.dims.join() === '6');
 * ```
 */
export function simplifyView(view: StridedView): StridedView {
  const dims: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < view.dims.length; d++) {
    if (view.dims[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides[last] === view.strides[d] * view.dims[d]) {
      dims[last] *= view.dims[d];
      strides[last] = view.strides[d];
    } else {
      dims.push(view.dims[d]);
      strides.push(view.strides[d]);
    }
  }
  return { dims, strides, base: view.base };
}

/**
 * Statements splitting the thread index into coordinates `c0 …` of `dims` (rank ≥ 1), with the strides as uniforms
 * `o0 …` added to `uniforms`; returns the coordinate names.
 */
function outputCoords(dims: readonly number[], uniforms: Record<string, number>, lines: string[]): string[] {
  const c = names('c', dims.length);
  const s = stridesOf(dims);
  for (let d = 0; d < dims.length - 1; d++) uniforms[`o${d}`] = s[d];
  lines.push(unravel('this.thread.x', c, names('o', dims.length - 1)));
  return c;
}

/**
 * Copies the strided view of argument `x` (simplified first); one program per rank of the simplified view.
 *
 * @example
 * ```ts
 * const p = viewProgram(transposeView([2, 3], [1, 0])); // one program for every rank-2 view
 * ```
 */
export function viewProgram(view: StridedView): KernelProgram {
  const v = simplifyView(view);
  const uniforms: Record<string, number> = { base: v.base };
  if (v.dims.length === 0) return program('view|0', ['x'], uniforms, 'return x[base];', 1);
  const lines: string[] = [];
  const c = outputCoords(v.dims, uniforms, lines);
  v.strides.forEach((st, d) => (uniforms[`i${d}`] = st));
  lines.push(`return x[base + ${dotCode(c, names('i', c.length))}];`);
  return program(`view|${c.length}`, ['x'], uniforms, lines.join('\n'), productOf(v.dims));
}

/**
 * Transpose: output axis d is input axis `perm[d]`.
 *
 * @example
 * ```ts
 * console.assert(transposeView([2, 3], [1, 0]).strides.join() === '1,3');
 * ```
 */
export function transposeView(shape: readonly number[], perm: readonly number[]): StridedView {
  const s = stridesOf(shape);
  return { dims: perm.map((p) => shape[p]), strides: perm.map((p) => s[p]), base: 0 };
}

/**
 * Broadcast of `shape` to `outShape` (same rank): size-1 dims read stride 0.
 *
 * @example
 * ```ts
 * console.assert(expandView([1, 3], [4, 3]).strides.join() === '0,1');
 * ```
 */
export function expandView(shape: readonly number[], outShape: readonly number[]): StridedView {
  const s = stridesOf(shape);
  return { dims: outShape, strides: shape.map((d, i) => (d === 1 ? 0 : s[i])), base: 0 };
}

/**
 * The box at `begin` of extent `size`.
 *
 * @example
 * ```ts
 * console.assert(sliceView([4, 5], [1, 2], [2, 3]).base === 7);
 * ```
 */
export function sliceView(shape: readonly number[], begin: readonly number[], size: readonly number[]): StridedView {
  const s = stridesOf(shape);
  return { dims: size, strides: s, base: begin.reduce((acc, b, d) => acc + b * s[d], 0) };
}

/**
 * Reversal along `axes`: those dims start at their far end and step backwards.
 *
 * @example
 * ```ts
 * const v = flipView([4], [0]);
 * console.assert(v.base === 3 && v.strides[0] === -1);
 * ```
 */
export function flipView(shape: readonly number[], axes: readonly number[]): StridedView {
  const s = stridesOf(shape);
  let base = 0;
  const strides = shape.map((n, d) => {
    if (!axes.includes(d)) return s[d];
    base += (n - 1) * s[d];
    return -s[d];
  });
  return { dims: shape, strides, base };
}

/**
 * Constant padding of argument `x` (rank ≥ 1): coordinates outside the input's box `[before, before + n)` read
 * `value` (an argument, so every fill value, ±Infinity and NaN included, shares one compiled kernel per rank).
 *
 * @example
 * ```ts
 * const p = padProgram([2, 3], [[1, 1], [0, 2]]); // p.size === 20; arguments x, value, then the uniforms
 * ```
 */
export function padProgram(shape: readonly number[], pads: readonly (readonly [number, number])[]): KernelProgram {
  const outDims = shape.map((n, d) => n + pads[d][0] + pads[d][1]);
  const s = stridesOf(shape);
  const uniforms: Record<string, number> = {};
  const lines: string[] = [];
  const c = outputCoords(outDims, uniforms, lines);
  const outside: string[] = [];
  let base = 0;
  c.forEach((cd, d) => {
    uniforms[`lo${d}`] = pads[d][0];
    uniforms[`hi${d}`] = pads[d][0] + shape[d];
    uniforms[`i${d}`] = s[d];
    outside.push(`${cd} < lo${d} || ${cd} >= hi${d}`);
    base -= pads[d][0] * s[d];
  });
  uniforms.base = base;
  lines.push(`if (${outside.join(' || ')}) { return value; }`, `return x[base + ${dotCode(c, names('i', c.length))}];`);
  return program(`pad|${c.length}`, ['x', 'value'], uniforms, lines.join('\n'), productOf(outDims));
}

/**
 * Keeps the lower (`upper` false) or upper triangle of the last two dims relative to diagonal `k`; zeroes the rest.
 *
 * @example
 * ```ts
 * const lower = triangleProgram([4, 4], 0, false); // tril of a 4×4 matrix
 * ```
 */
export function triangleProgram(shape: readonly number[], k: number, upper: boolean): KernelProgram {
  const rank = shape.length;
  const rows = shape[rank - 2],
    cols = shape[rank - 1];
  // Only the position within one [rows, cols] matrix matters.
  const body = [
    unravel('this.thread.x', ['b', 'i', 'j'], ['matrix', 'cols']),
    `if (j - i ${upper ? '>=' : '<='} diagonal) { return x[this.thread.x]; }`,
    'return 0;',
  ].join('\n');
  return program(`triangle|${upper}`, ['x'], { matrix: rows * cols, cols, diagonal: k }, body, productOf(shape));
}

/**
 * Most inputs one concat kernel reads, the previous group's output included (WebGL2 guarantees 16 texture units).
 *
 * @example
 * ```ts
 * const passes = 1 + Math.ceil(Math.max(0, 20 - CONCAT_GROUP) / (CONCAT_GROUP - 1)); // 3 passes for 20 inputs
 * ```
 */
export const CONCAT_GROUP = 8;

/**
 * One pass of a concatenation along `axis` into `outShape`: the inputs of `lengths` (their sizes along the axis)
 * land at axis offsets from `start`; with `carry`, the pass also reads the output of the previous passes (argument
 * `prev`) and copies every element outside its own range from it. Inputs are arguments `x0, x1, …`.
 *
 * @example
 * ```ts
 * const first = concatProgram([2, 5], 1, [2, 3], 0, false); // [2, 2] and [2, 3] side by side
 * ```
 */
export function concatProgram(outShape: readonly number[], axis: number, lengths: readonly number[], start: number, carry: boolean): KernelProgram {
  const [outer, total, inner] = aroundAxis(outShape, axis);
  const uniforms: Record<string, number> = { totalInner: total * inner, inner, start };
  const lines = [unravel('this.thread.x', ['a', 'k', 'c'], ['totalInner', 'inner'])];
  if (carry) lines.push('if (k < start) { return prev[this.thread.x]; }');
  let end = start;
  lengths.forEach((len, i) => {
    uniforms[`len${i}`] = len;
    uniforms[`from${i}`] = end;
    end += len;
    uniforms[`end${i}`] = end;
    lines.push(`if (k < end${i}) { return x${i}[(a * len${i} + k - from${i}) * inner + c]; }`);
  });
  // Elements past this pass's range come from the previous passes, or are written by later ones.
  lines.push(carry ? 'return prev[this.thread.x];' : 'return 0;');
  const tensors = lengths.map((_, i) => `x${i}`);
  if (carry) tensors.push('prev');
  return program(`concat|${lengths.length}|${carry}`, tensors, uniforms, lines.join('\n'), outer * total * inner);
}

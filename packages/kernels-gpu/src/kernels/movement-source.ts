// Kernel sources for data movement on flat float32 textures: strided views (transpose, expand, slice, flip), pad,
// the triangle mask and concatenation, each an index map from an output element to the input element it copies.
import { aroundAxis, coordNames, kernelSource, offsetCode, productOf, stridesOfDims, unravel, type KernelProgram } from './kernel-source.js';

/** An output of row-major `dims` whose element at coordinates `c` reads the input at `base + Σ c[d]·strides[d]`. */
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

/** Copies the strided view of `x` (simplified first); `op` names the cache entry. */
export function viewProgram(op: string, view: StridedView): KernelProgram {
  const v = simplifyView(view);
  const size = productOf(v.dims);
  const c = coordNames('c', v.dims.length);
  const body = `${unravel('this.thread.x', c, v.dims)}\nreturn x[${offsetCode(v.base, c, v.strides)}];`;
  return { key: `${op}|${v.dims}|${v.strides}|${v.base}`, source: kernelSource(['x'], body), size };
}

/** Transpose: output axis d is input axis `perm[d]`. */
export function transposeView(shape: readonly number[], perm: readonly number[]): StridedView {
  const s = stridesOfDims(shape);
  return { dims: perm.map((p) => shape[p]), strides: perm.map((p) => s[p]), base: 0 };
}

/** Broadcast of `shape` to `outShape` (same rank): size-1 dims read stride 0. */
export function expandView(shape: readonly number[], outShape: readonly number[]): StridedView {
  const s = stridesOfDims(shape);
  return { dims: outShape, strides: shape.map((d, i) => (d === 1 ? 0 : s[i])), base: 0 };
}

/** The box at `begin` of extent `size`. */
export function sliceView(shape: readonly number[], begin: readonly number[], size: readonly number[]): StridedView {
  const s = stridesOfDims(shape);
  return { dims: size, strides: s, base: begin.reduce((acc, b, d) => acc + b * s[d], 0) };
}

/** Reversal along `axes`: those dims start at their far end and step backwards. */
export function flipView(shape: readonly number[], axes: readonly number[]): StridedView {
  const s = stridesOfDims(shape);
  let base = 0;
  const strides = shape.map((n, d) => {
    if (!axes.includes(d)) return s[d];
    base += (n - 1) * s[d];
    return -s[d];
  });
  return { dims: shape, strides, base };
}

/**
 * Constant padding: coordinates outside the input's box read `value` (a kernel argument, so every fill value shares
 * one compiled kernel, ±Infinity and NaN included).
 */
export function padProgram(shape: readonly number[], pads: readonly (readonly [number, number])[]): KernelProgram {
  const outDims = shape.map((n, d) => n + pads[d][0] + pads[d][1]);
  const s = stridesOfDims(shape);
  const c = coordNames('c', shape.length);
  const outside: string[] = [];
  let base = 0;
  for (let d = 0; d < shape.length; d++) {
    const [before, after] = pads[d];
    if (before > 0) outside.push(`${c[d]} < ${before}`);
    if (after > 0) outside.push(`${c[d]} >= ${before + shape[d]}`);
    base -= before * s[d];
  }
  const guard = outside.length === 0 ? '' : `if (${outside.join(' || ')}) { return value; }\n`;
  const body = `${unravel('this.thread.x', c, outDims)}\n${guard}return x[${offsetCode(base, c, s)}];`;
  return { key: `pad|${shape}|${pads.flat()}`, source: kernelSource(['x', 'value'], body), size: productOf(outDims) };
}

/** Keeps the lower (`upper` false) or upper triangle of the last two dims relative to diagonal `k`; zeroes the rest. */
export function triangleProgram(shape: readonly number[], k: number, upper: boolean): KernelProgram {
  const rank = shape.length;
  const rows = shape[rank - 2],
    cols = shape[rank - 1];
  const size = productOf(shape);
  // Only the position within one [rows, cols] matrix matters.
  const body = [
    unravel('this.thread.x', ['b', 'i', 'j'], [size / (rows * cols), rows, cols]),
    `if (j - i ${upper ? '>=' : '<='} ${k}) { return x[this.thread.x]; }`,
    'return 0;',
  ].join('\n');
  return { key: `triangle|${rows}|${cols}|${size}|${k}|${upper}`, source: kernelSource(['x'], body), size };
}

/** Most inputs one concat kernel reads, the previous group's output included (WebGL2 guarantees 16 texture units). */
export const CONCAT_GROUP = 8;

/**
 * One pass of a concatenation along `axis` into `outShape`: the inputs of `lengths` (their sizes along the axis)
 * land at axis offsets from `start`; with `carry`, the pass also reads the output of the previous passes (argument
 * `prev`) and copies every element outside its own range from it. Inputs are arguments `x0, x1, …`.
 */
export function concatProgram(outShape: readonly number[], axis: number, lengths: readonly number[], start: number, carry: boolean): KernelProgram {
  const [outer, total, inner] = aroundAxis(outShape, axis);
  const lines = [unravel('this.thread.x', ['a', 'k', 'c'], [outer, total, inner])];
  const params = lengths.map((_, i) => `x${i}`);
  let from = start;
  if (carry) {
    params.push('prev');
    lines.push(`if (k < ${start}) { return prev[this.thread.x]; }`);
  }
  lengths.forEach((len, i) => {
    const read = `x${i}[(a * ${len} + k - ${from}) * ${inner} + c]`;
    from += len;
    lines.push(i === lengths.length - 1 && from === total ? `return ${read};` : `if (k < ${from}) { return ${read}; }`);
  });
  // Elements past this pass's range come from the previous passes, or are written by later ones.
  if (from !== total) lines.push(carry ? 'return prev[this.thread.x];' : 'return 0;');
  return { key: `concat|${outer}|${total}|${inner}|${lengths}|${start}|${carry}`, source: kernelSource(params, lines.join('\n')), size: outer * total * inner };
}

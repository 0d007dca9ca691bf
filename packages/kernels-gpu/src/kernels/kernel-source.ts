// Source-building helpers for the gpu.js kernels of reductions, matmul, movement and indexing: programs whose sizes
// are uniforms (one compiled kernel serves every shape of a rank), and exact index math on floats.
import type { NativeFunction } from '../program.js';

/**
 * A gpu.js kernel to run: its JavaScript source, the number of output elements (a flat 1-D output) and the key it
 * is compiled and cached under. Sizes, strides and offsets are not in the source: they are the trailing scalar
 * `uniforms` (float uniforms, exact for integers below 2^24), so the key names only what the source does bake in
 * (the op, a rank, flags), and one compiled kernel serves every shape with that key.
 *
 * @example
 * ```ts
 * const p: KernelProgram = program('double', ['x'], {}, 'return 2 * x[this.thread.x];', 4);
 * console.assert(p.uniforms.length === 0);
 * ```
 */
export interface KernelProgram {
  /** Cache key: the op and what the source bakes in (never a size). */
  readonly key: string;
  /** `function (...tensors, ...uniforms) { ... }` in gpu.js's kernel language; `this.thread.x` is the output index. */
  readonly source: string;
  /** Output element count. */
  readonly size: number;
  /** Values of the trailing scalar parameters, in order. */
  readonly uniforms: readonly number[];
  /** GLSL functions the source calls (webgl2 only). */
  readonly nativeFunctions?: readonly NativeFunction[];
}

/**
 * A program from its parts: `tensors` are the leading parameters; `uniforms` names and values the trailing ones.
 *
 * @example
 * ```ts
 * const p = program('scale', ['x'], { factor: 3 }, 'return factor * x[this.thread.x];', 8);
 * // p.source === 'function (x, factor) {\nreturn factor * x[this.thread.x];\n}', p.uniforms = [3]
 * ```
 */
export function program(key: string, tensors: readonly string[], uniforms: Readonly<Record<string, number>>, body: string, size: number): KernelProgram {
  const names = Object.keys(uniforms);
  return { key, source: `function (${[...tensors, ...names].join(', ')}) {\n${body}\n}`, size, uniforms: names.map((n) => uniforms[n]) };
}

/**
 * Product of `dims[from..to)`.
 *
 * @example
 * ```ts
 * console.assert(productOf([2, 3, 4]) === 24 && productOf([2, 3, 4], 1) === 12);
 * ```
 */
export function productOf(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= dims[d];
  return n;
}

/**
 * `[outer, dims[axis], inner]`: the three-loop view of a shape around one axis.
 *
 * @example
 * ```ts
 * console.assert(aroundAxis([2, 3, 4, 5], 2).join() === '6,4,5');
 * ```
 */
export function aroundAxis(shape: readonly number[], axis: number): [outer: number, len: number, inner: number] {
  if (shape.length === 0) return [1, 1, 1];
  return [productOf(shape, 0, axis), shape[axis], productOf(shape, axis + 1)];
}

/**
 * `prefix0 … prefix{n-1}`.
 *
 * @example
 * ```ts
 * console.assert(names('c', 3).join() === 'c0,c1,c2');
 * ```
 */
export function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, d) => `${prefix}${d}`);
}

/**
 * Statements that split the integer held in `index` into row-major coordinates `coords[d]`, given the source of each
 * coordinate's stride (`strides[d]`, a uniform's name; the last is 1). GPU division is not correctly rounded (9/3 may
 * come out 2.999…), so each quotient is floored and then corrected by its remainder: exact for every index below
 * 2^24, where float32 holds integers exactly.
 *
 * @example
 * ```ts
 * const lines = unravel('this.thread.x', ['a', 'k', 'c'], ['lenInner', 'inner']); // declares a, k, c
 * ```
 */
export function unravel(index: string, coords: readonly string[], strides: readonly string[]): string {
  const rem = `${coords[0]}Rem`;
  const lines = [`let ${rem} = ${index};`];
  for (let d = 0; d < coords.length - 1; d++) {
    const c = coords[d],
      s = strides[d];
    lines.push(
      `let ${c} = Math.floor(${rem} / ${s});`,
      `${rem} = ${rem} - ${c} * ${s};`,
      `if (${rem} < 0) { ${c} = ${c} - 1; ${rem} = ${rem} + ${s}; }`,
      `if (${rem} >= ${s}) { ${c} = ${c} + 1; ${rem} = ${rem} - ${s}; }`,
    );
  }
  lines.push(`const ${coords[coords.length - 1]} = ${rem};`);
  return lines.join('\n');
}

/**
 * `Σ coords[d]·weights[d]` as source (weights are sources too), or `0`.
 *
 * @example
 * ```ts
 * console.assert(dotCode(['c0', 'c1'], ['i0', 'i1']) === 'c0 * i0 + c1 * i1');
 * ```
 */
export function dotCode(coords: readonly string[], weights: readonly string[]): string {
  return coords.length === 0 ? '0' : coords.map((c, d) => `${c} * ${weights[d]}`).join(' + ');
}

/**
 * True for NaN, as source. Kept in one place: GLSL compilers are allowed to fold `v != v`, which SwiftShader does
 * not; if a driver is found that does, this is the line to change.
 *
 * @example
 * ```ts
 * const body = `if (${isNaNCode('v')}) { acc = v; }`;
 * ```
 */
export function isNaNCode(v: string): string {
  return `${v} !== ${v}`;
}

/**
 * A loop over `j` in `[0, count)` where `count` is a runtime value known to be at most `bound` (GPU loops need a
 * compile-time bound), around `body`.
 *
 * @example
 * ```ts
 * const loop = boundedLoop('j', 256, 'win', 'acc = acc + x[j];'); // for j < 256, breaking at win
 * ```
 */
export function boundedLoop(j: string, bound: number, count: string, body: string): string {
  return `for (let ${j} = 0; ${j} < ${bound}; ${j}++) {\nif (${j} >= ${count}) { break; }\n${body}\n}`;
}

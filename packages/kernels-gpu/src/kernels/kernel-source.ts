// Source-building helpers for the gpu.js kernels of reductions, matmul, movement and indexing: programs whose sizes
// are uniforms (one compiled kernel serves every shape of a rank), and exact index math on floats.

/**
 * A gpu.js kernel to run: its JavaScript source, the number of output elements (a flat 1-D output) and the key it
 * is compiled and cached under. Sizes, strides and offsets are not in the source: they are the trailing scalar
 * `uniforms` (float uniforms, exact for integers below 2^24), so the key names only what the source does bake in
 * (the op, a rank, flags), and one compiled kernel serves every shape with that key.
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
}

/** A program from its parts: `tensors` are the leading parameters; `uniforms` names and values the trailing ones. */
export function program(key: string, tensors: readonly string[], uniforms: Readonly<Record<string, number>>, body: string, size: number): KernelProgram {
  const names = Object.keys(uniforms);
  return { key, source: `function (${[...tensors, ...names].join(', ')}) {\n${body}\n}`, size, uniforms: names.map((n) => uniforms[n]) };
}

/** Row-major strides of `dims`. */
export function stridesOfDims(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= dims[d];
  }
  return s;
}

/** Product of `dims[from..to)`. */
export function productOf(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= dims[d];
  return n;
}

/** `[outer, dims[axis], inner]`: the three-loop view of a shape around one axis. */
export function aroundAxis(shape: readonly number[], axis: number): [outer: number, len: number, inner: number] {
  if (shape.length === 0) return [1, 1, 1];
  return [productOf(shape, 0, axis), shape[axis], productOf(shape, axis + 1)];
}

/** `prefix0 … prefix{n-1}`. */
export function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, d) => `${prefix}${d}`);
}

/**
 * Statements that split the integer held in `index` into row-major coordinates `coords[d]`, given the source of each
 * coordinate's stride (`strides[d]`, a uniform's name; the last is 1). GPU division is not correctly rounded (9/3 may
 * come out 2.999…), so each quotient is floored and then corrected by its remainder: exact for every index below
 * 2^24, where float32 holds integers exactly.
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

/** `Σ coords[d]·weights[d]` as source (weights are sources too), or `0`. */
export function dotCode(coords: readonly string[], weights: readonly string[]): string {
  return coords.length === 0 ? '0' : coords.map((c, d) => `${c} * ${weights[d]}`).join(' + ');
}

/**
 * True for NaN, as source. Kept in one place: GLSL compilers are allowed to fold `v != v`, which SwiftShader does
 * not; if a driver is found that does, this is the line to change.
 */
export function isNaNCode(v: string): string {
  return `${v} !== ${v}`;
}

/**
 * A loop over `j` in `[0, count)` where `count` is a runtime value known to be at most `bound` (GPU loops need a
 * compile-time bound), around `body`.
 */
export function boundedLoop(j: string, bound: number, count: string, body: string): string {
  return `for (let ${j} = 0; ${j} < ${bound}; ${j}++) {\nif (${j} >= ${count}) { break; }\n${body}\n}`;
}

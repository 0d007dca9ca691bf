// Source-building helpers for the gpu.js kernels of reductions, matmul, movement and indexing: exact index math on floats.

/**
 * A gpu.js kernel to compile and run: its JavaScript source (sizes baked in as literals), the number of output
 * elements (a flat 1-D output) and the key it is cached under, which names the op and every size in the source.
 */
export interface KernelProgram {
  /** Cache key: the op and everything the source bakes in. */
  readonly key: string;
  /** Source of a `function (...args) { ... }` in gpu.js's kernel language; `this.thread.x` is the flat output index. */
  readonly source: string;
  /** Output element count. */
  readonly size: number;
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

/**
 * Statements that split the integer held in float variable `index` into coordinates `names[d]` of row-major `dims`.
 * GPU division is not correctly rounded (9/3 may come out 2.999…), so each quotient is floored and then corrected by
 * its remainder: exact for every index below 2^24, where float32 holds integers exactly. Size-1 dims get 0 without
 * any arithmetic, and the last coordinate is the final remainder.
 */
export function unravel(index: string, names: readonly string[], dims: readonly number[]): string {
  const strides = stridesOfDims(dims);
  const rem = `${names[0]}Rem`;
  const lines = [`let ${rem} = ${index};`];
  for (let d = 0; d < dims.length; d++) {
    const c = names[d];
    if (dims[d] === 1) lines.push(`const ${c} = 0;`);
    else if (strides[d] === 1) lines.push(`const ${c} = ${rem};`);
    else {
      const s = strides[d];
      lines.push(
        `let ${c} = Math.floor(${rem} / ${s});`,
        `${rem} = ${rem} - ${c} * ${s};`,
        `if (${rem} < 0) { ${c} = ${c} - 1; ${rem} = ${rem} + ${s}; }`,
        `if (${rem} >= ${s}) { ${c} = ${c} + 1; ${rem} = ${rem} - ${s}; }`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * `base + Σ names[d]·weights[d]` as source, terms with weight 0 dropped. Never a sum of literals alone: gpu.js 2.24.1
 * miscompiles an index like `x[2 + 0]` on WebGL2 (no matching `getFloatFromSampler2D` overload), while `x[2]` works.
 */
export function offsetCode(base: number, names: readonly string[], weights: readonly number[]): string {
  const terms: string[] = [];
  for (let d = 0; d < names.length; d++) {
    const w = weights[d];
    if (w === 0) continue;
    terms.push(w === 1 ? names[d] : w === -1 ? `-${names[d]}` : `${names[d]} * ${w}`);
  }
  if (base !== 0 || terms.length === 0) terms.unshift(`${base}`);
  return terms.join(' + ').replace(/\+ -/g, '- ');
}

/**
 * True for NaN, as source. Kept in one place: GLSL compilers are allowed to fold `v != v`, which SwiftShader does
 * not; if a driver is found that does, this is the line to change.
 */
export function isNaNCode(v: string): string {
  return `${v} !== ${v}`;
}

/** `coordinates` names `prefix0..prefixN-1`. */
export function coordNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, d) => `${prefix}${d}`);
}

/** Wraps statements into kernel source with the given parameters. */
export function kernelSource(params: readonly string[], body: string): string {
  return `function (${params.join(', ')}) {\n${body}\n}`;
}

// Programs the fused kernels share: constant fills, strided products with per-call offsets, column sums, record fields.
import type { TensorInfo } from '@seqlab/tensor-core';
import { matmulKernels } from '../kernels/matmul.js';
import { reduceAlong } from '../kernels/reduce.js';
import { runProgram } from '../program.js';
import { GpuFloat, hostFloat, releaseFloat } from '../storage.js';

/**
 * A float literal for generated source (`3` → `3.0`).
 *
 * @example
 * ```ts
 * f(3); // '3.0'
 * ```
 */
export function f(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * Statements declaring `q = floor(x / n)` and `rem = x − q·n` (float variables; `x` and `n` float expressions, n > 0): a
 * floored float division corrected by its remainder, exact for every index below 2^24 even where GL's division is
 * off by an ulp (SwiftShader's is from about 6.3M).
 *
 * @example
 * ```ts
 * divSource('i', '7.0', 'row', 'col'); // row = ⌊i / 7⌋, col = i mod 7
 * ```
 */
export function divSource(x: string, n: string, q: string, rem: string): string {
  return (
    `let ${q} = Math.floor(${x} / ${n}); let ${rem} = ${x} - ${q} * ${n}; ` +
    `if (${rem} < 0.0) { ${q} = ${q} - 1.0; ${rem} = ${rem} + ${n}; } if (${rem} >= ${n}) { ${q} = ${q} + 1.0; ${rem} = ${rem} - ${n}; }`
  );
}

/**
 * Statements declaring `row` and `col` of the thread's element in a row-major matrix `cols` wide (float, exact below 2^24).
 *
 * @example
 * ```ts
 * const src = `function (m) { ${rowColSource(4)} return m[row * 4.0 + col]; }`;
 * ```
 */
export function rowColSource(cols: number): string {
  return `const i = this.thread.x * 1.0; ${divSource('i', f(cols), 'row', 'col')}`;
}

/**
 * The storage handle of a float32 tensor.
 *
 * @example
 * ```ts
 * const x = handleOf(args.x); // the GpuFloat of a float32 tensor
 * ```
 */
export function handleOf(t: TensorInfo): GpuFloat {
  return t.handle as GpuFloat;
}

/**
 * Frees storages the fused kernels made for themselves (workspaces, ping-pong states).
 *
 * @example
 * ```ts
 * release(workspace, stepProduct, null); // null and undefined are skipped
 * ```
 */
export function release(...handles: (GpuFloat | null | undefined)[]): void {
  for (const h of handles) if (h !== null && h !== undefined) releaseFloat(h);
}

/**
 * A new storage of `size` elements all equal to `value` (a uniform, so one program serves every value and size).
 *
 * @example
 * ```ts
 * const zeros = fill('lstmSequence', 12, 0);
 * ```
 */
export function fill(op: string, size: number, value: number): GpuFloat {
  return runProgram(op, 'fused|fill', () => ({ source: 'function (v) { return v; }', dynamicOutput: true }), size, [value]);
}

/**
 * `C[m, n] = Σ_k A[aOffset + m·am + k·ak] · B[bOffset + k·bk + n·bn]` as a new `[rows, cols]` storage: a matrix product
 * whose operands are read through strides (so transposes and slices of a workspace cost nothing) and whose offsets are
 * uniforms (so a time step's slice of a sequence buffer reuses the program compiled for the first step).
 */
export interface StridedProduct {
  /** Rows and columns of the result. */
  readonly rows: number;
  readonly cols: number;
  /** Length of each dot product. */
  readonly depth: number;
  /** Strides of A along the result's rows and along the depth. */
  readonly am: number;
  readonly ak: number;
  /** Strides of B along the depth and along the result's columns. */
  readonly bk: number;
  readonly bn: number;
}

/**
 * Runs the {@link StridedProduct} `p` on `a` and `b` from the element offsets `aOffset` and `bOffset`; one f32
 * accumulator per output element (each dot product has `depth` terms).
 *
 * @example
 * ```ts
 * // x·Wᵀ for x [R, I] and W [G, I]: result [R, G]
 * const xw = stridedProduct('lstmSequence', x, w, { rows: R, cols: G, depth: I, am: I, ak: 1, bk: 1, bn: I });
 * ```
 */
export function stridedProduct(op: string, a: GpuFloat, b: GpuFloat, p: StridedProduct, aOffset = 0, bOffset = 0): GpuFloat {
  const key = `fused|product|${p.rows},${p.cols},${p.depth}|${p.am},${p.ak},${p.bk},${p.bn}|${a.size},${b.size}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (a, b, aOffset, bOffset) { ${rowColSource(p.cols)} ` +
      `let s = 0.0; let pa = aOffset + row * ${f(p.am)}; let pb = bOffset + col * ${f(p.bn)}; ` +
      `for (let k = 0; k < ${p.depth}; k++) { s += a[pa] * b[pb]; pa += ${f(p.ak)}; pb += ${f(p.bk)}; } return s; }`,
  });
  return runProgram(op, key, build, p.rows * p.cols, [a, b, aOffset, bOffset]);
}

/**
 * Column sums of a `[rows, cols]` storage as a new `[cols]` storage (bias gradients), by the reduction kernels' tree:
 * no thread sums more than a window of rows.
 *
 * @example
 * ```ts
 * const dBias = columnSums('lstmSequenceBackward', dGates, T * B, 4 * H);
 * ```
 */
export function columnSums(op: string, m: GpuFloat, rows: number, cols: number): GpuFloat {
  return reduceAlong('sum', m, 1, rows, cols, undefined, op);
}

/**
 * `op(a)·op(b)` on the backend's matmul kernel (split-K and a reduction tree for long dot products) for storages seen
 * as matrices: `a` is `[m, k]` (`[k, m]` when `transA`), `b` is `[k, n]` (`[n, k]` when `transB`).
 *
 * @example
 * ```ts
 * const dW = matrixProduct(dGates, [T * B, G], x, [T * B, I], true, false); // dGatesᵀ·X, [G, I]
 * ```
 */
export function matrixProduct(a: GpuFloat, aShape: [number, number], b: GpuFloat, bShape: [number, number], transA: boolean, transB: boolean): GpuFloat {
  const info = (handle: GpuFloat, shape: [number, number]): TensorInfo => ({ handle, shape, dtype: 'float32', size: shape[0] * shape[1] });
  const outShape = [transA ? aShape[1] : aShape[0], transB ? bShape[0] : bShape[1]];
  return matmulKernels.matmul(info(a, aShape), info(b, bShape), transA, transB, outShape) as GpuFloat;
}

/**
 * The lengths of a recurrent call as a device input (uploaded on first use, freed by {@link release}), or null.
 *
 * @example
 * ```ts
 * const lengths = lengthsInput('lstmSequence', args.lengths);
 * ```
 */
export function lengthsInput(op: string, lengths: Int32Array | null): GpuFloat | null {
  return lengths === null ? null : hostFloat(op, Float32Array.from(lengths));
}

/**
 * Statements declaring `valid` (a boolean) for batch entry `b` at time `t` (both float variables of the source), reading
 * the lengths argument `len` when `hasLengths`.
 *
 * @example
 * ```ts
 * validSource(true); // 'const valid = t < len[b];'
 * ```
 */
export function validSource(hasLengths: boolean): string {
  return hasLengths ? 'const valid = t < len[b];' : 'const valid = true;';
}

/**
 * Field `[offset, offset + width)` of each of `rows` records of `record` floats in `w`, as a new `[rows, width]`
 * storage; with `lengths` (rows are `[T, B]` time-major), rows of invalid steps read 0.
 *
 * @example
 * ```ts
 * const gates = recordField('lstmSequence', work, T * B, 7 * H, 0, 4 * H, null, B); // [T·B, 4H]
 * ```
 */
export function recordField(
  op: string,
  w: GpuFloat,
  rows: number,
  record: number,
  offset: number,
  width: number,
  lengths: GpuFloat | null,
  batch: number,
): GpuFloat {
  const masked = lengths !== null;
  const key = `fused|field|${rows},${record},${offset},${width}|${masked ? batch : 'all'}|${w.size}`;
  const build = () => ({
    dynamicOutput: true,
    source:
      `function (w, len, batch) { ${rowColSource(width)} const v = w[row * ${f(record)} + ${f(offset)} + col]; ` +
      (masked ? `${divSource('row', 'batch', 't', 'b')} if (t >= len[b]) { return 0.0; } ` : '') +
      'return v; }',
  });
  return runProgram(op, key, build, rows * width, [w, lengths ?? 0, batch]);
}

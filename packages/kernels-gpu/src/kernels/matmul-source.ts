// Kernel sources for batched matmul: broadcast batch dims and transposed operands by index math, blocked dot products,
// and split-K partial products for long contractions.
import { coordNames, kernelSource, offsetCode, productOf, stridesOfDims, unravel, type KernelProgram } from './kernel-source.js';

/** Longest contraction one thread sums; a longer k is split into chunks of at most this many terms and tree-summed. */
export const MAX_DOT = 1024;

/** The batched product of {@link Kernels.matmul} reduced to sizes: batch dims and the per-operand batch strides. */
export interface MatmulShape {
  /** Output batch dims (broadcast), without m and n. */
  readonly batch: readonly number[];
  /** Offset of operand A's matrix per unit of each output batch coordinate (0 where A broadcasts). */
  readonly aBatchStrides: readonly number[];
  /** The same for B. */
  readonly bBatchStrides: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** Batch strides of an operand whose leading dims `own` broadcast (right-aligned) to `batch`. */
function batchStrides(own: readonly number[], batch: readonly number[], matrixSize: number): number[] {
  const s = stridesOfDims(own);
  const off = batch.length - own.length;
  return batch.map((_, d) => (d < off || own[d - off] === 1 ? 0 : s[d - off] * matrixSize));
}

/** {@link MatmulShape} from the kernel's arguments. */
export function matmulShape(aShape: readonly number[], bShape: readonly number[], transA: boolean, transB: boolean, outShape: readonly number[]): MatmulShape {
  const rank = outShape.length;
  const m = outShape[rank - 2],
    n = outShape[rank - 1];
  const k = transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const batch = outShape.slice(0, rank - 2);
  return {
    batch,
    aBatchStrides: batchStrides(aShape.slice(0, -2), batch, m * k),
    bBatchStrides: batchStrides(bShape.slice(0, -2), batch, k * n),
    m,
    n,
    k,
    transA,
    transB,
  };
}

/**
 * Statements that sum `A(i, p)·B(p, j)` for p in `[p0, p0 + count)` into `acc`, in ⌈√count⌉ blocks whose partial sums
 * are added in turn (rounding grows like 2√count instead of count). `p0` is source; `pEnd` bounds p when the range may
 * run past k.
 */
function dotLoop(s: MatmulShape, p0: string, count: number, pEnd: string | null): string {
  const { m, n, k } = s;
  const aAt = s.transA ? `aOff + p * ${m} + i` : `aOff + i * ${k} + p`;
  const bAt = s.transB ? `bOff + j * ${k} + p` : `bOff + p * ${n} + j`;
  const block = Math.ceil(Math.sqrt(count));
  const blocks = Math.ceil(count / block);
  const exact = blocks * block === count && pEnd === null;
  const conditions = [...(blocks * block === count ? [] : [`q + blk * ${block} < ${count}`]), ...(pEnd === null ? [] : [`p < ${pEnd}`])];
  const term = 'part = part + a[' + aAt + '] * b[' + bAt + '];';
  return [
    'let acc = 0;',
    `for (let blk = 0; blk < ${blocks}; blk++) {`,
    'let part = 0;',
    `for (let q = 0; q < ${block}; q++) {`,
    `const p = ${p0} + blk * ${block} + q;`,
    exact ? term : `if (${conditions.join(' && ')}) { ${term} }`,
    '}',
    'acc = acc + part;',
    '}',
  ].join('\n');
}

/** Statements declaring `aOff`, `bOff` from the output batch index `t`. */
function batchOffsets(s: MatmulShape): string {
  if (s.batch.length === 0) return 'const aOff = 0;\nconst bOff = 0;';
  const c = coordNames('t', s.batch.length);
  return [unravel('t', c, s.batch), `const aOff = ${offsetCode(0, c, s.aBatchStrides)};`, `const bOff = ${offsetCode(0, c, s.bBatchStrides)};`].join('\n');
}

function shapeKey(s: MatmulShape): string {
  return `${s.batch}|${s.aBatchStrides}|${s.bBatchStrides}|${s.m}|${s.n}|${s.k}|${s.transA}|${s.transB}`;
}

/** One thread per output element, summing all k terms (k ≤ {@link MAX_DOT}); arguments `a`, `b`. */
export function matmulProgram(s: MatmulShape): KernelProgram {
  const lines = [unravel('this.thread.x', ['t', 'i', 'j'], [productOf(s.batch), s.m, s.n]), batchOffsets(s), dotLoop(s, '0', s.k, null), 'return acc;'];
  return { key: `matmul|${shapeKey(s)}`, source: kernelSource(['a', 'b'], lines.join('\n')), size: productOf(s.batch) * s.m * s.n };
}

/**
 * Split-K: partial dot products over chunks of `chunk` terms, laid out `[outputs, chunks]` so a sum over the last
 * axis (the reduction tree) finishes the product; arguments `a`, `b`.
 */
export function matmulPartialsProgram(s: MatmulShape, chunk: number): KernelProgram {
  const chunks = Math.ceil(s.k / chunk);
  const lines = [
    unravel('this.thread.x', ['t', 'i', 'j', 'h'], [productOf(s.batch), s.m, s.n, chunks]),
    batchOffsets(s),
    dotLoop(s, `h * ${chunk}`, chunk, s.k % chunk === 0 ? null : `${s.k}`),
    'return acc;',
  ];
  return { key: `matmulSplit|${chunk}|${shapeKey(s)}`, source: kernelSource(['a', 'b'], lines.join('\n')), size: productOf(s.batch) * s.m * s.n * chunks };
}

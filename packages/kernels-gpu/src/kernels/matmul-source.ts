// Kernel sources for batched matmul: broadcast batch dims and transposed operands by index math, blocked dot products,
// and split-K partial products for long contractions; every size is a uniform.
import { stridesOf } from '@seqlab/tensor-core';
import { boundedLoop, dotCode, names, program, unravel, type KernelProgram } from './kernel-source.js';

/**
 * Longest contraction one thread sums; a longer k is split into chunks of at most this many terms and tree-summed.
 *
 * @example
 * ```ts
 * const chunks = Math.ceil(5000 / MAX_DOT); // 5 partial products per output for k = 5000
 * ```
 */
export const MAX_DOT = 1024;

/** A dot product runs in blocks of at most this many terms (⌈√count⌉ of them). */
const MAX_BLOCK = Math.sqrt(MAX_DOT);

/**
 * The batched product of `Kernels.matmul` reduced to sizes: batch dims and the per-operand batch strides.
 *
 * @example
 * ```ts
 * const s: MatmulShape = matmulShape([8, 3, 4], [4, 5], false, false, [8, 3, 5]);
 * ```
 */
export interface MatmulShape {
  /** Output batch dims (broadcast), without m and n; size-1 dims dropped. */
  readonly batch: readonly number[];
  /** Operand A's stride per output batch dim, in matrices (0 where A broadcasts). */
  readonly aBatchStrides: readonly number[];
  /** The same for B. */
  readonly bBatchStrides: readonly number[];
  /** Rows of the product. */
  readonly m: number;
  /** Columns of the product. */
  readonly n: number;
  /** Contraction length. */
  readonly k: number;
  /** A is stored `[k, m]`. */
  readonly transA: boolean;
  /** B is stored `[n, k]`. */
  readonly transB: boolean;
}

/** Batch strides (in matrices) of an operand whose leading dims `own` broadcast (right-aligned) to `batch`. */
function batchStrides(own: readonly number[], batch: readonly number[]): number[] {
  const s = stridesOf(own);
  const off = batch.length - own.length;
  return batch.map((_, d) => (d < off || own[d - off] === 1 ? 0 : s[d - off]));
}

/**
 * {@link MatmulShape} from the kernel's arguments.
 *
 * @example
 * ```ts
 * const s = matmulShape([2, 1, 3, 4], [5, 4, 6], false, false, [2, 5, 3, 6]);
 * console.assert(s.batch.join() === '2,5' && s.bBatchStrides.join() === '0,1');
 * ```
 */
export function matmulShape(aShape: readonly number[], bShape: readonly number[], transA: boolean, transB: boolean, outShape: readonly number[]): MatmulShape {
  const rank = outShape.length;
  const full = outShape.slice(0, rank - 2);
  const aStrides = batchStrides(aShape.slice(0, -2), full);
  const bStrides = batchStrides(bShape.slice(0, -2), full);
  // Size-1 batch dims move nothing: dropping them keeps the program's rank (and so its key) small.
  const keep = full.map((d) => d !== 1);
  return {
    batch: full.filter((_, d) => keep[d]),
    aBatchStrides: aStrides.filter((_, d) => keep[d]),
    bBatchStrides: bStrides.filter((_, d) => keep[d]),
    m: outShape[rank - 2],
    n: outShape[rank - 1],
    k: transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1],
    transA,
    transB,
  };
}

/**
 * Statements that sum `A(i, p)·B(p, j)` for p in `[h·count, (h + 1)·count)` ∩ `[0, k)` (all of k without `split`) into `acc`, in blocks of `bs` terms
 * whose partial sums are added in turn (rounding grows like 2√count instead of count). `count`, `bs` and `blocks`
 * are uniforms.
 */
function dotLoop(s: MatmulShape, split: boolean): string {
  const aAt = s.transA ? 'aOff + p * m + i' : 'aOff + i * k + p';
  const bAt = s.transB ? 'bOff + j * k + p' : 'bOff + p * n + j';
  // Without split-K the thread's terms are all of k, so `p < k` is the only bound.
  const inRange = split ? 'blk * bs + q < count && p < k' : 'p < k';
  const term = `const p = ${split ? 'h * count + ' : ''}blk * bs + q;\nif (${inRange}) { part = part + a[${aAt}] * b[${bAt}]; }`;
  return `let acc = 0;\n${boundedLoop('blk', MAX_BLOCK, 'blocks', `let part = 0;\n${boundedLoop('q', MAX_BLOCK, 'bs', term)}\nacc = acc + part;`)}`;
}

/**
 * The source and uniforms shared by both matmul programs: the output index split into batch `t` and `[i, j]` (and the
 * split-K chunk `h` when `chunks` > 1), the operands' matrix offsets, and the dot product over the thread's terms.
 */
function matmulBody(s: MatmulShape, chunk: number, chunks: number): { body: string; uniforms: Record<string, number> } {
  const r = s.batch.length;
  const count = Math.min(chunk, s.k);
  const bs = Math.ceil(Math.sqrt(count));
  const split = chunks > 1;
  const uniforms: Record<string, number> = { m: s.m, n: s.n, k: s.k, bs, blocks: Math.ceil(count / bs) };
  if (split) uniforms.count = count;
  const outer = split ? ['t', 'i', 'j', 'h'] : ['t', 'i', 'j'];
  uniforms.sT = s.m * s.n * chunks;
  uniforms.sI = s.n * chunks;
  if (split) uniforms.sJ = chunks;
  const lines = [unravel('this.thread.x', outer, split ? ['sT', 'sI', 'sJ'] : ['sT', 'sI'])];
  if (r === 0) lines.push('const aOff = 0;', 'const bOff = 0;');
  else {
    const t = names('t', r);
    const unravelStrides = stridesOf(s.batch);
    t.forEach((_, d) => {
      // The last coordinate is the remainder: it needs no stride.
      if (d < r - 1) uniforms[`bt${d}`] = unravelStrides[d];
      uniforms[`ba${d}`] = s.aBatchStrides[d] * s.m * s.k;
      uniforms[`bb${d}`] = s.bBatchStrides[d] * s.k * s.n;
    });
    lines.push(unravel('t', t, names('bt', r - 1)), `const aOff = ${dotCode(t, names('ba', r))};`, `const bOff = ${dotCode(t, names('bb', r))};`);
  }
  lines.push(dotLoop(s, split), 'return acc;');
  return { body: lines.join('\n'), uniforms };
}

/**
 * One thread per output element, summing all k terms (k ≤ {@link MAX_DOT}); arguments `a`, `b`.
 *
 * @example
 * ```ts
 * const p = matmulProgram(matmulShape([3, 4], [4, 5], false, false, [3, 5])); // p.size === 15
 * ```
 */
export function matmulProgram(s: MatmulShape): KernelProgram {
  const { body, uniforms } = matmulBody(s, s.k, 1);
  return program(`matmul|${s.batch.length}|${s.transA}|${s.transB}`, ['a', 'b'], uniforms, body, productOf(s) * s.m * s.n);
}

/**
 * Split-K: partial dot products over chunks of `chunk` terms, laid out `[outputs, chunks]` so a sum over the last
 * axis (the reduction tree) finishes the product; arguments `a`, `b`.
 *
 * @example
 * ```ts
 * const p = matmulPartialsProgram(matmulShape([2, 3000], [3000, 2], false, false, [2, 2]), 1000); // p.size === 12
 * ```
 */
export function matmulPartialsProgram(s: MatmulShape, chunk: number): KernelProgram {
  const chunks = Math.ceil(s.k / chunk);
  const { body, uniforms } = matmulBody(s, chunk, chunks);
  return program(`matmulSplit|${s.batch.length}|${s.transA}|${s.transB}`, ['a', 'b'], uniforms, body, productOf(s) * s.m * s.n * chunks);
}

function productOf(s: MatmulShape): number {
  return s.batch.reduce((acc, d) => acc * d, 1);
}

/** Terms summed into a partial before it is added to the total (blocked summation, as in the other programs). */
const PACKED_BLOCK = 32;

/**
 * GLSL of `mmPacked(aBase, bOff, j, k, m, n)`: the product's outputs `j0..j0+3` (`j0 = j - j % 4`) of one row,
 * computed together when `j % 4 == 0` and kept in a global for the three calls that follow. gpu.js's memory-optimized
 * output runs the kernel four times per texel, for flat outputs `4c..4c+3`, in order; with `n % 4 == 0` those are
 * one row's `j0..j0+3`, so one texel fetch of B (or of A) serves four outputs. Reads are `texelFetch`es of the
 * 4-values-per-texel layout: a contiguous run of four (an A row in nn/nt, a B row in nn/tn, a B column in nt) is one
 * fetch when `k % 4 == 0`.
 */
function packedSource(s: MatmulShape, k4: boolean): string {
  // Cursors walk a texel position by a fixed stride (no division per fetch): A's row (k4, A not transposed), B's
  // rows (B not transposed: n / 4 texels per term) or B's four columns (B transposed, k4). Other reads index flat.
  const init: string[] = [];
  const fetch = (cursor: string, t: 'a' | 'b', step: string): string => `mmNext(user_${t}, ${cursor}, ${step}, user_${t}Size.x)`;
  let aRead: string;
  if (k4 && !s.transA) {
    init.push('ivec2 ca = mmPos(user_aSize, aBase >> 2);');
    aRead = fetch('ca', 'a', 'ivec2(1, 0)');
  } else if (s.transA && s.m % 4 === 0) {
    // A stored [k, m] with whole-texel rows: A(i, p) is channel i % 4 of a texel m / 4 texels on per term.
    init.push(
      'ivec2 ca = mmPos(user_aSize, aBase >> 2);',
      'ivec2 sa = mmPos(user_aSize, m >> 2);',
      'vec4 ma = vec4(equal(ivec4(0, 1, 2, 3), ivec4(aBase & 3)));',
    );
    const one = `dot(${fetch('ca', 'a', 'sa')}, ma)`;
    aRead = k4 ? `vec4(0.0);\n${[0, 1, 2, 3].map((q) => `av[${q}] = ${one};`).join('\n')}` : one;
  } else if (k4) {
    aRead = `vec4(${[0, 1, 2, 3].map((q) => `mmAt(user_a, user_aSize, aBase + (p + ${q}) * m)`).join(', ')})`;
  } else aRead = `mmAt(user_a, user_aSize, aBase + p${s.transA ? ' * m' : ''})`;
  let update: string;
  if (!s.transB) {
    // B rows: one texel holds B(p, j0..j0+3).
    init.push('ivec2 cb = mmPos(user_bSize, (bOff + j0) >> 2);', 'ivec2 sb = mmPos(user_bSize, n >> 2);');
    update = k4 ? [0, 1, 2, 3].map((q) => `part += av[${q}] * ${fetch('cb', 'b', 'sb')};`).join('\n') : `part += av * ${fetch('cb', 'b', 'sb')};`;
  } else if (k4) {
    // B columns (B stored [n, k]): one texel holds B(p..p+3, j) for each j of the four.
    for (const c of [0, 1, 2, 3]) init.push(`ivec2 cb${c} = mmPos(user_bSize, (bOff + (j0 + ${c}) * k) >> 2);`);
    update = `part += vec4(${[0, 1, 2, 3].map((c) => `dot(av, ${fetch(`cb${c}`, 'b', 'ivec2(1, 0)')})`).join(', ')});`;
  } else {
    update = `part += av * vec4(${[0, 1, 2, 3].map((c) => `mmAt(user_b, user_bSize, bOff + (j0 + ${c}) * k + p)`).join(', ')});`;
  }
  const step = k4 ? 4 : 1;
  return `vec4 mmPackedOut;
vec4 mmTexel(sampler2D t, ivec2 size, int texel) {
  return texelFetch(t, ivec2(texel - (texel / size.x) * size.x, texel / size.x), 0);
}
float mmAt(sampler2D t, ivec2 size, int f) {
  return mmTexel(t, size, f >> 2)[f & 3];
}
ivec2 mmPos(ivec2 size, int texel) {
  int y = texel / size.x;
  return ivec2(texel - y * size.x, y);
}
vec4 mmNext(sampler2D t, inout ivec2 pos, ivec2 stride, int w) {
  vec4 v = texelFetch(t, pos, 0);
  pos += stride;
  int wrap = int(pos.x >= w);
  pos += ivec2(-w * wrap, wrap);
  return v;
}
float mmPacked(float aBaseF, float bOffF, float jF, float kF, float mF, float nF) {
  int j = int(jF + 0.5);
  int ch = j & 3;
  if (ch == 0) {
    int aBase = int(aBaseF + 0.5);
    int bOff = int(bOffF + 0.5);
    int k = int(kF + 0.5);
    int m = int(mF + 0.5);
    int n = int(nF + 0.5);
    int j0 = j;
    ${init.join('\n    ')}
    vec4 acc = vec4(0.0);
    for (int blk = 0; blk < ${MAX_DOT}; blk += ${PACKED_BLOCK}) {
      if (blk >= k) { break; }
      vec4 part = vec4(0.0);
      for (int q = 0; q < ${PACKED_BLOCK}; q += ${step}) {
        int p = blk + q;
        if (p >= k) { break; }
        ${k4 ? 'vec4' : 'float'} av = ${aRead};
        ${update}
      }
      acc += part;
    }
    mmPackedOut = acc;
  }
  return mmPackedOut[ch];
}`;
}

/**
 * Whether {@link matmulPackedProgram} serves a product on webgl2: rows of whole texels (`n % 4 == 0`) and no split-K.
 *
 * @example
 * ```ts
 * console.assert(packedMatmulFits(matmulShape([256, 256], [256, 256], false, false, [256, 256])));
 * ```
 */
export function packedMatmulFits(s: MatmulShape): boolean {
  return s.n % 4 === 0 && s.k <= MAX_DOT;
}

/**
 * The webgl2 matmul for {@link packedMatmulFits} shapes: the same batch and index math as {@link matmulProgram} in the
 * kernel, with the dot products in a GLSL function that computes four outputs per texel (see `packedSource`);
 * arguments `a`, `b`.
 *
 * @example
 * ```ts
 * const p = matmulPackedProgram(matmulShape([8, 4], [4, 8], false, false, [8, 8])); // p.nativeFunctions[0].name === 'mmPacked'
 * ```
 */
export function matmulPackedProgram(s: MatmulShape): KernelProgram {
  const k4 = s.k % 4 === 0;
  const { body, uniforms } = matmulBody(s, s.k, 1);
  // Replace the dot loop: keep the index math (t, i, j, aOff, bOff), then call the GLSL function.
  const head = body.slice(0, body.indexOf('let acc = 0;'));
  const aBase = s.transA ? 'aOff + i' : 'aOff + i * k';
  const call = `return mmPacked(${aBase}, bOff, j, k, m, n);`;
  const native = {
    name: 'mmPacked',
    source: packedSource(s, k4),
    returnType: 'Number',
    argumentTypes: ['Number', 'Number', 'Number', 'Number', 'Number', 'Number'],
  };
  const p = program(
    `matmulPacked|${s.batch.length}|${s.transA}|${s.transB}|${k4}|${s.transA && s.m % 4 === 0}`,
    ['a', 'b'],
    uniforms,
    `${head}${call}`,
    productOf(s) * s.m * s.n,
  );
  return { ...p, nativeFunctions: [native] };
}

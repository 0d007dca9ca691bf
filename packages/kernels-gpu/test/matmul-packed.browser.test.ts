// The webgl2 matmul that computes four outputs per texel (GLSL texel fetches) against a float64 reference: every
// transpose layout, k with and without whole texels, broadcast batch dims, and shapes that take the portable program.
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, sizeOf, stridesOf, type TensorInfo } from '@seqlab/tensor-core';
import { initGpu, type GpuFloat } from '@seqlab/kernels-gpu';
import { randomValues } from '@seqlab/test-utils/parity-suites';
import { matmulKernels } from '../src/kernels/matmul.js';
import { matmulShape, packedMatmulFits } from '../src/kernels/matmul-source.js';
import { hostFloat, readFloat, releaseFloat } from '../src/storage.js';

beforeAll(async () => {
  await initGpu();
});

/** Element (r, c) of the matrix `index` (flat over the batch dims) of a row-major `[..., rows, cols]` array. */
function at(v: Float32Array, rows: number, cols: number, index: number, r: number, c: number): number {
  return v[index * rows * cols + r * cols + c];
}

/** The batched product in float64, broadcasting the batch dims right-aligned. */
function reference(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], transA: boolean, transB: boolean, outShape: number[]): Float64Array {
  const rank = outShape.length;
  const [m, n] = outShape.slice(-2);
  const k = transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const batch = outShape.slice(0, -2);
  const out = new Float64Array(sizeOf(outShape));
  const matrixIndex = (own: number[], coords: number[]): number => {
    const dims = own.slice(0, -2);
    const strides = stridesOf(dims);
    return dims.reduce((acc, d, i) => acc + (d === 1 ? 0 : coords[coords.length - dims.length + i] * strides[i]), 0);
  };
  for (let t = 0; t < sizeOf(batch); t++) {
    const coords = batch.map((_, d) => Math.floor(t / sizeOf(batch.slice(d + 1))) % batch[d]);
    const ai = matrixIndex(aShape, coords);
    const bi = matrixIndex(bShape, coords);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? at(a, k, m, ai, p, i) : at(a, m, k, ai, i, p);
          const bv = transB ? at(b, n, k, bi, j, p) : at(b, k, n, bi, p, j);
          acc += av * bv;
        }
        out[t * m * n + i * n + j] = acc;
      }
  }
  void rank;
  return out;
}

const CASES: { a: number[]; b: number[]; transA: boolean; transB: boolean; out: number[] }[] = [];
for (const [transA, transB] of [
  [false, false],
  [true, false],
  [false, true],
] as const) {
  // m = 8 gives transposed A whole-texel rows; m = 5 does not.
  for (const m of [5, 8])
    for (const k of [1, 3, 8, 13, 64]) {
      const n = 8;
      CASES.push({ a: transA ? [k, m] : [m, k], b: transB ? [n, k] : [k, n], transA, transB, out: [m, n] });
    }
  // Broadcast batch: A [2, 1, ...] against B [3, ...].
  CASES.push({ a: transA ? [2, 1, 12, 3] : [2, 1, 3, 12], b: transB ? [3, 4, 12] : [3, 12, 4], transA, transB, out: [2, 3, 3, 4] });
  CASES.push({ a: transA ? [2, 1, 9, 4] : [2, 1, 4, 9], b: transB ? [3, 8, 9] : [3, 9, 8], transA, transB, out: [2, 3, 4, 8] });
  // n not a multiple of 4: the portable program.
  CASES.push({ a: transA ? [7, 6] : [6, 7], b: transB ? [5, 7] : [7, 5], transA, transB, out: [6, 5] });
}

describe('matmul on webgl2', () => {
  for (const c of CASES) {
    const layout = `${c.transA ? 't' : 'n'}${c.transB ? 't' : 'n'}`;
    const s = matmulShape(c.a, c.b, c.transA, c.transB, c.out);
    it(`${layout} [${c.a}]·[${c.b}] → [${c.out}] (${packedMatmulFits(s) ? 'four outputs per texel' : 'portable program'}) matches float64`, () => {
      const gen = new Generator(sizeOf(c.a) + 7 * sizeOf(c.b));
      const av = Float32Array.from(randomValues(gen, sizeOf(c.a), -1, 1));
      const bv = Float32Array.from(randomValues(gen, sizeOf(c.b), -1, 1));
      const info = (h: GpuFloat, shape: number[]): TensorInfo => ({ handle: h, shape, dtype: 'float32' }) as unknown as TensorInfo;
      const a = hostFloat('test', av),
        b = hostFloat('test', bv);
      const out = matmulKernels.matmul(info(a, c.a), info(b, c.b), c.transA, c.transB, c.out) as GpuFloat;
      const got = readFloat('test', out);
      const want = reference(av, c.a, bv, c.b, c.transA, c.transB, c.out);
      expect(got.length).toBe(want.length);
      const k = s.k;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(4 * k * 2 ** -24 + 1e-7);
      for (const h of [a, b, out]) releaseFloat(h);
    });
  }
});

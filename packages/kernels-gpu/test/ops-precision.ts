// Regression tests for the precision traps the gpu reduction, softmax, matmul and indexing kernels design around, run
// in the browser (WebGL2) and in Node (gpu.js webasm); each compares against a float64 reference computed here.
import { describe, expect, it } from 'vitest';
import {
  argmax,
  argmin,
  concat,
  gather,
  Generator,
  logSoftmax,
  matmul,
  max,
  min,
  scatterAdd,
  softmax,
  sum,
  tensor,
  transpose,
  zeros,
  type Tensor,
} from '@seqlab/tensor-core';
import { compileCount } from '@seqlab/kernels-gpu';
import { expectClose, randomValues } from '@seqlab/test-utils/parity-suites';

const backend = 'gpu';
const EPS32 = 2 ** -24;

/** A float32 tensor on gpu from float64 values (rounded on upload) and the float32 values it holds. */
function onGpu(values: ArrayLike<number>, shape: number[]): { t: Tensor; v: Float32Array } {
  const v = Float32Array.from(values);
  return { t: tensor(v, shape, { backend }), v };
}

/** float64 sum of float32 values. */
function sum64(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** What one thread summing `v` in order in float32 would give (the trap the tree avoids). */
function runningSum32(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = Math.fround(s + v[i]);
  return s;
}

/** The precision regression tests, on the registered `gpu` backend (initialised by the caller). */
export function opsPrecisionSuite(): void {
  describe('long sums are trees, not running sums', () => {
    it('sums 2^17 uniform values to within float32 tree-sum error (a running sum drifts 10× further)', () => {
      const n = 1 << 17;
      const { t, v } = onGpu(randomValues(new Generator(1), n, 0, 1), [n]);
      const exact = sum64(v);
      const got = sum(t).item();
      const treeError = Math.abs(got - exact) / exact;
      const runningError = Math.abs(runningSum32(v) - exact) / exact;
      // Three stages of ~51-element windows, each folded in blocks of 8: about 6 roundings deep, each ≤ 2^-24 relative.
      expect(treeError).toBeLessThan(8 * EPS32);
      expect(runningError).toBeGreaterThan(10 * treeError);
    });

    it('sums 2^20 copies of 0.1 (every rounding in one direction) to float32 rounding', () => {
      const n = 1 << 20;
      const got = sum(tensor(new Float32Array(n).fill(0.1), [n], { backend })).item();
      const exact = n * Math.fround(0.1);
      expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
      expect(Math.abs(runningSum32(new Float32Array(n).fill(0.1)) - exact) / exact).toBeGreaterThan(1e-4);
    });

    it('reduces a long middle axis with a kept inner axis and several axis runs at once', () => {
      const shape = [3, 700, 2, 5];
      const { t, v } = onGpu(randomValues(new Generator(2), 3 * 700 * 2 * 5, -1, 1), shape);
      const want = new Float64Array(2);
      for (let a = 0; a < 3; a++)
        for (let k = 0; k < 700; k++) for (let c = 0; c < 2; c++) for (let e = 0; e < 5; e++) want[c] += v[((a * 700 + k) * 2 + c) * 5 + e];
      expectClose(sum(t, [0, 1, 3]), want, { rtol: 1e-5, atol: 1e-5, shape: [2] });
    });

    it('keeps NaN and -Infinity through every stage of max and min over 5,000 elements', () => {
      const n = 5000;
      const values = randomValues(new Generator(3), n, -1, 1);
      for (const at of [0, 1234, n - 1]) {
        const withNaN = Float32Array.from(values);
        withNaN[at] = NaN;
        expect(max(tensor(withNaN, [n], { backend })).item()).toBeNaN();
        expect(min(tensor(withNaN, [n], { backend })).item()).toBeNaN();
      }
      expect(max(tensor(new Float32Array(n).fill(-Infinity), [n], { backend })).item()).toBe(-Infinity);
      expect(min(tensor(new Float32Array(n).fill(Infinity), [n], { backend })).item()).toBe(Infinity);
    });
  });

  describe('argmax / argmin over long axes', () => {
    it('return the first index of a tie and of the first NaN across stage boundaries', () => {
      const n = 3000;
      const v = new Float32Array(n).fill(1);
      // Ties for the maximum in different windows of every stage: the first wins.
      v[2999] = 5;
      v[1777] = 5;
      v[2100] = 5;
      v[300] = -5;
      v[2500] = -5;
      expect(argmax(tensor(v, [n], { backend })).item()).toBe(1777);
      expect(argmin(tensor(v, [n], { backend })).item()).toBe(300);
      v[2222] = NaN;
      v[2900] = NaN;
      expect(argmax(tensor(v, [n], { backend })).item()).toBe(2222);
      expect(argmin(tensor(v, [n], { backend })).item()).toBe(2222);
    });

    it('agree with a reference along a strided axis', () => {
      const shape = [2, 600, 3];
      const values = Float32Array.from(randomValues(new Generator(4), 3600, -3, 3), Math.round);
      const x = tensor(values, shape, { backend });
      const want = [];
      for (let a = 0; a < 2; a++)
        for (let c = 0; c < 3; c++) {
          let bi = 0;
          for (let k = 1; k < 600; k++) if (values[(a * 600 + k) * 3 + c] > values[(a * 600 + bi) * 3 + c]) bi = k;
          want.push(bi);
        }
      expect(Array.from(argmax(x, 1).dataSync())).toEqual(want);
    });
  });

  describe('softmax', () => {
    it('stays finite for ±80 and ±100 logits (exp(100) overflows float32 without the max shift)', () => {
      const logits = [80, -80, 0, 79.5, -80, 80, 100, -100, 99];
      const x = tensor(logits, [3, 3], { backend });
      const want = [0, 1, 2].flatMap((r) => {
        const row = logits.slice(3 * r, 3 * r + 3);
        const m = Math.max(...row);
        const s = row.reduce((acc, l) => acc + Math.exp(l - m), 0);
        return row.map((l) => Math.exp(l - m) / s);
      });
      const y = softmax(x, 1).dataSync();
      expect(Array.from(y).every(Number.isFinite)).toBe(true);
      expectClose(y, want, { rtol: 1e-5, atol: 1e-7 });
      expectClose(logSoftmax(x, 1), want.map(Math.log), { rtol: 1e-5, atol: 1e-5 });
      expect(Math.fround(Math.exp(100))).toBe(Infinity);
    });

    it('gives NaN for a row of -Infinity in log-softmax, as on cpu (log(0) is -88, not -Infinity, on SwiftShader)', () => {
      const x = tensor([-Infinity, -Infinity, -Infinity, 0, -Infinity, 1], [2, 3], { backend });
      const y = Array.from(logSoftmax(x, 1).dataSync());
      expect(y.slice(0, 3).every(Number.isNaN)).toBe(true);
      expectClose(y.slice(3), [-1 - Math.log1p(Math.exp(-1)), -Infinity, -Math.log1p(Math.exp(-1))]);
      expect(Array.from(softmax(x, 1).dataSync()).slice(0, 3).every(Number.isNaN)).toBe(true);
    });

    it('normalises along a strided axis of 700 (two stages, three interleaved rows)', () => {
      const { t, v } = onGpu(randomValues(new Generator(12), 700 * 3, -40, 40), [700, 3]);
      const want = new Float64Array(2100);
      for (let c = 0; c < 3; c++) {
        let m = -Infinity;
        for (let k = 0; k < 700; k++) m = Math.max(m, v[k * 3 + c]);
        let s = 0;
        for (let k = 0; k < 700; k++) s += Math.exp(v[k * 3 + c] - m);
        for (let k = 0; k < 700; k++) want[k * 3 + c] = v[k * 3 + c] - m - Math.log(s);
      }
      expectClose(logSoftmax(t, 0), want, { rtol: 1e-5, atol: 1e-5 });
    });

    it('normalises a row of 70,000 logits (a three-stage exp-sum) to within float32 tree error', () => {
      const n = 70_000;
      const { t, v } = onGpu(randomValues(new Generator(5), n, -30, 30), [1, n]);
      const y = softmax(t, 1).dataSync();
      let m = -Infinity;
      for (const x of v) m = Math.max(m, x);
      let s = 0;
      for (const x of v) s += Math.exp(x - m);
      const want = Array.from(v, (x) => Math.exp(x - m) / s);
      expectClose(y, want, { rtol: 1e-5, atol: 1e-9 });
      expect(Math.abs(sum64(y) - 1)).toBeLessThan(1e-5);
    });
  });

  describe('matmul', () => {
    for (const k of [1000, 5000]) {
      it(`contracts K=${k}${k > 1024 ? ' (split-K plus a sum tree)' : ' (blocked dot product)'} to float32 rounding against float64`, () => {
        const m = 3,
          n = 4;
        const a = onGpu(randomValues(new Generator(k), m * k, -1, 1), [m, k]);
        const b = onGpu(randomValues(new Generator(k + 1), k * n, -1, 1), [k, n]);
        const got = matmul(a.t, b.t).dataSync();
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let exact = 0,
              magnitude = 0;
            for (let p = 0; p < k; p++) {
              exact += a.v[i * k + p] * b.v[p * n + j];
              magnitude += Math.abs(a.v[i * k + p] * b.v[p * n + j]);
            }
            // Blocked summation: error ≤ (2√K + 2)·ε·Σ|aᵢbᵢ|; allow 4√K.
            expect(Math.abs(got[i * n + j] - exact)).toBeLessThanOrEqual(4 * Math.sqrt(k) * EPS32 * magnitude);
          }
      });
    }
  });

  describe('indexing and movement at sizes that take several passes', () => {
    it('scatterAdd sums 1,000 duplicates of one index in index order, exactly as a sequential float32 loop', () => {
      const count = 1000;
      const updates = Float32Array.from(randomValues(new Generator(6), count * 2, -1, 1));
      const indices = new Int32Array(count).map((_, j) => (j % 10 === 0 ? 1 : 0));
      const out = scatterAdd(zeros([3, 2], { backend }), tensor(indices, [count], { dtype: 'int32', backend }), tensor(updates, [count, 2], { backend }), 0);
      const want = new Float32Array(6);
      for (let j = 0; j < count; j++) for (let c = 0; c < 2; c++) want[indices[j] * 2 + c] = Math.fround(want[indices[j] * 2 + c] + updates[j * 2 + c]);
      expect(Array.from(out.dataSync())).toEqual(Array.from(want));
    });

    it('concatenates 20 inputs, 4 of them empty (three passes of at most eight textures)', () => {
      const lengths = Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));
      const parts = lengths.map((len, i) => onGpu(randomValues(new Generator(100 + i), 2 * len * 3), [2, len, 3]));
      const out = concat(
        parts.map((p) => p.t),
        1,
      );
      const want: number[] = [];
      for (let a = 0; a < 2; a++) parts.forEach((p, i) => want.push(...p.v.slice(a * lengths[i] * 3, (a + 1) * lengths[i] * 3)));
      expect(out.shape).toEqual([2, lengths.reduce((acc, len) => acc + len, 0), 3]);
      expect(Array.from(out.dataSync())).toEqual(want);
    });
  });

  it('compiles nothing the second time the same shapes run, nor for new shapes of the same ranks', () => {
    const step = (rows: number, k: number, cols: number, seed: number): void => {
      const x = onGpu(randomValues(new Generator(seed), rows * k), [rows, k]).t;
      const w = onGpu(randomValues(new Generator(seed + 1), k * cols), [k, cols]).t;
      const indices = tensor([0, rows - 1, 0], [3], { dtype: 'int32', backend });
      for (const t of [softmax(matmul(x, w), 1), logSoftmax(x, 0), sum(x, 1), argmax(x, 1), max(x, 0), transpose(x), gather(x, indices, 0), concat([x, x], 1)])
        t.dispose();
    };
    step(2, 300, 5, 7);
    const before = compileCount();
    step(2, 300, 5, 7);
    expect(compileCount()).toBe(before);
    // Sizes are uniforms: other sizes reuse every compiled kernel.
    step(3, 200, 9, 9);
    step(5, 77, 1, 11);
    expect(compileCount()).toBe(before);
  });
}

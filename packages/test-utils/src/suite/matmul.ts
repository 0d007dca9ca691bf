// Backend-agnostic suite for matmul: transpose flags, broadcast batches, 1-D operands, odd and blocked sizes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator, matmul, tensor, type DType, type Shape, type Tensor } from '@seqlab/tensor-core';
import { storedDTypes, widestFloat } from './backend-dtypes.js';
import { expectClose, randomTensor, unravel, broadcastIndex } from './harness.js';
import { broadcastAll, seedArb } from './math-arbitraries.js';

/** Naive float64 `op(a)·op(b)` with NumPy 1-D and batch-broadcast rules; returns the result shape and values. */
export function matmulReference(a: Tensor, b: Tensor, transA = false, transB = false): { shape: number[]; data: Float64Array } {
  const av = a.dataSync(),
    bv = b.dataSync();
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const tA = a.rank > 1 && transA,
    tB = b.rank > 1 && transB;
  const ar = aShape.length,
    br = bShape.length;
  const m = tA ? aShape[ar - 1] : aShape[ar - 2],
    k = tA ? aShape[ar - 2] : aShape[ar - 1];
  const n = tB ? bShape[br - 2] : bShape[br - 1];
  const aBatch = aShape.slice(0, -2),
    bBatch = bShape.slice(0, -2);
  const batch = broadcastAll([aBatch, bBatch]);
  let batches = 1;
  for (const d of batch) batches *= d;
  const data = new Float64Array(batches * m * n);
  for (let t = 0; t < batches; t++) {
    const idx = unravel(t, batch);
    const ao = broadcastIndex(idx, aBatch) * m * k,
      bo = broadcastIndex(idx, bBatch) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[ao + (tA ? p * m + i : i * k + p)] * bv[bo + (tB ? j * k + p : p * n + j)];
        data[(t * m + i) * n + j] = s;
      }
    }
  }
  const shape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
  return { shape, data };
}

function operandShape(batch: Shape, rows: number, cols: number, trans: boolean): number[] {
  return [...batch, ...(trans ? [cols, rows] : [rows, cols])];
}

/** Tolerance for a k-term float32 dot product against float64 (rounding grows with √k·max|term|). */
function tolFor(dtype: DType, k: number): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 * Math.max(1, Math.sqrt(k)) * 4 };
}

/** matmul, run against `backend`. */
export function matmulSuite(backend: string): void {
  const floats = storedDTypes(backend, ['float32', 'float64']);
  const widest = widestFloat(backend);

  describe('matmul', () => {
    const combos = [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const;

    for (const [transA, transB] of combos) {
      it(`matches the reference for sizes 1, 3, 17, 65, 130 and more (transA=${transA}, transB=${transB})`, () => {
        const gen = new Generator(17);
        for (const dtype of floats) {
          for (const [m, k, n] of [
            [1, 1, 1],
            [3, 17, 65],
            [65, 3, 17],
            [17, 65, 3],
            [130, 65, 17],
            [65, 130, 130],
            [130, 300, 5],
            [4, 4, 4],
            [17, 1, 130],
            [130, 17, 1],
          ]) {
            const a = randomTensor(gen, operandShape([], m, k, transA), backend, dtype);
            const b = randomTensor(gen, operandShape([], k, n, transB), backend, dtype);
            const ref = matmulReference(a, b, transA, transB);
            const out = matmul(a, b, { transA, transB });
            expect(out.dtype).toBe(dtype);
            expectClose(out, ref.data, { ...tolFor(dtype, k), shape: ref.shape });
          }
        }
      });
    }

    it('crosses the k, m and n cache blocks (k > 256, m > 128, n > 1024)', () => {
      const gen = new Generator(3);
      for (const [m, k, n, transA, transB] of [
        [131, 600, 9, false, false],
        [7, 9, 1030, true, true],
        [129, 257, 33, true, false],
      ] as const) {
        const a = randomTensor(gen, operandShape([], m, k, transA), backend, widest);
        const b = randomTensor(gen, operandShape([], k, n, transB), backend, widest);
        expectClose(matmul(a, b, { transA, transB }), matmulReference(a, b, transA, transB).data, tolFor(widest, k));
      }
    });

    it('broadcasts batch dimensions and handles 1-D operands (property)', () => {
      const dim = fc.integer({ min: 1, max: 6 });
      const batchDims = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
      fc.assert(
        fc.property(
          batchDims,
          fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
          fc.tuple(dim, fc.integer({ min: 0, max: 6 }), dim),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom(0, 1, 2, 3),
          seedArb,
          fc.constantFrom(...floats),
          (batch, ones, [m, k, n], transA, transB, vectors, seed, dtype) => {
            const gen = new Generator(seed);
            // Each operand drops leading batch dims or has size-1 dims, per the drawn flags.
            const aBatch = batch.slice(ones[0] ? 1 : 0).map((d, i) => (ones[i + 2] ? 1 : d));
            const bBatch = batch.slice(ones[1] ? batch.length : 0).map((d, i) => (ones[5 - i] ? 1 : d));
            const aShape = vectors & 1 ? [k] : operandShape(aBatch, m, k, transA);
            const bShape = vectors & 2 ? [k] : operandShape(bBatch, k, n, transB);
            const a = randomTensor(gen, aShape, backend, dtype);
            const b = randomTensor(gen, bShape, backend, dtype);
            const ref = matmulReference(a, b, transA, transB);
            expectClose(matmul(a, b, { transA, transB }), ref.data, { ...tolFor(dtype, k), shape: ref.shape });
          },
        ),
        { numRuns: 150 },
      );
    });

    it('follows NumPy 1-D rules and empty contractions', () => {
      const v = tensor([1, 2, 3], undefined, { backend });
      const mtx = tensor(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        undefined,
        { backend },
      );
      expect(matmul(v, v).shape).toEqual([]);
      expect(matmul(v, v).item()).toBe(14);
      expect(matmul(v, mtx).toArray()).toEqual([4, 5]);
      expect(matmul(mtx, tensor([1, 2], undefined, { backend })).toArray()).toEqual([1, 2, 3]);
      expect(matmul(v, mtx, { transA: true }).toArray()).toEqual([4, 5]);
      expect(matmul(tensor([], [2, 0], { backend }), tensor([], [0, 3], { backend })).toArray()).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
      expect(matmul(tensor([], [0, 2, 3], { backend }), tensor(new Array(12).fill(1), [3, 4], { backend })).shape).toEqual([0, 2, 4]);
    });

    it('rejects mismatched shapes, dtypes and flags with typed errors', () => {
      const a = tensor([[1, 2, 3]], undefined, { backend });
      const b = tensor([[1, 2]], undefined, { backend });
      expect(() => matmul(a, b)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('[1, 3]') }));
      expect(() => matmul(a, b)).toThrow(/contributes 3.*contributes 1/);
      expect(matmul(a, b, { transA: true }).shape).toEqual([3, 2]);
      expect(() => matmul(tensor(1, undefined, { backend }), a)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
      expect(() => matmul(tensor([[[1]], [[2]]], undefined, { backend }), tensor([[[1]], [[2]], [[3]]], undefined, { backend }))).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
      );
      for (const other of storedDTypes(backend, ['float64', 'int32'])) {
        expect(() => matmul(a, tensor([[1], [2], [3]], undefined, { dtype: other, backend }))).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      }
      const i = tensor([[1]], undefined, { dtype: 'int32', backend });
      expect(() => matmul(i, i)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => matmul(a, b, { transA: 1 as unknown as boolean })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });
}

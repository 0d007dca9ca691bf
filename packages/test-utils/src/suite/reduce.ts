// Backend-agnostic suite for reductions: sum, prod, max, min, mean, variance, logSumExp, argmax, argmin.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, argmin, Generator, logSumExp, max, mean, min, prod, sum, tensor, variance, type DType, type Shape } from '@seqlab/tensor-core';
import { storedDTypeArb, storedDTypes, widestFloat } from './backend-dtypes.js';
import { expectClose, F32, randomTensor, unravel } from './harness.js';
import { seedArb, shapeAndAxesArb } from './math-arbitraries.js';

type Fold = (values: number[]) => number;

const folds: Record<'sum' | 'prod' | 'max' | 'min', Fold> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  prod: (v) => v.reduce((a, b) => a * b, 1),
  max: (v) => v.reduce((a, b) => (Number.isNaN(a) || b > a || Number.isNaN(b) ? b : a)),
  min: (v) => v.reduce((a, b) => (Number.isNaN(a) || b < a || Number.isNaN(b) ? b : a)),
};

/** Naive float64 reduction: groups every input element by its output index. */
export function reduceReference(values: ArrayLike<number>, shape: Shape, axes: readonly number[], fold: Fold): { shape: number[]; data: number[] } {
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
  const outShape = shape.filter((_, d) => !norm.includes(d));
  let outSize = 1;
  for (const d of outShape) outSize *= d;
  const groups: number[][] = Array.from({ length: outSize }, () => []);
  const size = values.length;
  for (let i = 0; i < size; i++) {
    const idx = unravel(i, shape);
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!norm.includes(d)) o = o * shape[d] + idx[d];
    groups[o].push(values[i]);
  }
  return { shape: outShape, data: groups.map(fold) };
}

function keptShape(shape: Shape, axes: readonly number[]): number[] {
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
  return shape.map((d, i) => (norm.includes(i) ? 1 : d));
}

/** Reductions, run against `backend`. */
export function reduceSuite(backend: string): void {
  const ops = { sum, prod, max, min } as const;

  describe('sum / prod / max / min', () => {
    for (const name of ['sum', 'prod', 'max', 'min'] as const) {
      for (const dtype of storedDTypes(backend, ['float32', 'float64', 'int32'])) {
        it(`${name} (${dtype}) matches a float64 reference on random shapes and axes`, () => {
          fc.assert(
            fc.property(shapeAndAxesArb({ minDim: name === 'max' || name === 'min' ? 1 : 0 }), seedArb, fc.boolean(), ({ shape, axes }, seed, keepDims) => {
              // prod of many values in [-2, 2) can be huge; narrow the range so float32 stays well-conditioned.
              const range = name === 'prod' ? [0.5, 1.5] : [-2, 2];
              const x = randomTensor(new Generator(seed), shape, backend, dtype, range[0], range[1]);
              const ref = reduceReference(x.dataSync(), shape, axes, folds[name]);
              const out = ops[name](x, axes, keepDims);
              expect(out.dtype).toBe(dtype);
              const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : dtype === 'int32' ? { rtol: 0, atol: 0 } : { rtol: 1e-5, atol: 1e-5 };
              expectClose(out, ref.data, { ...tol, shape: keepDims ? keptShape(shape, axes) : ref.shape });
            }),
            { numRuns: 60 },
          );
        });
      }
    }

    it('reduces all axes when axes are omitted, and none for an empty list (a copy)', () => {
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        undefined,
        { backend },
      );
      expect(sum(x).toArray()).toBe(21);
      expect(sum(x, undefined, true).toArray()).toEqual([[21]]);
      expect(max(x).item()).toBe(6);
      expect(min(x, -1).toArray()).toEqual([1, 4]);
      expect(prod(x, 0).toArray()).toEqual([4, 10, 18]);
      const same = sum(x, []);
      expect(same.toArray()).toEqual(x.toArray());
      expect(same).not.toBe(x);
      expect(sum(tensor(5, undefined, { backend })).item()).toBe(5);
    });

    it('gives the identity for an empty dimension and throws for max/min of one', () => {
      const e = tensor([], [2, 0], { backend });
      expect(sum(e, 1).toArray()).toEqual([0, 0]);
      expect(prod(e, 1).toArray()).toEqual([1, 1]);
      expect(sum(e, 0).shape).toEqual([0]);
      expect(max(e, 0).shape).toEqual([0]);
      expect(() => max(e, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => min(e)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });

    it('propagates NaN through max and min', () => {
      const x = tensor(
        [
          [1, NaN, 3],
          [4, 5, 6],
        ],
        undefined,
        { backend },
      );
      expect(max(x, 1).dataSync()[0]).toBeNaN();
      expect(min(x, 1).dataSync()[0]).toBeNaN();
      expect(max(x, 1).dataSync()[1]).toBe(6);
    });

    it('accumulates float32 sums in float64', () => {
      const n = 1 << 20;
      const values = new Float32Array(n).fill(0.1);
      const s = sum(tensor(values, undefined, { backend })).item();
      // A float32 running sum of 2^20 × 0.1 drifts by ~1%; a float64 accumulator stays at float32 rounding.
      expect(Math.abs(s - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-6);
    });

    it('wraps int32 products like int32 arithmetic', () => {
      const x = tensor([65536, 65536, 3], undefined, { dtype: 'int32', backend });
      expect(prod(x).item()).toBe(0);
      expect(sum(tensor([2147483647, 1], undefined, { dtype: 'int32', backend })).item()).toBe(-2147483648);
    });
  });

  describe('mean / variance / logSumExp', () => {
    // float64 where the backend stores it (tight bounds); float32 otherwise, at the goldens README's float32 bounds.
    const widest = widestFloat(backend);
    const [meanTol, varTol, lseTol] =
      widest === 'float64'
        ? [
            { rtol: 1e-12, atol: 1e-12 },
            { rtol: 1e-10, atol: 1e-12 },
            { rtol: 1e-12, atol: 1e-12 },
          ]
        : [F32, F32, F32];
    it(`match float64 references on random shapes and axes (${widest})`, () => {
      fc.assert(
        fc.property(shapeAndAxesArb({ minDim: 1 }), seedArb, fc.boolean(), fc.constantFrom(0, 1), ({ shape, axes }, seed, keepDims, correction) => {
          const x = randomTensor(new Generator(seed), shape, backend, widest);
          const v = x.dataSync();
          const m = reduceReference(v, shape, axes, (g) => g.reduce((a, b) => a + b, 0) / g.length);
          const outShape = keepDims ? keptShape(shape, axes) : m.shape;
          expectClose(mean(x, axes, keepDims), m.data, { ...meanTol, shape: outShape });
          const varRef = reduceReference(v, shape, axes, (g) => {
            const mu = g.reduce((a, b) => a + b, 0) / g.length;
            return g.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(0, g.length - correction);
          });
          expectClose(variance(x, axes, { keepDims, correction }), varRef.data, { ...varTol, shape: outShape });
          const lseRef = reduceReference(v, shape, axes, (g) => Math.log(g.reduce((a, b) => a + Math.exp(b), 0)));
          expectClose(logSumExp(x, axes, keepDims), lseRef.data, { ...lseTol, shape: outShape });
        }),
        { numRuns: 80 },
      );
    });

    it('logSumExp does not overflow and handles -Infinity and empty slices', () => {
      const x = tensor(
        [
          [1000, 1000],
          [-Infinity, -Infinity],
          [-1000, -1001],
        ],
        undefined,
        { backend },
      );
      expectClose(logSumExp(x, 1), [1000 + Math.LN2, -Infinity, -1000 + Math.log1p(Math.exp(-1))]);
      expect(logSumExp(tensor([], [3, 0], { backend }), 1).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
      expect(logSumExp(tensor([Infinity, 1], undefined, { backend })).item()).toBe(Infinity);
    });

    it('mean of an empty dimension is NaN and variance with too few elements is not finite', () => {
      expect(mean(tensor([], [0], { backend })).item()).toBeNaN();
      expect(Number.isFinite(variance(tensor([3], undefined, { backend })).item())).toBe(false);
      expect(variance(tensor([3], undefined, { backend }), undefined, { correction: 0 }).item()).toBe(0);
    });

    it('rejects integer tensors where a float result is required', () => {
      const i = tensor([1, 2], undefined, { dtype: 'int32', backend });
      expect(() => mean(i)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => variance(i)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => logSumExp(i)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    });
  });

  describe('argmax / argmin', () => {
    for (const name of ['argmax', 'argmin'] as const) {
      const op = name === 'argmax' ? argmax : argmin;
      it(`${name} matches a reference along every axis and flattened`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
            seedArb,
            fc.boolean(),
            fc.nat(),
            storedDTypeArb(backend, ['float32', 'int32', 'float64']),
            (shape, seed, keepDims, axisPick, dtype) => {
              // int32 values in a small range make ties common, which tests "first on ties".
              const x = randomTensor(new Generator(seed), shape, backend, dtype, -3, 3);
              const v = x.dataSync();
              const better = (a: number, b: number): boolean => (name === 'argmax' ? a > b : a < b);
              const best = (g: number[]): number => g.reduce((bi, val, i) => (better(val, g[bi]) ? i : bi), 0);
              const flat = op(x, undefined, keepDims);
              expect(flat.dtype).toBe('int32');
              expect([...flat.shape]).toEqual(keepDims ? shape.map(() => 1) : []);
              expect(flat.dataSync()[0]).toBe(best(Array.from(v)));
              if (shape.length === 0) return;
              const axis = axisPick % shape.length;
              const ref = reduceReference(v, shape, [axis], best);
              expectClose(op(x, axis, keepDims), ref.data, { rtol: 0, atol: 0, shape: keepDims ? keptShape(shape, [axis]) : ref.shape });
            },
          ),
          { numRuns: 80 },
        );
      });
    }

    it('treats NaN as the extreme, first NaN wins', () => {
      const x = tensor(
        [
          [1, NaN, 5, NaN],
          [2, 3, 1, 0],
        ],
        undefined,
        { backend },
      );
      expect(argmax(x, 1).toArray()).toEqual([1, 1]);
      expect(argmin(x, 1).toArray()).toEqual([1, 3]);
      expect(argmax(x, 0).toArray()).toEqual([1, 0, 0, 0]);
    });

    it('throws for an empty dimension', () => {
      expect(() => argmax(tensor([], [2, 0], { backend }), 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => argmin(tensor([], [0], { backend }))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });
}

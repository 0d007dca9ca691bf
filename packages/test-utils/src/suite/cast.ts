// Backend-agnostic suite for cast between float32, float64, int32 and bool.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cast, tensor, truncToInt32, type DType } from '@seqlab/tensor-core';
import { ALL_DTYPES, storedDTypes, stores } from './backend-dtypes.js';
import { shapeArb } from './math-arbitraries.js';

/** What one value becomes when stored as `dtype` (the PyTorch conversion rules). */
function convert(v: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'int32':
      return truncToInt32(v);
    case 'float32':
      return Math.fround(v);
    default:
      return v;
  }
}

/** cast, run against `backend`. */
export function castSuite(backend: string): void {
  const DTYPES = storedDTypes(backend, ['float32', 'float64', 'int32', 'bool']);

  describe('cast', () => {
    it('converts between every pair of dtypes like PyTorch (property)', () => {
      const value = fc.oneof(
        fc.integer({ min: -1000, max: 1000 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(0, -0, 0.5, -0.5, 1.5, -2.5),
      );
      fc.assert(
        fc.property(
          shapeArb({ maxRank: 3, maxDim: 4 }),
          fc.constantFrom(...DTYPES),
          fc.constantFrom(...DTYPES),
          fc.infiniteStream(value),
          (shape, from, to, stream) => {
            let size = 1;
            for (const d of shape) size *= d;
            const raw = Array.from(stream.take(size));
            const values = raw.map((v) => (from === 'bool' ? (v > 0 ? 1 : 0) : from === 'int32' ? Math.trunc(v) : v));
            const x = tensor(values, shape, { dtype: from, backend });
            const source = x.dataSync();
            const y = cast(x, to);
            expect(y.dtype).toBe(to);
            expect([...y.shape]).toEqual(shape);
            const expected = Array.from(source, (v) => convert(v, to));
            expect(Array.from(y.dataSync())).toEqual(expected);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('truncates toward zero, maps NaN to true, and keeps the same dtype free', () => {
      expect(cast(tensor([-1.7, -0.5, 0.5, 2.9], undefined, { backend }), 'int32').toArray()).toEqual([-1, 0, 0, 2]);
      expect(cast(tensor([0, NaN, -0, 1e-30], undefined, { backend }), 'bool').toArray()).toEqual([false, true, false, true]);
      expect(cast(tensor([true, false], undefined, { backend }), 'float32').toArray()).toEqual([1, 0]);
      const x = tensor([1, 2], undefined, { backend });
      const same = cast(x, 'float32');
      expect(same).not.toBe(x);
      expect(same.toArray()).toEqual([1, 2]);
      if (stores(backend, 'float64')) {
        expect(cast(tensor(0.1, undefined, { dtype: 'float64', backend }), 'float32').item()).toBe(Math.fround(0.1));
      }
    });

    const missing = ALL_DTYPES.filter((d) => !stores(backend, d));
    if (missing.length > 0) {
      it(`names the backend when asked for a dtype it does not store (${missing.join(', ')})`, () => {
        const x = tensor([1], undefined, { backend });
        for (const dtype of missing) {
          expect(() => cast(x, dtype)).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`'${backend}' cannot store dtype ${dtype}`) }),
          );
        }
      });
    }

    it('float → int32 saturates beyond the int32 range and maps NaN to 0 (the documented rule; PyTorch leaves it undefined)', () => {
      const x = tensor([3e9, -3e9, 2 ** 40, Infinity, -Infinity, NaN, 2147483647.9, -2147483648.9, -0.9], undefined, { backend });
      expect(Array.from(cast(x, 'int32').dataSync())).toEqual([2147483647, -2147483648, 2147483647, 2147483647, -2147483648, 0, 2147483647, -2147483648, 0]);
      expect([truncToInt32(-2.7), truncToInt32(2.7), truncToInt32(-0)]).toEqual([-2, 2, 0]);
    });

    it('rejects unknown dtypes and non-tensors', () => {
      const x = tensor([1], undefined, { backend });
      expect(() => cast(x, 'float16' as DType)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => cast([1] as never, 'int32')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });
}

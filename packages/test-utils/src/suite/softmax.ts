// Backend-agnostic suite for softmax and logSoftmax: PyTorch goldens, any axis, stability.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator, logSoftmax, softmax, tensor, type DType, type Shape } from '@seqlab/tensor-core';
import goldens from '../fixtures/softmax-goldens.json';
import { storedDTypeArb, storedDTypes } from './backend-dtypes.js';
import { expectClose, randomTensor } from './harness.js';
import { seedArb, shapeArb } from './math-arbitraries.js';

interface Golden {
  shape: number[];
  data: number[];
}

/** Naive float64 softmax (or log-softmax) along `axis`, slice by slice. */
export function softmaxReference(values: ArrayLike<number>, shape: Shape, axis: number, logForm: boolean): number[] {
  const out = new Array<number>(values.length);
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape.length === 0 ? 1 : shape[axis];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const idx = Array.from({ length: len }, (_, k) => (o * len + k) * inner + j);
      const m = Math.max(...idx.map((i) => values[i]));
      const s = idx.reduce((acc, i) => acc + Math.exp(values[i] - m), 0);
      for (const i of idx) out[i] = logForm ? values[i] - m - Math.log(s) : Math.exp(values[i] - m) / s;
    }
  }
  return out;
}

/** Softmax and log-softmax, run against `backend`. */
export function softmaxSuite(backend: string): void {
  const cases = goldens.cases as unknown as Record<string, { inputs: { x: Golden }; outputs: Record<string, Golden> }>;

  describe('softmax / logSoftmax', () => {
    for (const dtype of storedDTypes(backend, ['float32', 'float64'])) {
      const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-4, atol: 1e-5 };
      it(`match the PyTorch goldens (${dtype})`, () => {
        const sx = cases.softmax.inputs.x;
        expectClose(softmax(tensor(sx.data, sx.shape, { dtype, backend })), cases.softmax.outputs.y.data, { ...tol, shape: sx.shape });
        const lx = cases.log_softmax.inputs.x;
        expectClose(logSoftmax(tensor(lx.data, lx.shape, { dtype, backend }), -1), cases.log_softmax.outputs.y.data, { ...tol, shape: lx.shape });
        const st = cases.softmax_stability;
        const x = tensor(st.inputs.x.data, st.inputs.x.shape, { dtype, backend });
        expectClose(softmax(x), st.outputs.softmax.data, tol);
        expectClose(logSoftmax(x), st.outputs.log_softmax.data, tol);
      });
    }

    it('match a float64 reference along any axis of random shapes', () => {
      fc.assert(
        fc.property(shapeArb({ maxRank: 5, maxDim: 5 }), fc.nat(), seedArb, storedDTypeArb(backend, ['float32', 'float64']), (shape, axisPick, seed, dtype) => {
          const x = randomTensor(new Generator(seed), shape, backend, dtype, -20, 20);
          const axis = shape.length === 0 ? 0 : axisPick % shape.length;
          const negative = shape.length > 0 && axisPick % 2 === 1 ? axis - shape.length : axis;
          const v = x.dataSync();
          const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-4, atol: 1e-6 };
          expectClose(softmax(x, negative), softmaxReference(v, shape, axis, false), { ...tol, shape });
          expectClose(logSoftmax(x, negative), softmaxReference(v, shape, axis, true), { ...tol, shape });
        }),
        { numRuns: 100 },
      );
    });

    it('gives zero weight to -Infinity entries and NaN for an all -Infinity slice, as PyTorch', () => {
      const x = tensor(
        [
          [0, -Infinity, 0],
          [-Infinity, -Infinity, -Infinity],
        ],
        undefined,
        { backend },
      );
      const y = softmax(x).dataSync();
      expect(Array.from(y.slice(0, 3))).toEqual([0.5, 0, 0.5]);
      expect(Array.from(y.slice(3)).every(Number.isNaN)).toBe(true);
      expect(logSoftmax(x).dataSync()[1]).toBe(-Infinity);
    });

    it('keeps log-softmax exact for huge logits (the log-sum term is not lost against the shift)', () => {
      // Rows along the last axis and, transposed, along the first (the strided path).
      const rows = [
        [1e30, 1e30, 0],
        [-1e30, -1e30, -1e30],
      ];
      const want = [
        [-Math.LN2, -Math.LN2, -1e30],
        [-Math.log(3), -Math.log(3), -Math.log(3)],
      ];
      for (const dtype of storedDTypes(backend, ['float32', 'float64'])) {
        const x = tensor(rows, undefined, { dtype, backend });
        expectClose(logSoftmax(x, -1), want.flat(), { rtol: 1e-5, atol: 1e-6 });
        const xt = tensor(
          [
            [rows[0][0], rows[1][0]],
            [rows[0][1], rows[1][1]],
            [rows[0][2], rows[1][2]],
          ],
          undefined,
          { dtype, backend },
        );
        expectClose(logSoftmax(xt, 0), [want[0][0], want[1][0], want[0][1], want[1][1], want[0][2], want[1][2]], { rtol: 1e-5, atol: 1e-6 });
      }
    });

    it('handles a scalar and empty tensors', () => {
      expect(softmax(tensor(3, undefined, { backend })).item()).toBe(1);
      expect(logSoftmax(tensor(3, undefined, { backend })).item()).toBe(0);
      expect(softmax(tensor([], [2, 0], { backend }), 1).shape).toEqual([2, 0]);
      expect(softmax(tensor([], [0, 3], { backend }), 1).shape).toEqual([0, 3]);
    });

    it('reject bad axes and integer tensors', () => {
      const x = tensor([[1, 2]], undefined, { backend });
      expect(() => softmax(x, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => logSoftmax(x, 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => softmax(tensor([1, 2], undefined, { dtype: 'int32', backend }))).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    });
  });
}

// Backend-agnostic suite for elementwise ops: unary, gelu, clamp, binary arithmetic, comparisons, logic and where.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tc from '@seqlab/tensor-core';
import { Generator, tensor, type DType, type Shape, type Tensor } from '@seqlab/tensor-core';
import reference from '../fixtures/erf-gelu-reference.json';
import { storedDTypeArb, storedDTypes, stores } from './backend-dtypes.js';
import { broadcastIndex, expectClose, randomTensor, unravel } from './harness.js';
import { broadcastAll, broadcastShapesArb, seedArb, shapeArb } from './math-arbitraries.js';

const FLOAT: DType[] = ['float32', 'float64'];
const NUMERIC: DType[] = ['float32', 'float64', 'int32'];

/** Tolerance for a float result computed in float64 and stored as `dtype`. */
function tolerance(dtype: DType): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-13, atol: 1e-14 } : dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 0, atol: 0 };
}

/** What storing a float64 result as `dtype` gives (int32 truncates and wraps like an Int32Array store). */
function store(v: number, dtype: DType): number {
  return dtype === 'int32' ? v | 0 : dtype === 'float32' ? Math.fround(v) : v;
}

/** Naive reference of an elementwise op over broadcast inputs, element by element through multi-indices. */
export function elementwiseReference(
  inputs: readonly { shape: Shape; values: ArrayLike<number> }[],
  fn: (...xs: number[]) => number,
): { shape: number[]; data: number[] } {
  const shape = broadcastAll(inputs.map((i) => i.shape));
  let size = 1;
  for (const d of shape) size *= d;
  const data = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    const idx = unravel(i, shape);
    data[i] = fn(...inputs.map((t) => t.values[broadcastIndex(idx, t.shape)]));
  }
  return { shape, data };
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

interface UnarySpec {
  fn: (x: Tensor) => Tensor;
  ref: (v: number) => number;
  dtypes: DType[];
  /** Input range; ops with a restricted domain draw from inside it. */
  range: [number, number];
}

const unarySpecs: Record<string, UnarySpec> = {
  neg: { fn: tc.neg, ref: (v) => -v, dtypes: NUMERIC, range: [-3, 3] },
  abs: { fn: tc.abs, ref: Math.abs, dtypes: NUMERIC, range: [-3, 3] },
  exp: { fn: tc.exp, ref: Math.exp, dtypes: FLOAT, range: [-5, 5] },
  log: { fn: tc.log, ref: Math.log, dtypes: FLOAT, range: [0.01, 10] },
  log1p: { fn: tc.log1p, ref: Math.log1p, dtypes: FLOAT, range: [-0.9, 5] },
  sqrt: { fn: tc.sqrt, ref: Math.sqrt, dtypes: FLOAT, range: [0, 10] },
  rsqrt: { fn: tc.rsqrt, ref: (v) => 1 / Math.sqrt(v), dtypes: FLOAT, range: [0.01, 10] },
  tanh: { fn: tc.tanh, ref: Math.tanh, dtypes: FLOAT, range: [-4, 4] },
  sigmoid: { fn: tc.sigmoid, ref: (v) => 1 / (1 + Math.exp(-v)), dtypes: FLOAT, range: [-30, 30] },
  relu: { fn: tc.relu, ref: (v) => Math.max(v, 0), dtypes: NUMERIC, range: [-3, 3] },
  sin: { fn: tc.sin, ref: Math.sin, dtypes: FLOAT, range: [-7, 7] },
  cos: { fn: tc.cos, ref: Math.cos, dtypes: FLOAT, range: [-7, 7] },
  square: { fn: tc.square, ref: (v) => v * v, dtypes: NUMERIC, range: [-3, 3] },
  reciprocal: { fn: tc.reciprocal, ref: (v) => 1 / v, dtypes: FLOAT, range: [0.1, 4] },
  sign: { fn: tc.sign, ref: Math.sign, dtypes: NUMERIC, range: [-3, 3] },
  floor: { fn: tc.floor, ref: Math.floor, dtypes: FLOAT, range: [-3, 3] },
  ceil: { fn: tc.ceil, ref: Math.ceil, dtypes: FLOAT, range: [-3, 3] },
  round: { fn: tc.round, ref: roundHalfEven, dtypes: FLOAT, range: [-3, 3] },
};

type Binary = (a: tc.TensorLike, b: tc.TensorLike) => Tensor;

interface BinarySpec {
  fn: Binary;
  ref: (a: number, b: number) => number;
  /** Range of the second operand; the first draws from [-3, 3) (or (0.1, 3) where noted). */
  rangeB: [number, number];
  positiveA?: boolean;
  /** int32 second operands must avoid zero (division). */
  nonZeroB?: boolean;
}

const binarySpecs: Record<string, BinarySpec> = {
  add: { fn: tc.add, ref: (a, b) => a + b, rangeB: [-3, 3] },
  sub: { fn: tc.sub, ref: (a, b) => a - b, rangeB: [-3, 3] },
  mul: { fn: tc.mul, ref: (a, b) => a * b, rangeB: [-3, 3] },
  div: { fn: tc.div, ref: (a, b) => a / b, rangeB: [0.25, 3], nonZeroB: true },
  pow: { fn: tc.pow, ref: Math.pow, rangeB: [0, 3], positiveA: true },
  maximum: { fn: tc.maximum, ref: (a, b) => (Number.isNaN(a) || a > b ? a : b), rangeB: [-3, 3] },
  minimum: { fn: tc.minimum, ref: (a, b) => (Number.isNaN(a) || a < b ? a : b), rangeB: [-3, 3] },
};

const compareSpecs: Record<string, [Binary, (a: number, b: number) => boolean]> = {
  equal: [tc.equal, (a, b) => a === b],
  notEqual: [tc.notEqual, (a, b) => a !== b],
  less: [tc.less, (a, b) => a < b],
  lessEqual: [tc.lessEqual, (a, b) => a <= b],
  greater: [tc.greater, (a, b) => a > b],
  greaterEqual: [tc.greaterEqual, (a, b) => a >= b],
};

const logicalSpecs: Record<string, [(a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => number]> = {
  logicalAnd: [tc.logicalAnd, (a, b) => a & b],
  logicalOr: [tc.logicalOr, (a, b) => a | b],
  logicalXor: [tc.logicalXor, (a, b) => a ^ b],
};

function randomMask(gen: Generator, shape: Shape, backend: string): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  return tensor(
    Array.from({ length: size }, () => gen.uniform() < 0.5),
    shape,
    { dtype: 'bool', backend },
  );
}

/** Elementwise ops, run against `backend`. */
export function elementwiseSuite(backend: string): void {
  const float = storedDTypes(backend, FLOAT);
  const numeric = storedDTypeArb(backend, NUMERIC);

  describe('unary ops', () => {
    for (const [name, spec] of Object.entries(unarySpecs)) {
      const dtypes = storedDTypes(backend, spec.dtypes);
      it(`${name} matches Math on random shapes (${dtypes.join(', ')})`, () => {
        fc.assert(
          fc.property(shapeArb(), seedArb, fc.constantFrom(...dtypes), (shape, seed, dtype) => {
            const x = randomTensor(new Generator(seed), shape, backend, dtype, ...spec.range);
            const y = spec.fn(x);
            expect(y.dtype).toBe(dtype);
            const expected = Array.from(x.dataSync(), (v) => store(spec.ref(v), dtype));
            expectClose(y, expected, { ...tolerance(dtype), shape });
          }),
          { numRuns: 40 },
        );
      });
    }

    it('round takes halves to even and sigmoid saturates without overflow', () => {
      expect(tc.round(tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4], undefined, { backend })).toArray()).toEqual([-2, -2, -0, 0, 2, 2, 2]);
      for (const dtype of float) {
        expect(tc.sigmoid(tensor([-1000, 1000, 0], undefined, { dtype, backend })).toArray(), dtype).toEqual([0, 1, 0.5]);
      }
    });

    it('rejects dtypes an op does not support', () => {
      for (const [name, spec] of Object.entries(unarySpecs)) {
        if (!spec.dtypes.includes('int32')) {
          expect(() => spec.fn(tensor([1], undefined, { dtype: 'int32', backend })), name).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
        }
        expect(() => spec.fn(tensor([true], undefined, { backend })), name).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      }
    });
  });

  describe('gelu', () => {
    const rows = reference.gelu.rows as [number, number, number][];
    const xs = rows.map((r) => r[0]);

    if (stores(backend, 'float64')) {
      it('matches 50-digit references in float64 (exact and tanh forms)', () => {
        const x = tensor(xs, undefined, { dtype: 'float64', backend });
        expectClose(
          tc.gelu(x),
          rows.map((r) => r[1]),
          { rtol: 2e-15, atol: 1e-300 },
        );
        // The tanh form is e^(−2u)-sensitive in its left tail: rounding u (|2u| ≈ 90 at x = −10) costs ~|2u|·1e-16.
        expectClose(
          tc.gelu(x, { approximate: 'tanh' }),
          rows.map((r) => r[2]),
          { rtol: 1e-13, atol: 1e-300 },
        );
      });
    }

    it('matches the references in float32', () => {
      const x = tensor(xs, undefined, { dtype: 'float32', backend });
      // Inputs are exactly representable multiples of 1/20 only up to rounding; compare at float32 tolerance.
      expectClose(
        tc.gelu(x),
        rows.map((r) => r[1]),
        { rtol: 1e-5, atol: 1e-6 },
      );
      expectClose(
        tc.gelu(x, { approximate: 'tanh' }),
        rows.map((r) => r[2]),
        { rtol: 1e-5, atol: 1e-6 },
      );
    });

    // A backend without float64 is held to the CPU backend's float64 results.
    const float64Backend = stores(backend, 'float64') ? backend : 'cpu';
    it(`float32 results are the float64 results (on ${float64Backend}) rounded, on random shapes`, () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, fc.constantFrom<'none' | 'tanh'>('none', 'tanh'), (shape, seed, approximate) => {
          const x32 = randomTensor(new Generator(seed), shape, backend, 'float32', -8, 8);
          const x64 = tensor(x32.dataSync(), shape, { dtype: 'float64', backend: float64Backend });
          const y64 = tc.gelu(x64, { approximate }).dataSync();
          expectClose(tc.gelu(x32, { approximate }), Array.from(y64, Math.fround), { rtol: 1e-6, atol: 1e-7, shape });
          if (approximate === 'tanh') {
            const naive = Array.from(x64.dataSync(), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
            expectClose(tc.gelu(x64, { approximate }), naive, { rtol: 1e-12, atol: 1e-12 });
          }
        }),
        { numRuns: 40 },
      );
    });

    it('rejects an unknown approximation and integer tensors', () => {
      const x = tensor([1], undefined, { backend });
      expect(() => tc.gelu(x, { approximate: 'erf' as 'none' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => tc.gelu(tensor([1], undefined, { dtype: 'int32', backend }))).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    });
  });

  describe('clamp', () => {
    it('matches min(max(x, lo), hi) for float and int32 tensors', () => {
      fc.assert(
        fc.property(
          shapeArb(),
          seedArb,
          numeric,
          fc.option(fc.integer({ min: -3, max: 0 }), { nil: undefined }),
          fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
          (shape, seed, dtype, lo, hi) => {
            const x = randomTensor(new Generator(seed), shape, backend, dtype, -5, 5);
            const y = tc.clamp(x, lo, hi);
            const expected = Array.from(x.dataSync(), (v) => Math.min(Math.max(v, lo ?? -Infinity), hi ?? Infinity));
            expectClose(y, expected, { rtol: 0, atol: 0, shape });
            expect(y.dtype).toBe(dtype);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('rejects bad bounds', () => {
      const x = tensor([1], undefined, { backend });
      expect(() => tc.clamp(x, 2, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => tc.clamp(x, NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => tc.clamp(x, '0' as unknown as number)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });

  describe('binary arithmetic with broadcasting', () => {
    for (const [name, spec] of Object.entries(binarySpecs)) {
      it(`${name} matches a float64 reference on broadcast shapes (${storedDTypes(backend, NUMERIC).join(', ')})`, () => {
        fc.assert(
          fc.property(broadcastShapesArb(2), seedArb, numeric, ([sa, sb], seed, dtype) => {
            const gen = new Generator(seed);
            const a = randomTensor(gen, sa, backend, dtype, spec.positiveA ? 0.1 : -3, 3);
            let b = randomTensor(gen, sb, backend, dtype, ...spec.rangeB);
            if (dtype === 'int32' && spec.nonZeroB) b = tc.where(tc.equal(b, 0), 1, b);
            const ref = elementwiseReference(
              [
                { shape: sa, values: a.dataSync() },
                { shape: sb, values: b.dataSync() },
              ],
              (x, y) => store(spec.ref(x, y), dtype),
            );
            const out = spec.fn(a, b);
            expect(out.dtype).toBe(dtype);
            expectClose(out, ref.data, { ...tolerance(dtype), shape: ref.shape });
          }),
          { numRuns: 50 },
        );
      });
    }

    it('takes numbers as scalars of the other operand’s dtype, on either side', () => {
      const x = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        { backend },
      );
      expect(tc.sub(10, x).toArray()).toEqual([
        [9, 8],
        [7, 6],
      ]);
      expect(tc.div(x, 2).toArray()).toEqual([
        [0.5, 1],
        [1.5, 2],
      ]);
      const i = tensor([7, -7], undefined, { dtype: 'int32', backend });
      // int32 division truncates toward zero; a number operand becomes an int32 scalar.
      expect(tc.div(i, 2).toArray()).toEqual([3, -3]);
      expect(tc.add(i, 2.9).toArray()).toEqual([9, -5]);
      expect(tc.add(3, 4).item()).toBe(7);
      expect(tc.add(tensor(2, undefined, { backend }), tensor([[1], [2]], undefined, { backend })).toArray()).toEqual([[3], [4]]);
    });

    it('propagates NaN through maximum and minimum from either side', () => {
      const a = tensor([NaN, 1, NaN], undefined, { backend });
      const b = tensor([1, NaN, NaN], undefined, { backend });
      expect(Array.from(tc.maximum(a, b).dataSync()).every(Number.isNaN)).toBe(true);
      expect(Array.from(tc.minimum(a, b).dataSync()).every(Number.isNaN)).toBe(true);
    });

    it('produces empty results for empty broadcast dims', () => {
      const out = tc.add(tensor([], [0, 1], { backend }), tensor([1, 2, 3], undefined, { backend }));
      expect(out.shape).toEqual([0, 3]);
      expect(out.size).toBe(0);
    });
  });

  describe('comparisons', () => {
    for (const [name, [fn, ref]] of Object.entries(compareSpecs)) {
      it(`${name} gives a bool mask on broadcast shapes`, () => {
        fc.assert(
          fc.property(broadcastShapesArb(2), seedArb, numeric, ([sa, sb], seed, dtype) => {
            const gen = new Generator(seed);
            // A small integer range makes equal elements common even for floats.
            const a = tc.floor(randomTensor(gen, sa, backend, 'float32', -2, 2));
            const b = tc.floor(randomTensor(gen, sb, backend, 'float32', -2, 2));
            const [x, y] = dtype === 'float32' ? [a, b] : [tc.cast(a, dtype), tc.cast(b, dtype)];
            const expected = elementwiseReference(
              [
                { shape: sa, values: x.dataSync() },
                { shape: sb, values: y.dataSync() },
              ],
              (u, v) => (ref(u, v) ? 1 : 0),
            );
            const out = fn(x, y);
            expect(out.dtype).toBe('bool');
            expectClose(out, expected.data, { rtol: 0, atol: 0, shape: expected.shape });
          }),
          { numRuns: 40 },
        );
      });
    }

    it('treat NaN as unequal to everything', () => {
      const a = tensor([NaN, 1], undefined, { backend });
      expect(tc.equal(a, a).toArray()).toEqual([false, true]);
      expect(tc.notEqual(a, a).toArray()).toEqual([true, false]);
      expect(tc.lessEqual(a, 5).toArray()).toEqual([false, true]);
    });
  });

  describe('logical ops', () => {
    for (const [name, [fn, ref]] of Object.entries(logicalSpecs)) {
      it(`${name} matches a reference on broadcast bool masks`, () => {
        fc.assert(
          fc.property(broadcastShapesArb(2), seedArb, ([sa, sb], seed) => {
            const gen = new Generator(seed);
            const a = randomMask(gen, sa, backend),
              b = randomMask(gen, sb, backend);
            const expected = elementwiseReference(
              [
                { shape: sa, values: a.dataSync() },
                { shape: sb, values: b.dataSync() },
              ],
              ref,
            );
            const out = fn(a, b);
            expect(out.dtype).toBe('bool');
            expectClose(out, expected.data, { rtol: 0, atol: 0, shape: expected.shape });
          }),
          { numRuns: 40 },
        );
      });
    }

    it('logicalNot flips every element', () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, (shape, seed) => {
          const a = randomMask(new Generator(seed), shape, backend);
          expectClose(
            tc.logicalNot(a),
            Array.from(a.dataSync(), (v) => 1 - v),
            { rtol: 0, atol: 0, shape },
          );
        }),
        { numRuns: 30 },
      );
    });

    it('rejects non-bool operands', () => {
      const f = tensor([1], undefined, { backend }),
        m = tensor([true], undefined, { backend });
      expect(() => tc.logicalAnd(f, m)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => tc.logicalOr(m, f)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => tc.logicalNot(f)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    });
  });

  describe('where', () => {
    it('selects elementwise with all three operands broadcast', () => {
      fc.assert(
        fc.property(broadcastShapesArb(3), seedArb, numeric, ([sc, sa, sb], seed, dtype) => {
          const gen = new Generator(seed);
          const cond = randomMask(gen, sc, backend);
          const a = randomTensor(gen, sa, backend, dtype),
            b = randomTensor(gen, sb, backend, dtype);
          const expected = elementwiseReference(
            [
              { shape: sc, values: cond.dataSync() },
              { shape: sa, values: a.dataSync() },
              { shape: sb, values: b.dataSync() },
            ],
            (c, x, y) => (c ? x : y),
          );
          const out = tc.where(cond, a, b);
          expect(out.dtype).toBe(dtype);
          expectClose(out, expected.data, { rtol: 0, atol: 0, shape: expected.shape });
        }),
        { numRuns: 60 },
      );
    });

    it('accepts numbers for either branch, and both, on cond’s backend', () => {
      const cond = tensor([true, false, true], undefined, { backend });
      const x = tensor([1, 2, 3], undefined, { dtype: 'int32', backend });
      expect(tc.where(cond, x, 0).toArray()).toEqual([1, 0, 3]);
      expect(tc.where(cond, -1, x).toArray()).toEqual([-1, 2, -1]);
      const both = tc.where(cond, 1, 0);
      expect(both.toArray()).toEqual([1, 0, 1]);
      expect(both.backendName).toBe(backend);
      expect(both.dtype).toBe('float32');
    });

    it('rejects a non-bool condition and mismatched branch dtypes', () => {
      const x = tensor([1], undefined, { backend });
      expect(() => tc.where(x, x, x)).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      const cond = tensor([true], undefined, { backend });
      expect(() => tc.where(cond, x, tensor([1], undefined, { dtype: 'int32', backend }))).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
      expect(() => tc.where(tensor([true, false], undefined, { backend }), tensor([1, 2, 3], undefined, { backend }), 0)).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
      );
    });
  });
}

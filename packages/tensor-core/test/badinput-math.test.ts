// Property tests: invalid arguments to the math ops throw a SeqlabError with the right code, never a TypeError or RangeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tc from '../src/index.js';
import { cpuBackend, registerBackend, SeqlabError, Tensor, tensor, type DType, type ErrorCode } from '../src/index.js';
import { shapeArb } from '@seqlab/test-utils/suites';

/** Runs `fn` and asserts it throws a SeqlabError with `code` (and nothing else). */
function expectCode(code: ErrorCode, fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) expect.fail(`expected a ${code} error, but nothing was thrown`);
  if (!(thrown instanceof SeqlabError)) expect.fail(`expected a SeqlabError with code ${code}, received ${String(thrown)}`);
  expect(thrown.code).toBe(code);
  expect(thrown.message.length).toBeGreaterThan(10);
}

function filled(shape: number[], dtype: DType = 'float32', backend = 'cpu'): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  // int32 data must be integers (0.5 is refused), so int32 tensors hold 0, what 0.5 used to truncate to.
  return tensor(new Array<number>(size).fill(dtype === 'bool' ? 1 : dtype === 'int32' ? 0 : 0.5), shape, { dtype, backend });
}

type Unary = (x: never) => Tensor;

const floatOnlyUnary: Record<string, Unary> = {
  exp: tc.exp,
  log: tc.log,
  log1p: tc.log1p,
  sqrt: tc.sqrt,
  rsqrt: tc.rsqrt,
  tanh: tc.tanh,
  sigmoid: tc.sigmoid,
  sin: tc.sin,
  cos: tc.cos,
  reciprocal: tc.reciprocal,
  floor: tc.floor,
  ceil: tc.ceil,
  round: tc.round,
  gelu: tc.gelu,
  softmax: tc.softmax,
  logSoftmax: tc.logSoftmax,
  mean: tc.mean,
  variance: tc.variance,
  logSumExp: tc.logSumExp,
};
const numericUnary: Record<string, Unary> = {
  neg: tc.neg,
  abs: tc.abs,
  relu: tc.relu,
  square: tc.square,
  sign: tc.sign,
  clamp: tc.clamp,
  sum: tc.sum,
  prod: tc.prod,
  max: tc.max,
  min: tc.min,
  argmax: tc.argmax,
  argmin: tc.argmin,
};
const binaryOps: Record<string, (a: unknown, b: unknown) => Tensor> = {
  add: tc.add,
  sub: tc.sub,
  mul: tc.mul,
  div: tc.div,
  pow: tc.pow,
  maximum: tc.maximum,
  minimum: tc.minimum,
  equal: tc.equal,
  notEqual: tc.notEqual,
  less: tc.less,
  lessEqual: tc.lessEqual,
  greater: tc.greater,
  greaterEqual: tc.greaterEqual,
} as never;
const logicalOps: Record<string, (a: unknown, b: unknown) => Tensor> = {
  logicalAnd: tc.logicalAnd,
  logicalOr: tc.logicalOr,
  logicalXor: tc.logicalXor,
} as never;
const axisOps: Record<string, (x: Tensor, axis: never) => Tensor> = {
  sum: tc.sum,
  prod: tc.prod,
  max: tc.max,
  min: tc.min,
  mean: tc.mean,
  variance: tc.variance,
  logSumExp: tc.logSumExp,
  argmax: tc.argmax,
  argmin: tc.argmin,
  softmax: tc.softmax,
  logSoftmax: tc.logSoftmax,
};

/** Any value that is not a Tensor (and, where numbers are valid operands, not a number). */
const notATensor = fc.anything().filter((v) => !(v instanceof Tensor));
const notATensorOrNumber = notATensor.filter((v) => typeof v !== 'number');

/** Two shapes that do not broadcast: some aligned pair of dims differs and neither is 1. */
const nonBroadcastingPair = fc
  .tuple(shapeArb({ minRank: 1, maxRank: 4, minDim: 1, maxDim: 3 }), fc.nat(), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.nat())
  .filter(([, , p, q]) => p !== q)
  .map(([shape, pick, p, q, drop]) => {
    const k = pick % shape.length;
    const a = [...shape],
      b = [...shape];
    a[k] = p;
    b[k] = q;
    return [a, b.slice(drop % (k + 1))] as const;
  });

/** An axis argument that is not a valid axis (or axis list) for a tensor of rank `rank`. */
function badAxisArb(rank: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: rank, max: rank + 5 }).filter((a) => !(rank === 0 && a === 0)),
    fc.integer({ min: -rank - 6, max: -rank - 1 }).filter((a) => !(rank === 0 && a === -1)),
    fc.double({ noInteger: true }),
    fc.constantFrom(NaN, Infinity, -Infinity),
    fc.string(),
    fc.constant({}),
    fc.constant(true),
  );
}

describe('bad input to the math ops', () => {
  it('non-tensor inputs give INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(notATensor, (v) => {
        for (const op of [...Object.values(floatOnlyUnary), ...Object.values(numericUnary)]) expectCode('INVALID_ARGUMENT', () => op(v as never));
        for (const op of Object.values(logicalOps)) {
          expectCode('INVALID_ARGUMENT', () => op(v, filled([1], 'bool')));
          expectCode('INVALID_ARGUMENT', () => op(filled([1], 'bool'), v));
        }
        expectCode('INVALID_ARGUMENT', () => tc.logicalNot(v as never));
        expectCode('INVALID_ARGUMENT', () => tc.matmul(v as never, filled([2, 2])));
        expectCode('INVALID_ARGUMENT', () => tc.matmul(filled([2, 2]), v as never));
        expectCode('INVALID_ARGUMENT', () => tc.cast(v as never, 'int32'));
        expectCode('INVALID_ARGUMENT', () => tc.where(v as never, 1, 0));
      }),
      { numRuns: 60 },
    );
  });

  it('non-tensor, non-number operands of binary ops and where give INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(notATensorOrNumber, fc.boolean(), (v, first) => {
        const x = filled([2]);
        for (const op of Object.values(binaryOps)) expectCode('INVALID_ARGUMENT', () => (first ? op(v, x) : op(x, v)));
        const cond = filled([2], 'bool');
        expectCode('INVALID_ARGUMENT', () => (first ? tc.where(cond, v as never, x) : tc.where(cond, x, v as never)));
      }),
      { numRuns: 60 },
    );
  });

  it('shapes that do not broadcast give SHAPE_MISMATCH', () => {
    fc.assert(
      fc.property(nonBroadcastingPair, fc.boolean(), ([sa, sb], swap) => {
        const [a, b] = swap ? [filled(sb), filled(sa)] : [filled(sa), filled(sb)];
        for (const op of Object.values(binaryOps)) expectCode('SHAPE_MISMATCH', () => op(a, b));
        const [ma, mb] = [filled([...a.shape], 'bool'), filled([...b.shape], 'bool')];
        for (const op of Object.values(logicalOps)) expectCode('SHAPE_MISMATCH', () => op(ma, mb));
        expectCode('SHAPE_MISMATCH', () => tc.where(ma, b, 0));
        expectCode('SHAPE_MISMATCH', () => tc.where(filled([...a.shape.map(() => 1)], 'bool'), a, b));
      }),
      { numRuns: 80 },
    );
  });

  it('unsupported dtypes give DTYPE_MISMATCH', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3, minDim: 1, maxDim: 3 }), (shape) => {
        for (const dtype of ['int32', 'bool'] as DType[]) {
          for (const op of Object.values(floatOnlyUnary)) expectCode('DTYPE_MISMATCH', () => op(filled(shape, dtype) as never));
        }
        for (const op of Object.values(numericUnary)) expectCode('DTYPE_MISMATCH', () => op(filled(shape, 'bool') as never));
        for (const op of Object.values(logicalOps)) expectCode('DTYPE_MISMATCH', () => op(filled(shape), filled(shape, 'bool')));
        expectCode('DTYPE_MISMATCH', () => tc.logicalNot(filled(shape, 'int32')));
        expectCode('DTYPE_MISMATCH', () => tc.where(filled(shape), filled(shape), filled(shape)));
        for (const op of Object.values(binaryOps)) {
          expectCode('DTYPE_MISMATCH', () => op(filled(shape), filled(shape, 'float64')));
          expectCode('DTYPE_MISMATCH', () => op(filled(shape, 'int32'), filled(shape)));
        }
        expectCode('DTYPE_MISMATCH', () => tc.add(filled(shape, 'bool'), filled(shape, 'bool')));
      }),
      { numRuns: 20 },
    );
  });

  it('invalid axes give INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(
        shapeArb({ maxRank: 4, minDim: 1, maxDim: 3 }).chain((shape) => fc.tuple(fc.constant(shape), badAxisArb(shape.length))),
        ([shape, axis]) => {
          const x = filled(shape);
          for (const [name, op] of Object.entries(axisOps)) {
            // variance takes an options object second-to-last; its axes are the second argument like the others.
            expectCode('INVALID_ARGUMENT', () => (name === 'variance' ? tc.variance(x, axis as never) : op(x, axis as never)));
          }
          for (const op of [tc.sum, tc.max, tc.mean, tc.logSumExp]) expectCode('INVALID_ARGUMENT', () => op(x, [axis] as never));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('repeated axes give INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, minDim: 1, maxDim: 3 }), fc.nat(), (shape, pick) => {
        const a = pick % shape.length;
        const x = filled(shape);
        for (const op of [tc.sum, tc.prod, tc.max, tc.min, tc.mean, tc.logSumExp]) expectCode('INVALID_ARGUMENT', () => op(x, [a, a - shape.length]));
      }),
      { numRuns: 30 },
    );
  });

  it('bad keepDims, correction, options objects, clamp bounds, gelu approximations and cast dtypes give INVALID_ARGUMENT', () => {
    const notBoolean = fc.anything().filter((v) => typeof v !== 'boolean' && v !== undefined);
    const badCorrection = fc.oneof(fc.double({ max: -1e-9 }), fc.constantFrom(NaN, Infinity, -Infinity, null), fc.string());
    const badDType = fc.anything().filter((v) => !['float32', 'float64', 'int32', 'bool'].includes(v as string));
    const badApproximation = fc.anything().filter((v) => v !== 'none' && v !== 'tanh' && v !== undefined);
    const notAnObject = fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean());
    fc.assert(
      fc.property(
        notBoolean,
        badCorrection,
        badDType,
        badApproximation,
        notAnObject,
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (flag, correction, dtype, approximate, options, lo, gap) => {
          const x = filled([2, 3]);
          for (const op of [tc.sum, tc.prod, tc.max, tc.min, tc.logSumExp, tc.argmax, tc.argmin]) expectCode('INVALID_ARGUMENT', () => op(x, 0, flag as never));
          expectCode('INVALID_ARGUMENT', () => tc.variance(x, 0, { keepDims: flag as never }));
          expectCode('INVALID_ARGUMENT', () => tc.variance(x, 0, { correction: correction as never }));
          expectCode('INVALID_ARGUMENT', () => tc.matmul(x, x, { transB: flag as never }));
          expectCode('INVALID_ARGUMENT', () => tc.cast(x, dtype as never));
          expectCode('INVALID_ARGUMENT', () => tc.clamp(x, lo + gap, lo));
          expectCode('INVALID_ARGUMENT', () => tc.gelu(x, { approximate: approximate as never }));
          expectCode('INVALID_ARGUMENT', () => tc.gelu(x, options as never));
          expectCode('INVALID_ARGUMENT', () => tc.variance(x, 0, options as never));
          expectCode('INVALID_ARGUMENT', () => tc.matmul(x, x, options as never));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matmul: mismatched contractions, batches and ranks give SHAPE_MISMATCH; dtypes DTYPE_MISMATCH', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        (m, k, n, extra, transA, transB) => {
          const a = filled(transA ? [k, m] : [m, k]);
          const b = filled(transB ? [n, k + extra] : [k + extra, n]);
          expectCode('SHAPE_MISMATCH', () => tc.matmul(a, b, { transA, transB }));
          expectCode('SHAPE_MISMATCH', () => tc.matmul(filled([k]), filled([k + extra])));
          expectCode('SHAPE_MISMATCH', () => tc.matmul(filled([]), b));
          expectCode('SHAPE_MISMATCH', () => tc.matmul(filled([2, m, k]), filled([3, k, n])));
          expectCode('DTYPE_MISMATCH', () => tc.matmul(filled([m, k]), filled([k, n], 'float64')));
          expectCode('DTYPE_MISMATCH', () => tc.matmul(filled([m, k], 'int32'), filled([k, n], 'int32')));
          expectCode('DTYPE_MISMATCH', () => tc.matmul(filled([m, k], 'bool'), filled([k, n], 'bool')));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('empty reductions without an identity give INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }).filter((s) => s.includes(0)),
        (shape) => {
          const x = filled(shape);
          for (const op of [tc.max, tc.min, tc.argmax, tc.argmin]) expectCode('INVALID_ARGUMENT', () => op(x));
          expect(tc.sum(x).item()).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('tensors on two backends give BACKEND_MISMATCH; disposed tensors give DISPOSED', () => {
    registerBackend({ ...cpuBackend, name: 'cpu-badinput' });
    const a = filled([2, 2]),
      b = filled([2, 2], 'float32', 'cpu-badinput');
    for (const op of Object.values(binaryOps)) expectCode('BACKEND_MISMATCH', () => op(a, b));
    expectCode('BACKEND_MISMATCH', () => tc.matmul(a, b));
    expectCode('BACKEND_MISMATCH', () => tc.where(filled([2, 2], 'bool', 'cpu-badinput'), a, a));
    const gone = filled([2, 2]);
    gone.dispose();
    for (const op of [
      tc.exp,
      tc.sum,
      tc.softmax,
      tc.argmax,
      (t: Tensor) => tc.cast(t, 'float32'),
      (t: Tensor) => tc.sum(t, []),
      (t: Tensor) => tc.matmul(t, a),
    ]) {
      expectCode('DISPOSED', () => op(gone));
    }
  });
});

// Backend-agnostic suite for indexing ops: gather and friends, scatterAdd and oneHot against naive references.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  embedding,
  gather,
  Generator,
  indexSelect,
  oneHot,
  scatterAdd,
  setGradRecorder,
  take,
  takeAlongAxis,
  tensor,
  zeros,
  type DType,
  type OpAttrs,
  type OpName,
  type Shape,
  type Tensor,
} from '@seqlab/tensor-core';
import { storedDTypeArb, storedDTypes } from './backend-dtypes.js';
import { expectClose, F32, unravel } from './harness.js';
import { seedArb, shapeArb } from './math-arbitraries.js';
import { build, count, expectExact, ravel, sampleTensor } from './movement.js';

/** Seeded int32 indices of `shape`, each in `[0, bound)`. */
function randomIndices(gen: Generator, shape: Shape, bound: number, backend: string): Tensor {
  const n = count(shape);
  const values = Array.from({ length: n }, () => gen.int(0, bound - 1));
  return tensor(values, shape, { dtype: 'int32', backend });
}

/** An input shape of rank ≥ 1, an axis of it (maybe negative) and an indices shape that fits it (empty when the axis is). */
const gatherArb = shapeArb({ minRank: 1, maxRank: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      indexShape: shapeArb({ maxRank: 3, maxDim: 4 }),
    }),
  )
  .map(({ shape, axis, indexShape }) => {
    const a = axis < 0 ? axis + shape.length : axis;
    return { shape, axis, a, indexShape: shape[a] === 0 && count(indexShape) > 0 ? [0, ...indexShape] : indexShape };
  });

/** Naive gather: out[pre, j, post] = x[pre, indices[j], post]. */
function gatherReference(v: ArrayLike<number>, shape: Shape, idx: ArrayLike<number>, indexShape: Shape, a: number): { shape: number[]; data: number[] } {
  const outShape = [...shape.slice(0, a), ...indexShape, ...shape.slice(a + 1)];
  const r = indexShape.length;
  const data = build(outShape, (o) => {
    const at = idx[ravel(o.slice(a, a + r), indexShape)];
    return v[ravel([...o.slice(0, a), at, ...o.slice(a + r)], shape)];
  });
  return { shape: outShape, data };
}

const exact = { rtol: 0, atol: 0 };

/** Indexing ops, run against `backend`. */
export function indexingSuite(backend: string): void {
  const dtypeArb = storedDTypeArb(backend);

  describe('gather, indexSelect, take, embedding', () => {
    it('gather matches the reference for any axis and indices of rank 0..3 (repeats included)', () => {
      fc.assert(
        fc.property(gatherArb, seedArb, dtypeArb, ({ shape, axis, a, indexShape }, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const indices = randomIndices(gen, indexShape, shape[a], backend);
          const ref = gatherReference(x.dataSync(), shape, indices.dataSync(), indexShape, a);
          const y = gather(x, indices, axis);
          expect(y.dtype).toBe(dtype);
          expectExact(y, ref.shape, ref.data);
        }),
        { numRuns: 200 },
      );
    });

    it('gathers long rows (the contiguous copy path) exactly', () => {
      const gen = new Generator(3);
      for (const dtype of storedDTypes(backend)) {
        const x = sampleTensor(gen, [3, 5, 40], backend, dtype);
        const indices = randomIndices(gen, [2, 3], 5, backend);
        const ref = gatherReference(x.dataSync(), x.shape, indices.dataSync(), indices.shape, 1);
        expectExact(gather(x, indices, 1), ref.shape, ref.data);
      }
    });

    it('indexSelect is gather with 1-D indices in PyTorch argument order', () => {
      fc.assert(
        fc.property(gatherArb, seedArb, fc.integer({ min: 0, max: 5 }), ({ shape, axis, a }, seed, n) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, 'float32');
          const indices = randomIndices(gen, [shape[a] === 0 ? 0 : n], shape[a], backend);
          const ref = gatherReference(x.dataSync(), shape, indices.dataSync(), indices.shape, a);
          expectExact(indexSelect(x, axis, indices), ref.shape, ref.data);
        }),
        { numRuns: 100 },
      );
    });

    it('take reads x flat and returns the shape of indices', () => {
      fc.assert(
        fc.property(shapeArb(), shapeArb({ maxRank: 3 }), seedArb, dtypeArb, (shape, indexShape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const fitted = x.size === 0 && count(indexShape) > 0 ? [0] : indexShape;
          const indices = randomIndices(gen, fitted, x.size, backend);
          const v = x.dataSync();
          expectExact(
            take(x, indices),
            fitted,
            Array.from(indices.dataSync(), (i) => v[i]),
          );
        }),
        { numRuns: 150 },
      );
    });

    it('embedding looks up rows of a [numEmbeddings, embeddingDim] table', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), shapeArb({ maxRank: 3 }), seedArb, (rows, dim, indexShape, seed) => {
          const gen = new Generator(seed);
          const weight = sampleTensor(gen, [rows, dim], backend, 'float32');
          const indices = randomIndices(gen, indexShape, rows, backend);
          const w = weight.dataSync();
          const idx = indices.dataSync();
          const outShape = [...indexShape, dim];
          expectExact(
            embedding(weight, indices),
            outShape,
            build(outShape, (o) => w[idx[ravel(o.slice(0, -1), indexShape)] * dim + o[o.length - 1]]),
          );
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('takeAlongAxis', () => {
    it('matches torch.gather: out[..., i, ...] = x[..., indices[..., i, ...], ...], indices smaller than x allowed', () => {
      const arb = shapeArb({ minRank: 1, maxRank: 4 }).chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
          shrink: fc.array(fc.nat(), { minLength: shape.length, maxLength: shape.length }),
          along: fc.integer({ min: 0, max: 4 }),
        }),
      );
      fc.assert(
        fc.property(arb, seedArb, dtypeArb, ({ shape, axis, shrink, along }, seed, dtype) => {
          const gen = new Generator(seed);
          const a = axis < 0 ? axis + shape.length : axis;
          const indexShape = shape.map((d, k) => (k === a ? (d === 0 ? 0 : along) : d - (shrink[k] % (d + 1))));
          const x = sampleTensor(gen, shape, backend, dtype);
          const indices = randomIndices(gen, indexShape, shape[a], backend);
          const v = x.dataSync();
          const idx = indices.dataSync();
          const data = build(indexShape, (o) => {
            const at = [...o];
            at[a] = idx[ravel(o, indexShape)];
            return v[ravel(at, shape)];
          });
          expectExact(takeAlongAxis(x, indices, axis), indexShape, data);
        }),
        { numRuns: 150 },
      );
    });

    it('picks per-row entries the way a cross-entropy loss needs them', () => {
      const logits = tensor(
        [
          [0.1, 0.2, 0.7],
          [0.5, 0.3, 0.2],
        ],
        undefined,
        { backend },
      );
      const targets = tensor([[2], [0]], undefined, { dtype: 'int32', backend });
      expectClose(takeAlongAxis(logits, targets, 1), [0.7, 0.5], { shape: [2, 1] });
    });
  });

  describe('scatterAdd and oneHot', () => {
    it('scatterAdd adds updates at the gathered positions, summing duplicates', () => {
      fc.assert(
        fc.property(gatherArb, seedArb, storedDTypeArb(backend, ['float32', 'float64', 'int32']), ({ shape, axis, a, indexShape }, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const indices = randomIndices(gen, indexShape, shape[a], backend);
          const updShape = [...shape.slice(0, a), ...indexShape, ...shape.slice(a + 1)];
          const updates = sampleTensor(gen, updShape, backend, dtype);
          const ref = Array.from(x.dataSync());
          const idx = indices.dataSync();
          const u = updates.dataSync();
          const r = indexShape.length;
          for (let i = 0; i < u.length; i++) {
            const o = unravel(i, updShape);
            const at = idx[ravel(o.slice(a, a + r), indexShape)];
            ref[ravel([...o.slice(0, a), at, ...o.slice(a + r)], shape)] += u[i];
          }
          const y = scatterAdd(x, indices, updates, axis);
          expect(y.dtype).toBe(dtype);
          expectClose(y, ref, { ...(dtype === 'float32' ? F32 : exact), shape });
        }),
        { numRuns: 200 },
      );
    });

    it('gather then scatterAdd into zeros gives each entry times how often it was picked', () => {
      fc.assert(
        fc.property(gatherArb, seedArb, ({ shape, axis, a, indexShape }, seed) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, 'int32');
          const indices = randomIndices(gen, indexShape, shape[a], backend);
          const picked = new Array<number>(shape[a]).fill(0);
          for (const i of indices.dataSync()) picked[i]++;
          const v = x.dataSync();
          const back = scatterAdd(zeros(shape, { dtype: 'int32', backend }), indices, gather(x, indices, axis), axis);
          expectExact(
            back,
            shape,
            build(shape, (o) => (picked[o[a]] === 0 ? 0 : picked[o[a]] * v[ravel(o, shape)])),
          );
        }),
        { numRuns: 150 },
      );
    });

    it('oneHot puts a single 1 at each index along a new last axis (float32)', () => {
      fc.assert(
        fc.property(shapeArb({ maxRank: 3 }), fc.integer({ min: 1, max: 6 }), seedArb, (indexShape, depth, seed) => {
          const indices = randomIndices(new Generator(seed), indexShape, depth, backend);
          const idx = indices.dataSync();
          const outShape = [...indexShape, depth];
          const y = oneHot(indices, depth);
          expect(y.dtype).toBe('float32');
          expectExact(
            y,
            outShape,
            build(outShape, (o) => (idx[ravel(o.slice(0, -1), indexShape)] === o[o.length - 1] ? 1 : 0)),
          );
        }),
        { numRuns: 100 },
      );
      expect(oneHot(tensor([], [0], { dtype: 'int32', backend }), 0).shape).toEqual([0, 0]);
    });
  });

  describe('autograd records', () => {
    it('records gather (also under take and takeAlongAxis), scatterAdd and oneHot with their attrs', () => {
      const seen: { op: OpName; attrs: unknown; inputs: number }[] = [];
      const previous = setGradRecorder(<K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[K]) => {
        output.requiresGrad = true;
        seen.push({ op, attrs, inputs: inputs.length });
      });
      try {
        const x = tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          undefined,
          { backend },
        );
        x.requiresGrad = true;
        const i = tensor([2, 0], undefined, { dtype: 'int32', backend });
        gather(x, i, -1);
        expect(seen.splice(0)).toEqual([{ op: 'gather', attrs: { axis: 1 }, inputs: 2 }]);
        take(x, i);
        expect(seen.splice(0)).toEqual([
          { op: 'reshape', attrs: { shape: [6] }, inputs: 1 },
          { op: 'gather', attrs: { axis: 0 }, inputs: 2 },
        ]);
        expect(takeAlongAxis(x, tensor([[1], [2]], undefined, { dtype: 'int32', backend }), 1).toArray()).toEqual([[2], [6]]);
        expect(seen.splice(0).map((s) => s.op)).toEqual(['reshape', 'gather']);
        scatterAdd(
          x,
          i,
          tensor(
            [
              [1, 1],
              [1, 1],
            ],
            undefined,
            { backend },
          ),
          1,
        );
        expect(seen.splice(0)).toEqual([{ op: 'scatterAdd', attrs: { axis: 1 }, inputs: 3 }]);
        const hot = tensor([1], undefined, { dtype: 'int32', backend });
        hot.requiresGrad = true;
        oneHot(hot, 3);
        expect(seen.splice(0)).toEqual([{ op: 'oneHot', attrs: { depth: 3 }, inputs: 1 }]);
      } finally {
        setGradRecorder(previous);
      }
    });
  });
}

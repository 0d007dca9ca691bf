// Backend-agnostic suite for movement ops: every op against a naive index-by-index reference, plus round trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  chunk,
  concat,
  expand,
  flatten,
  flip,
  Generator,
  memory,
  narrow,
  pad,
  permute,
  reshape,
  setGradRecorder,
  slice,
  split,
  squeeze,
  stack,
  tensor,
  transpose,
  tril,
  triu,
  unsqueeze,
  type DType,
  type OpAttrs,
  type OpName,
  type Shape,
  type Tensor,
} from '@seqlab/tensor-core';
import { storedDTypeArb, storedDTypes } from './backend-dtypes.js';
import { broadcastIndex, unravel } from './harness.js';
import { seedArb, shapeArb } from './math-arbitraries.js';

/** Element count of `shape`. */
export function count(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Flat row-major index of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
  return flat;
}

/**
 * A seeded tensor whose values are exact in its dtype (0/1 for bool, small integers for int32, any float
 * otherwise), so that movement results can be compared exactly with references built from `dataSync()`.
 */
export function sampleTensor(gen: Generator, shape: Shape, backend: string, dtype: DType): Tensor {
  const n = count(shape);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'bool') values[i] = gen.uniform() < 0.5 ? 1 : 0;
    else if (dtype === 'int32') values[i] = gen.int(-50, 50);
    else values[i] = -2 + 4 * gen.uniform();
  }
  return tensor(values, shape, { dtype, backend });
}

/** Asserts `out` has exactly `shape` and `values`. */
export function expectExact(out: Tensor, shape: Shape, values: readonly number[]): void {
  expect([...out.shape]).toEqual([...shape]);
  expect(Array.from(out.dataSync())).toEqual(values);
}

/** Naive reference: output element at multi-index `o` of `outShape` is `source(o)`. */
export function build(outShape: Shape, source: (o: number[]) => number): number[] {
  const n = count(outShape);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = source(unravel(i, outShape));
  return out;
}

function permuteReference(v: ArrayLike<number>, shape: Shape, perm: readonly number[]): { shape: number[]; data: number[] } {
  const outShape = perm.map((d) => shape[d]);
  const data = build(outShape, (o) => {
    const idx = new Array<number>(shape.length);
    perm.forEach((d, k) => (idx[d] = o[k]));
    return v[ravel(idx, shape)];
  });
  return { shape: outShape, data };
}

/** A shape and a permutation of its axes, some written as negative axes. */
const shapeAndPermArb = shapeArb().chain((shape) => {
  const axes = shape.map((_, i) => i);
  return fc
    .tuple(
      fc.shuffledSubarray(axes, { minLength: shape.length, maxLength: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    )
    .map(([perm, negative]) => ({ shape, perm, written: perm.map((d, i) => (negative[i] ? d - shape.length : d)) }));
});

/** Movement ops, run against `backend`. */
export function movementSuite(backend: string): void {
  // Every dtype a movement op must handle, as far as the backend stores it.
  const dtypes = storedDTypes(backend);
  const dtypeArb = storedDTypeArb(backend);

  describe('reshape and its composites', () => {
    it('reshape keeps the elements in order for any target of the same size, including one -1', () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, dtypeArb, (shape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          // Build a target of the same size: merge random runs of dims, sprinkle 1s, maybe infer one dim.
          const target: number[] = [];
          for (const d of shape) {
            if (target.length > 0 && gen.uniform() < 0.4) target[target.length - 1] *= d;
            else target.push(d);
            if (gen.uniform() < 0.2) target.push(1);
          }
          const written = [...target];
          if (x.size > 0 && written.length > 0 && gen.uniform() < 0.5) written[gen.int(0, written.length - 1)] = -1;
          expectExact(reshape(x, written), target, Array.from(x.dataSync()));
        }),
        { numRuns: 150 },
      );
    });

    it('reshape, squeeze, unsqueeze and flatten share storage: no new storage is counted', () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3, 1], { backend });
      const before = memory(backend);
      const views = [reshape(x, [3, -1]), squeeze(x), squeeze(x, [0]), unsqueeze(x, 2), flatten(x), flatten(x, 1, 2), permute(x, [3, 1, 2, 0])];
      const after = memory(backend);
      expect(after.storages).toBe(before.storages);
      expect(after.bytes).toBe(before.bytes);
      expect(views.map((v) => [...v.shape])).toEqual([[3, 2], [2, 3], [2, 3, 1], [1, 2, 1, 3, 1], [6], [1, 6, 1], [1, 2, 3, 1]]);
      for (const v of views) expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      // Disposing a view leaves the others readable: each holds its own reference to the storage.
      views[0].dispose();
      expect(x.toArray()).toEqual([
        [
          [[1], [2], [3]],
          [[4], [5], [6]],
        ],
      ]);
    });

    it('squeeze drops size-1 axes (all, or the listed ones), unsqueeze inserts one at any valid axis', () => {
      fc.assert(
        fc.property(shapeArb({ maxDim: 3 }), seedArb, dtypeArb, (shape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const data = Array.from(x.dataSync());
          expectExact(
            squeeze(x),
            shape.filter((d) => d !== 1),
            data,
          );
          const listed = shape.map((_, i) => i).filter(() => gen.uniform() < 0.5);
          const written = listed.map((a) => (gen.uniform() < 0.5 ? a - shape.length : a));
          expectExact(
            squeeze(x, written),
            shape.filter((d, i) => d !== 1 || !listed.includes(i)),
            data,
          );
          const axis = gen.int(-shape.length - 1, shape.length);
          const at = axis < 0 ? axis + shape.length + 1 : axis;
          expectExact(unsqueeze(x, axis), [...shape.slice(0, at), 1, ...shape.slice(at)], data);
        }),
        { numRuns: 120 },
      );
    });

    it('flatten merges startDim..endDim, and a scalar becomes [1]', () => {
      fc.assert(
        fc.property(shapeArb({ minRank: 1 }), seedArb, (shape, seed) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, 'float32');
          const s = gen.int(0, shape.length - 1);
          const e = gen.int(s, shape.length - 1);
          const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
          expectExact(flatten(x, s - shape.length, e), [...shape.slice(0, s), merged, ...shape.slice(e + 1)], Array.from(x.dataSync()));
        }),
        { numRuns: 80 },
      );
      expectExact(flatten(tensor(7, undefined, { backend })), [1], [7]);
    });
  });

  describe('permute and transpose', () => {
    it('permute matches the index reference, and the inverse permutation restores x', () => {
      fc.assert(
        fc.property(shapeAndPermArb, seedArb, dtypeArb, ({ shape, perm, written }, seed, dtype) => {
          const x = sampleTensor(new Generator(seed), shape, backend, dtype);
          const ref = permuteReference(x.dataSync(), shape, perm);
          const y = permute(x, written);
          expect(y.dtype).toBe(dtype);
          expectExact(y, ref.shape, ref.data);
          const inverse = new Array<number>(perm.length);
          perm.forEach((d, i) => (inverse[d] = i));
          expectExact(permute(y, inverse), shape, Array.from(x.dataSync()));
        }),
        { numRuns: 200 },
      );
    });

    it('permute is exact on shapes larger than a cache tile, with ragged tile edges', () => {
      const cases: [number[], number[]][] = [
        [
          [70, 45],
          [1, 0],
        ],
        [
          [3, 33, 65],
          [0, 2, 1],
        ],
        [
          [33, 5, 40],
          [2, 1, 0],
        ],
        [
          [2, 34, 3, 37],
          [3, 1, 2, 0],
        ],
        [
          [5, 36, 35],
          [1, 0, 2],
        ],
        [
          [64, 64],
          [1, 0],
        ],
      ];
      const gen = new Generator(11);
      for (const [shape, perm] of cases) {
        for (const dtype of dtypes) {
          const x = sampleTensor(gen, shape, backend, dtype);
          const ref = permuteReference(x.dataSync(), shape, perm);
          expectExact(permute(x, perm), ref.shape, ref.data);
        }
      }
    });

    it('transpose swaps two axes (the last two by default)', () => {
      fc.assert(
        fc.property(shapeArb({ minRank: 2 }), seedArb, dtypeArb, (shape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const r = shape.length;
          const perm = shape.map((_, i) => i);
          [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
          const last = permuteReference(x.dataSync(), shape, perm);
          expectExact(transpose(x), last.shape, last.data);
          const a = gen.int(0, r - 1);
          const b = gen.int(0, r - 1);
          const swapped = shape.map((_, i) => (i === a ? b : i === b ? a : i));
          const ref = permuteReference(x.dataSync(), shape, swapped);
          expectExact(transpose(x, a - r, b), ref.shape, ref.data);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('expand', () => {
    it('repeats size-1 axes and adds leading axes, with -1 keeping a size', () => {
      const arb = shapeArb().chain((out) =>
        fc.record({
          out: fc.constant(out),
          drop: fc.integer({ min: 0, max: out.length }),
          ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
          keep: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
        }),
      );
      fc.assert(
        fc.property(arb, seedArb, dtypeArb, ({ out, drop, ones, keep }, seed, dtype) => {
          const inShape = out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
          const x = sampleTensor(new Generator(seed), inShape, backend, dtype);
          const written = out.map((d, i) => (i >= drop && keep[i] && inShape[i - drop] === d ? -1 : d));
          const v = x.dataSync();
          const y = expand(x, written);
          expectExact(
            y,
            out,
            build(out, (o) => v[broadcastIndex(o, inShape)]),
          );
        }),
        { numRuns: 200 },
      );
    });

    it('broadcasts a row into a large matrix and a column across it', () => {
      const row = tensor([1, 2, 3], [1, 3], { backend, dtype: 'int32' });
      expect(expand(row, [2, 3]).toArray()).toEqual([
        [1, 2, 3],
        [1, 2, 3],
      ]);
      const col = tensor([true, false], [2, 1], { backend });
      expect(expand(col, [2, 2, 2]).toArray()).toEqual([
        [
          [true, true],
          [false, false],
        ],
        [
          [true, true],
          [false, false],
        ],
      ]);
    });
  });

  describe('slice and narrow', () => {
    it('slice matches the reference for any in-range box (negative begin and size -1 included)', () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, dtypeArb, (shape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const begin = shape.map((d) => gen.int(0, d));
          const size = shape.map((d, i) => gen.int(0, d - begin[i]));
          const toEnd = shape.map(() => gen.uniform() < 0.25);
          const writtenBegin = begin.map((b, i) => (b < shape[i] && gen.uniform() < 0.3 ? b - shape[i] : b));
          const writtenSize = size.map((s, i) => (toEnd[i] ? -1 : s));
          const extent = size.map((s, i) => (toEnd[i] ? shape[i] - begin[i] : s));
          const v = x.dataSync();
          const y = slice(x, writtenBegin, writtenSize);
          expectExact(
            y,
            extent,
            build(
              extent,
              (o) =>
                v[
                  ravel(
                    o.map((k, d) => k + begin[d]),
                    shape,
                  )
                ],
            ),
          );
        }),
        { numRuns: 200 },
      );
    });

    it('narrow takes length entries of one axis from start', () => {
      const x = tensor(
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ],
        undefined,
        { backend },
      );
      expect(narrow(x, 1, 1, 2).toArray()).toEqual([
        [2, 3],
        [6, 7],
      ]);
      expect(narrow(x, -2, -1, 1).toArray()).toEqual([[5, 6, 7, 8]]);
      expect(narrow(x, 1, 4, 0).shape).toEqual([2, 0]);
    });
  });

  describe('concat, stack, split and chunk', () => {
    const concatArb = shapeArb({ minRank: 1, maxRank: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
      }),
    );

    it('concat matches the reference for 1..4 inputs with any sizes along the axis', () => {
      fc.assert(
        fc.property(concatArb, seedArb, dtypeArb, ({ shape, axis, sizes }, seed, dtype) => {
          const gen = new Generator(seed);
          const a = axis < 0 ? axis + shape.length : axis;
          const shapes = sizes.map((n) => shape.map((d, i) => (i === a ? n : d)));
          const xs = shapes.map((s) => sampleTensor(gen, s, backend, dtype));
          const values = xs.map((t) => t.dataSync());
          const outShape = shape.map((d, i) => (i === a ? sizes.reduce((p, q) => p + q, 0) : d));
          const data = build(outShape, (o) => {
            let k = 0;
            let at = o[a];
            while (at >= sizes[k]) at -= sizes[k++];
            const idx = [...o];
            idx[a] = at;
            return values[k][ravel(idx, shapes[k])];
          });
          expectExact(concat(xs, axis), outShape, data);
        }),
        { numRuns: 150 },
      );
    });

    it('stack joins same-shaped tensors along a new axis', () => {
      const arb = shapeArb({ maxRank: 4 }).chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: -shape.length - 1, max: shape.length }),
          n: fc.integer({ min: 1, max: 3 }),
        }),
      );
      fc.assert(
        fc.property(arb, seedArb, dtypeArb, ({ shape, axis, n }, seed, dtype) => {
          const gen = new Generator(seed);
          const xs = Array.from({ length: n }, () => sampleTensor(gen, shape, backend, dtype));
          const values = xs.map((t) => t.dataSync());
          const a = axis < 0 ? axis + shape.length + 1 : axis;
          const outShape = [...shape.slice(0, a), n, ...shape.slice(a)];
          const data = build(outShape, (o) => values[o[a]][ravel([...o.slice(0, a), ...o.slice(a + 1)], shape)]);
          expectExact(stack(xs, axis), outShape, data);
        }),
        { numRuns: 100 },
      );
    });

    /** Piece sizes by PyTorch's rule for an integer split size. */
    function splitSizes(dim: number, n: number): number[] {
      if (dim === 0) return [0];
      const out: number[] = [];
      for (let left = dim; left > 0; left -= n) out.push(Math.min(n, left));
      return out;
    }

    it('split by a size or by sections gives PyTorch piece sizes, and concat puts x back together', () => {
      fc.assert(
        fc.property(shapeArb({ minRank: 1, maxDim: 6 }), seedArb, dtypeArb, fc.boolean(), (shape, seed, dtype, bySections) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const axis = gen.int(-shape.length, shape.length - 1);
          const a = axis < 0 ? axis + shape.length : axis;
          const dim = shape[a];
          let expected: number[];
          let pieces: Tensor[];
          if (bySections) {
            expected = [];
            for (let left = dim; left > 0;) {
              const n = gen.int(0, left);
              expected.push(n);
              left -= n;
            }
            if (expected.length === 0 || gen.uniform() < 0.3) expected.push(0);
            pieces = split(x, expected, axis);
          } else {
            const n = gen.int(1, 4);
            expected = splitSizes(dim, n);
            pieces = split(x, n, axis);
          }
          expect(pieces.map((p) => p.shape[a])).toEqual(expected);
          expectExact(concat(pieces, axis), shape, Array.from(x.dataSync()));
        }),
        { numRuns: 150 },
      );
    });

    it('chunk gives ceil(size / chunks)-sized pieces, fewer when they run out, as PyTorch', () => {
      const sizesOf = (n: number, chunks: number, axis = 0): number[] =>
        chunk(tensor(new Array<number>(n * 2).fill(0), [n, 2], { backend }), chunks, axis).map((t) => t.shape[axis]);
      expect(sizesOf(5, 3)).toEqual([2, 2, 1]);
      expect(sizesOf(6, 4)).toEqual([2, 2, 2]);
      expect(sizesOf(6, 3)).toEqual([2, 2, 2]);
      expect(sizesOf(2, 5)).toEqual([1, 1]);
      expect(sizesOf(0, 3)).toEqual([0, 0, 0]);
      expect(sizesOf(3, 1, 1)).toEqual([2]);
      expect(split(tensor([], [0], { backend }), 2).map((t) => t.shape)).toEqual([[0]]);
      const x = tensor([1, 2, 3, 4, 5, 6, 7], undefined, { backend });
      expect(chunk(x, 3).map((t) => t.toArray())).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
      expect(split(x, [2, 0, 5]).map((t) => t.toArray())).toEqual([[1, 2], [], [3, 4, 5, 6, 7]]);
    });
  });

  describe('pad', () => {
    const padValue: Record<DType, number> = { float32: 2.5, float64: -0.125, int32: -3, bool: 1 };

    it('pad matches the reference (leading axes may be left out), and slicing the padding off restores x', () => {
      fc.assert(
        fc.property(shapeArb({ maxDim: 3 }), seedArb, dtypeArb, fc.boolean(), (shape, seed, dtype, withValue) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const given = gen.int(0, shape.length);
          const pads: [number, number][] = Array.from({ length: given }, () => [gen.int(0, 2), gen.int(0, 2)]);
          const full = [...Array.from({ length: shape.length - given }, (): [number, number] => [0, 0]), ...pads];
          const value = withValue ? padValue[dtype] : 0;
          const outShape = shape.map((d, i) => d + full[i][0] + full[i][1]);
          const v = x.dataSync();
          const data = build(outShape, (o) => {
            const idx = o.map((k, d) => k - full[d][0]);
            return idx.every((k, d) => k >= 0 && k < shape[d]) ? v[ravel(idx, shape)] : value;
          });
          const y = withValue ? pad(x, pads, value) : pad(x, pads);
          expectExact(y, outShape, data);
          expectExact(
            slice(
              y,
              full.map((p) => p[0]),
              shape,
            ),
            shape,
            Array.from(v),
          );
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('flip, tril and triu', () => {
    it('flip reverses the listed axes, and flipping twice restores x', () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, dtypeArb, (shape, seed, dtype) => {
          const gen = new Generator(seed);
          const x = sampleTensor(gen, shape, backend, dtype);
          const axes = shape.map((_, i) => i).filter(() => gen.uniform() < 0.5);
          const written = axes.map((a) => (gen.uniform() < 0.5 ? a - shape.length : a));
          const v = x.dataSync();
          const y = flip(x, written);
          expectExact(
            y,
            shape,
            build(
              shape,
              (o) =>
                v[
                  ravel(
                    o.map((k, d) => (axes.includes(d) ? shape[d] - 1 - k : k)),
                    shape,
                  )
                ],
            ),
          );
          expectExact(flip(y, written), shape, Array.from(v));
        }),
        { numRuns: 150 },
      );
    });

    it('tril and triu keep j <= i + k and j >= i + k of the last two axes', () => {
      fc.assert(
        fc.property(shapeArb({ minRank: 2, maxDim: 5 }), seedArb, dtypeArb, fc.integer({ min: -6, max: 6 }), (shape, seed, dtype, k) => {
          const x = sampleTensor(new Generator(seed), shape, backend, dtype);
          const v = x.dataSync();
          const r = shape.length;
          const keep = (upper: boolean) => (o: number[]) => {
            const i = o[r - 2];
            const j = o[r - 1];
            return (upper ? j >= i + k : j <= i + k) ? v[ravel(o, shape)] : 0;
          };
          expectExact(tril(x, k), shape, build(shape, keep(false)));
          expectExact(triu(x, k), shape, build(shape, keep(true)));
          if (dtype !== 'bool') expectExact(add(tril(x, k), triu(x, k + 1)), shape, Array.from(v));
        }),
        { numRuns: 150 },
      );
      expect(
        tril(
          tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
              [7, 8, 9],
            ],
            undefined,
            { backend },
          ),
        ).toArray(),
      ).toEqual([
        [1, 0, 0],
        [4, 5, 0],
        [7, 8, 9],
      ]);
    });
  });

  describe('autograd records', () => {
    it('records each primitive with the attrs its gradient rule needs', () => {
      const seen: { op: OpName; attrs: unknown; inputs: number[] }[] = [];
      const previous = setGradRecorder(<K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[K]) => {
        output.requiresGrad = true;
        seen.push({ op, attrs, inputs: inputs.map((t) => t.id) });
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
        const take = (): { op: OpName; attrs: unknown }[] => seen.splice(0).map(({ op, attrs }) => ({ op, attrs }));
        reshape(x, [-1, 2]);
        expect(take()).toEqual([{ op: 'reshape', attrs: { shape: [3, 2] } }]);
        transpose(x);
        expect(take()).toEqual([{ op: 'transpose', attrs: { perm: [1, 0] } }]);
        expand(x, [2, 2, -1]);
        expect(take()).toEqual([
          { op: 'reshape', attrs: { shape: [1, 2, 3] } },
          { op: 'expand', attrs: { shape: [2, 2, 3] } },
        ]);
        slice(x, [-1, 1], [1, -1]);
        expect(take()).toEqual([{ op: 'slice', attrs: { begin: [1, 1], size: [1, 2] } }]);
        concat([x, x], -1);
        expect(take()).toEqual([{ op: 'concat', attrs: { axis: 1 } }]);
        pad(x, [[1, 2]], 3);
        expect(take()).toEqual([
          {
            op: 'pad',
            attrs: {
              pads: [
                [0, 0],
                [1, 2],
              ],
              value: 3,
            },
          },
        ]);
        flip(x, -1);
        expect(take()).toEqual([{ op: 'flip', attrs: { axes: [1] } }]);
        tril(x, 1);
        triu(x, -1);
        expect(take()).toEqual([
          { op: 'tril', attrs: { k: 1 } },
          { op: 'triu', attrs: { k: -1 } },
        ]);
        split(x, 2, 1);
        expect(take()).toEqual([
          { op: 'slice', attrs: { begin: [0, 0], size: [2, 2] } },
          { op: 'slice', attrs: { begin: [0, 2], size: [2, 1] } },
        ]);
        const plain = tensor([1, 2, 3], undefined, { backend });
        reshape(plain, [3, 1]);
        expect(take()).toEqual([]);
      } finally {
        setGradRecorder(previous);
      }
    });
  });
}

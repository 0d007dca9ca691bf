// Bad arguments to movement and indexing ops: each must throw the right SeqlabError code, never a stray TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  concat,
  cpuBackend,
  embedding,
  expand,
  flatten,
  flip,
  gather,
  indexSelect,
  narrow,
  oneHot,
  pad,
  permute,
  registerBackend,
  reshape,
  scatterAdd,
  SeqlabError,
  slice,
  split,
  squeeze,
  stack,
  take,
  takeAlongAxis,
  tensor,
  transpose,
  tril,
  triu,
  unsqueeze,
  zeros,
  type DType,
  type ErrorCode,
  type Shape,
  type Tensor,
} from '../src/index.js';
import { seedArb, shapeArb } from '@seqlab/test-utils/suites';

/** Runs `fn` and asserts it throws a SeqlabError with `code`; returns the error for message checks. */
function expectCode(fn: () => unknown, code: ErrorCode): SeqlabError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) expect.fail(`expected a ${code} error, but nothing was thrown`);
  if (!(caught instanceof SeqlabError)) expect.fail(`expected a ${code} SeqlabError, received ${String(caught)}`);
  expect(caught.code).toBe(code);
  return caught;
}

/** Passes a deliberately ill-typed value through the type checker. */
function bad<T>(value: unknown): T {
  return value as T;
}

function filled(shape: Shape, dtype: DType = 'float32'): Tensor {
  return zeros(shape, { dtype });
}

/** Values that are not integers: fractions, non-finite numbers and non-numbers. */
const nonIntegerArb: fc.Arbitrary<unknown> = fc.oneof(fc.double({ noInteger: true }), fc.constantFrom(NaN, Infinity, -Infinity, '1', null, true, [1], {}));

/** A shape of rank ≥ 1 and an axis outside `[-rank - extra, rank - 1 + extra]`, or not an integer at all. */
function badAxisArb(extra: number): fc.Arbitrary<{ shape: number[]; axis: unknown }> {
  return shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }).chain((shape) => {
    const r = shape.length + extra;
    return fc.record({
      shape: fc.constant(shape),
      axis: fc.oneof(fc.integer({ min: r, max: r + 10 }), fc.integer({ min: -r - 10, max: -r - 1 }), nonIntegerArb),
    });
  });
}

describe('bad permutations', () => {
  const badPermArb = shapeArb({ maxRank: 4, maxDim: 3 }).chain((shape) => {
    const r = shape.length;
    const valid = shape.map((_, i) => i);
    const wrongLength = fc.array(fc.integer({ min: 0, max: Math.max(0, r - 1) }), { maxLength: 6 }).filter((p) => p.length !== r);
    const candidates: fc.Arbitrary<unknown[]>[] = [wrongLength];
    if (r >= 1) {
      candidates.push(
        fc
          .tuple(fc.integer({ min: 0, max: r - 1 }), fc.oneof(fc.integer({ min: r, max: r + 5 }), fc.integer({ min: -r - 5, max: -r - 1 }), nonIntegerArb))
          .map(([at, v]) => {
            const p: unknown[] = [...valid];
            p[at] = v;
            return p;
          }),
      );
    }
    if (r >= 2) {
      // Repeat one axis (possibly written as its negative twin).
      candidates.push(
        fc
          .tuple(fc.integer({ min: 0, max: r - 1 }), fc.integer({ min: 0, max: r - 1 }), fc.boolean())
          .filter(([i, j]) => i !== j)
          .map(([i, j, negative]) => {
            const p: unknown[] = [...valid];
            p[i] = negative ? (valid[j] as number) - r : valid[j];
            return p;
          }),
      );
    }
    return fc.record({ shape: fc.constant(shape), perm: fc.oneof(...candidates) });
  });

  it('permute rejects anything but a permutation of the axes with INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(badPermArb, ({ shape, perm }) => {
        const e = expectCode(() => permute(filled(shape), bad(perm)), 'INVALID_ARGUMENT');
        expect(e.message).toContain("'perm'");
      }),
      { numRuns: 300 },
    );
    expectCode(() => permute(filled([2]), bad('0')), 'INVALID_ARGUMENT');
  });

  it('transpose rejects out-of-range or non-integer dims with INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(badAxisArb(0), fc.boolean(), ({ shape, axis }, first) => {
        expectCode(() => (first ? transpose(filled(shape), bad(axis), 0) : transpose(filled(shape), 0, bad(axis))), 'INVALID_ARGUMENT');
      }),
      { numRuns: 150 },
    );
    expectCode(() => transpose(filled([3])), 'INVALID_ARGUMENT');
  });
});

describe('bad reshape targets', () => {
  it('a target of another size is SHAPE_MISMATCH, with and without -1', () => {
    fc.assert(
      fc.property(shapeArb({ maxDim: 4 }), shapeArb({ maxDim: 5 }), fc.boolean(), fc.nat(), (shape, target, infer, at) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const known = target.reduce((a, b) => a * b, 1);
        if (infer && target.length > 0) {
          // With -1 in place of one dim, the rest must divide the size; pick targets where they do not.
          const t = [...target];
          t[at % t.length] = -1;
          const rest = t.reduce((a, b) => (b === -1 ? a : a * b), 1);
          fc.pre(rest !== 0 && size % rest !== 0);
          const e = expectCode(() => reshape(filled(shape), t), 'SHAPE_MISMATCH');
          expect(e.message).toContain(`(${size} elements)`);
        } else {
          fc.pre(known !== size);
          expectCode(() => reshape(filled(shape), target), 'SHAPE_MISMATCH');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('entries that are not integers ≥ -1, a repeated -1, or an ambiguous -1 are INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(shapeArb({ maxDim: 3 }), fc.oneof(nonIntegerArb, fc.integer({ min: -100, max: -2 })), fc.nat(), (shape, entry, at) => {
        const target: unknown[] = [...shape];
        target.splice(at % (target.length + 1), 0, entry);
        expectCode(() => reshape(filled(shape), bad(target)), 'INVALID_ARGUMENT');
      }),
      { numRuns: 200 },
    );
    expectCode(() => reshape(filled([2, 3]), [-1, -1]), 'INVALID_ARGUMENT');
    expectCode(() => reshape(filled([2, 0]), [0, -1]), 'INVALID_ARGUMENT');
    expectCode(() => reshape(filled([2, 3]), bad(6)), 'INVALID_ARGUMENT');
  });
});

describe('out-of-range axes', () => {
  // squeeze and flip also take a list of axes, or null for all (as reductions do), so those are not bad there.
  type AxisOp = [name: string, extra: number, call: (x: Tensor, axis: number) => unknown, takesList?: boolean];
  const idx = (): Tensor => tensor([0], undefined, 'int32');
  const ops: AxisOp[] = [
    ['squeeze', 0, (x, a) => squeeze(x, a), true],
    ['squeeze (list)', 0, (x, a) => squeeze(x, [a])],
    ['unsqueeze', 1, (x, a) => unsqueeze(x, a)],
    ['flatten startDim', 0, (x, a) => flatten(x, a)],
    ['flatten endDim', 0, (x, a) => flatten(x, 0, a)],
    ['concat', 0, (x, a) => concat([x, x], a)],
    ['stack', 1, (x, a) => stack([x, x], a)],
    ['split', 0, (x, a) => split(x, 1, a)],
    ['chunk', 0, (x, a) => chunk(x, 2, a)],
    ['flip', 0, (x, a) => flip(x, a), true],
    ['narrow', 0, (x, a) => narrow(x, a, 0, 0)],
    ['gather', 0, (x, a) => gather(x, idx(), a)],
    ['indexSelect', 0, (x, a) => indexSelect(x, a, idx())],
    [
      'takeAlongAxis',
      0,
      (x, a) =>
        takeAlongAxis(
          x,
          zeros(
            x.shape.map(() => 1),
            'int32',
          ),
          a,
        ),
    ],
    ['scatterAdd', 0, (x, a) => scatterAdd(x, tensor([], [0], 'int32'), zeros([0]), a)],
  ];
  for (const [name, extra, call, takesList] of ops) {
    it(`${name} rejects an axis outside the tensor with INVALID_ARGUMENT`, () => {
      fc.assert(
        fc.property(badAxisArb(extra), ({ shape, axis }) => {
          fc.pre(!takesList || (axis !== null && !Array.isArray(axis)));
          // Every dim at least 1 so that index-taking ops have valid indices and only the axis is wrong.
          const x = filled(shape.map((d) => Math.max(d, 1)));
          const e = expectCode(() => call(x, bad(axis)), 'INVALID_ARGUMENT');
          expect(e.message).toMatch(/argument '(axis|axes|dim0|dim1|startDim|endDim)'/);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('flip repeats of one axis and flatten with startDim after endDim are INVALID_ARGUMENT', () => {
    expectCode(() => flip(filled([2, 3]), [1, -1]), 'INVALID_ARGUMENT');
    expectCode(() => flip(filled([2, 3]), bad(undefined)), 'INVALID_ARGUMENT');
    expectCode(() => flatten(filled([2, 3, 4]), 2, 1), 'INVALID_ARGUMENT');
  });

  it('ops that need an axis reject scalars (and tril/triu anything below rank 2) with SHAPE_MISMATCH', () => {
    const s = filled([]);
    expectCode(() => concat([s, s]), 'SHAPE_MISMATCH');
    expectCode(() => split(s, 1), 'SHAPE_MISMATCH');
    expectCode(() => chunk(s, 1), 'SHAPE_MISMATCH');
    expectCode(() => narrow(s, 0, 0, 0), 'SHAPE_MISMATCH');
    expectCode(() => gather(s, tensor([], [0], 'int32')), 'SHAPE_MISMATCH');
    expectCode(() => tril(filled([3])), 'SHAPE_MISMATCH');
    expectCode(() => triu(s), 'SHAPE_MISMATCH');
    expectCode(() => embedding(filled([4]), tensor([0], undefined, 'int32')), 'SHAPE_MISMATCH');
  });
});

describe('out-of-range indices', () => {
  const badIndexArb = shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 4 }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: 0, max: shape.length - 1 }),
      n: fc.integer({ min: 1, max: 5 }),
      at: fc.nat(),
      outside: fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.integer({ min: 0, max: 1000 })),
      seed: seedArb,
    }),
  );

  /** 1-D int32 indices valid for `bound` except entry `at`, which is `outside` moved out of `[0, bound)`. */
  function withBadEntry(n: number, at: number, outside: number, bound: number): { indices: Tensor; value: number } {
    const value = outside < 0 ? outside : bound + outside;
    const values = new Array<number>(n).fill(0);
    values[at % n] = value;
    return { indices: tensor(values, undefined, 'int32'), value };
  }

  it('gather, indexSelect, take, takeAlongAxis, scatterAdd, embedding and oneHot name the first bad index and the valid range', () => {
    fc.assert(
      fc.property(badIndexArb, ({ shape, axis, n, at, outside }) => {
        const x = filled(shape);
        const dim = shape[axis];
        const { indices, value } = withBadEntry(n, at, outside, dim);
        const checks: [() => unknown, number][] = [
          [() => gather(x, indices, axis), dim],
          [() => indexSelect(x, axis, indices), dim],
          [() => scatterAdd(x, indices, zeros([...shape.slice(0, axis), n, ...shape.slice(axis + 1)]), axis), dim],
          [() => embedding(filled([dim, 2]), indices), dim],
          [() => oneHot(indices, dim), dim],
        ];
        const flat = withBadEntry(n, at, outside, x.size);
        checks.push([() => take(x, flat.indices), x.size]);
        for (const [call, bound] of checks) {
          const e = expectCode(call, 'INVALID_ARGUMENT');
          expect(e.message).toContain(`holds ${bound === dim ? value : flat.value}`);
          expect(e.message).toContain(`[0, ${bound - 1}]`);
        }
        // takeAlongAxis: indices of x's rank with one bad entry along the axis.
        const along = shape.map((d, k) => (k === axis ? n : d));
        const values = new Array<number>(along.reduce((a, b) => a * b, 1)).fill(0);
        values[at % values.length] = value;
        const e = expectCode(() => takeAlongAxis(x, tensor(values, along, 'int32'), axis), 'INVALID_ARGUMENT');
        expect(e.message).toContain(`holds ${value}`);
      }),
      { numRuns: 150 },
    );
  });

  it('any index into an empty axis is INVALID_ARGUMENT', () => {
    expectCode(() => gather(filled([0, 2]), tensor([0], undefined, 'int32')), 'INVALID_ARGUMENT');
    expectCode(() => oneHot(tensor([0], undefined, 'int32'), 0), 'INVALID_ARGUMENT');
  });
});

describe('non-integer and out-of-range sizes', () => {
  it('slice rejects non-integer, mis-sized or out-of-bounds begin/size with INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, maxDim: 4 }), fc.nat(), nonIntegerArb, fc.integer({ min: 0, max: 3 }), (shape, at, junk, kind) => {
        const x = filled(shape);
        const begin: unknown[] = shape.map(() => 0);
        const size: unknown[] = [...shape];
        const d = at % shape.length;
        if (kind === 0) begin[d] = junk;
        else if (kind === 1) size[d] = junk;
        else if (kind === 2) size[d] = shape[d] + 1 + (at % 3);
        else begin.push(0);
        expectCode(() => slice(x, bad(begin), bad(size)), 'INVALID_ARGUMENT');
      }),
      { numRuns: 200 },
    );
    expectCode(() => slice(filled([3]), [-4], [1]), 'INVALID_ARGUMENT');
    expectCode(() => slice(filled([3]), [1], [-2]), 'INVALID_ARGUMENT');
  });

  it('split, chunk, narrow, pad, expand and tril/triu reject non-integer sizes with INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(nonIntegerArb, (junk) => {
        const x = filled([4, 3]);
        expectCode(() => split(x, bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => split(x, bad([2, junk])), 'INVALID_ARGUMENT');
        expectCode(() => chunk(x, bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => narrow(x, 0, bad(junk), 1), 'INVALID_ARGUMENT');
        expectCode(() => narrow(x, 0, 0, bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => pad(x, bad([[0, junk]])), 'INVALID_ARGUMENT');
        expectCode(() => expand(x, bad([junk, 4, 3])), 'INVALID_ARGUMENT');
        expectCode(() => tril(x, bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => triu(x, bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => oneHot(tensor([0], undefined, 'int32'), bad(junk)), 'INVALID_ARGUMENT');
      }),
      { numRuns: 100 },
    );
  });

  it('negative or non-positive counts, sections that do not add up, and negative pads are INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20, max: -1 }), fc.integer({ min: 0, max: 8 }), (negative, total) => {
        const x = filled([4, 3]);
        expectCode(() => split(x, negative), 'INVALID_ARGUMENT');
        expectCode(() => split(x, [total === 4 ? 5 : total]), 'INVALID_ARGUMENT');
        expectCode(() => chunk(x, negative + 1), 'INVALID_ARGUMENT');
        expectCode(() => pad(x, [[negative, 0]]), 'INVALID_ARGUMENT');
        expectCode(
          () =>
            pad(x, [
              [0, 0],
              [0, 0],
              [0, 0],
            ]),
          'INVALID_ARGUMENT',
        );
        expectCode(() => narrow(x, 0, 0, negative), 'INVALID_ARGUMENT');
        expectCode(() => narrow(x, 0, 3, 2), 'INVALID_ARGUMENT');
        expectCode(() => oneHot(tensor([0], undefined, 'int32'), negative), 'INVALID_ARGUMENT');
      }),
      { numRuns: 50 },
    );
    expectCode(() => split(filled([4]), 0), 'INVALID_ARGUMENT');
    expectCode(() => pad(filled([2], 'int32'), [[1, 1]], 0.5), 'INVALID_ARGUMENT');
    expectCode(() => pad(filled([2], 'bool'), [[1, 1]], 2), 'INVALID_ARGUMENT');
    expectCode(() => expand(filled([2]), [-1, 2]), 'INVALID_ARGUMENT');
  });
});

describe('wrong dtypes', () => {
  const notInt32 = fc.constantFrom<DType>('float32', 'float64', 'bool');

  it('indices of any dtype but int32 are DTYPE_MISMATCH', () => {
    fc.assert(
      fc.property(notInt32, (dtype) => {
        const x = filled([3, 2]);
        const i = zeros([2], { dtype });
        expectCode(() => gather(x, i), 'DTYPE_MISMATCH');
        expectCode(() => indexSelect(x, 0, i), 'DTYPE_MISMATCH');
        expectCode(() => take(x, i), 'DTYPE_MISMATCH');
        expectCode(() => takeAlongAxis(x, zeros([3, 2], { dtype }), 1), 'DTYPE_MISMATCH');
        expectCode(() => scatterAdd(x, i, filled([2, 2])), 'DTYPE_MISMATCH');
        expectCode(() => embedding(x, i), 'DTYPE_MISMATCH');
        expectCode(() => oneHot(i, 3), 'DTYPE_MISMATCH');
      }),
    );
  });

  it('concat and stack of mixed dtypes, and scatterAdd with mismatched or bool values, are DTYPE_MISMATCH', () => {
    const dtypes = fc.constantFrom<DType>('float32', 'int32', 'float64', 'bool');
    fc.assert(
      fc.property(dtypes, dtypes, fc.nat({ max: 3 }), (a, b, where) => {
        fc.pre(a !== b);
        const xs = [filled([2, 3], a), filled([2, 3], a), filled([2, 3], a), filled([2, 3], a)];
        xs[where] = filled([2, 3], b);
        fc.pre(xs.some((t) => t.dtype !== xs[0].dtype));
        expectCode(() => concat(xs, 1), 'DTYPE_MISMATCH');
        expectCode(() => stack(xs), 'DTYPE_MISMATCH');
        const idx = tensor([0], undefined, 'int32');
        if (a !== 'bool') expectCode(() => scatterAdd(filled([2, 3], a), idx, filled([1, 3], b)), 'DTYPE_MISMATCH');
      }),
    );
    expectCode(() => scatterAdd(filled([2], 'bool'), tensor([0], undefined, 'int32'), filled([1], 'bool')), 'DTYPE_MISMATCH');
  });
});

describe('mismatched shapes', () => {
  it('concat of tensors that differ outside the axis, or in rank, is SHAPE_MISMATCH', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }), fc.nat(), fc.integer({ min: 1, max: 3 }), fc.boolean(), (shape, at, delta, rankChange) => {
        const axis = at % shape.length;
        let other: number[];
        if (rankChange) other = [...shape, 1];
        else {
          fc.pre(shape.length >= 2);
          const d = (axis + 1 + (at % (shape.length - 1))) % shape.length;
          other = [...shape];
          other[d] += delta;
        }
        const e = expectCode(() => concat([filled(shape), filled(other)], axis), 'SHAPE_MISMATCH');
        expect(e.message).toContain(`[${other.join(', ')}]`);
        expectCode(() => stack([filled(shape), filled(other)], axis), 'SHAPE_MISMATCH');
      }),
      { numRuns: 200 },
    );
  });

  it('expand to an incompatible or shorter shape is SHAPE_MISMATCH', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, minDim: 2, maxDim: 4 }), fc.nat(), fc.integer({ min: 1, max: 3 }), (shape, at, delta) => {
        const target = [...shape];
        target[at % shape.length] += delta;
        expectCode(() => expand(filled(shape), target), 'SHAPE_MISMATCH');
        expectCode(() => expand(filled(shape), shape.slice(1)), 'SHAPE_MISMATCH');
      }),
    );
  });

  it('scatterAdd updates not shaped like the gather result, and takeAlongAxis indices of another rank or larger, are SHAPE_MISMATCH', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 3 }), fc.nat(), fc.integer({ min: 1, max: 2 }), (shape, at, delta) => {
        const axis = at % shape.length;
        const x = filled(shape);
        const idx = tensor([0, 0], undefined, 'int32');
        const good = [...shape.slice(0, axis), 2, ...shape.slice(axis + 1)];
        const wrong = [...good];
        wrong[at % wrong.length] += delta;
        const e = expectCode(() => scatterAdd(x, idx, filled(wrong), axis), 'SHAPE_MISMATCH');
        expect(e.message).toContain(`[${good.join(', ')}]`);
        expectCode(() => takeAlongAxis(x, zeros([...shape, 1], 'int32'), axis), 'SHAPE_MISMATCH');
        if (shape.length > 1) {
          const larger = [...shape];
          larger[(axis + 1) % shape.length] += delta;
          expectCode(() => takeAlongAxis(x, zeros(larger, 'int32'), axis), 'SHAPE_MISMATCH');
        }
      }),
      { numRuns: 150 },
    );
    expectCode(() => indexSelect(filled([3]), 0, zeros([1, 1], 'int32')), 'SHAPE_MISMATCH');
  });
});

describe('arguments that are not tensors, other backends, disposed tensors', () => {
  it('non-tensor inputs and empty or non-array tensor lists are INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(fc.constantFrom<unknown>(null, undefined, 3, 'x', [1, 2], {}, new Float32Array(2)), (junk) => {
        expectCode(() => reshape(bad(junk), [1]), 'INVALID_ARGUMENT');
        expectCode(() => permute(bad(junk), []), 'INVALID_ARGUMENT');
        expectCode(() => expand(bad(junk), [1]), 'INVALID_ARGUMENT');
        expectCode(() => slice(bad(junk), [], []), 'INVALID_ARGUMENT');
        expectCode(() => pad(bad(junk), []), 'INVALID_ARGUMENT');
        expectCode(() => concat(bad([filled([1]), junk])), 'INVALID_ARGUMENT');
        expectCode(() => gather(filled([2]), bad(junk)), 'INVALID_ARGUMENT');
        expectCode(() => oneHot(bad(junk), 2), 'INVALID_ARGUMENT');
      }),
    );
    expectCode(() => concat([]), 'INVALID_ARGUMENT');
    expectCode(() => stack(bad('xs')), 'INVALID_ARGUMENT');
  });

  it('tensors on two backends are BACKEND_MISMATCH; a disposed tensor is DISPOSED', () => {
    registerBackend({ ...cpuBackend, name: 'cpu-twin' });
    const here = filled([2, 2]);
    const there = zeros([2, 2], { backend: 'cpu-twin' });
    expectCode(() => concat([here, there]), 'BACKEND_MISMATCH');
    expectCode(() => gather(here, tensor([0], undefined, { dtype: 'int32', backend: 'cpu-twin' })), 'BACKEND_MISMATCH');
    expectCode(() => scatterAdd(here, tensor([0], undefined, 'int32'), zeros([1, 2], { backend: 'cpu-twin' })), 'BACKEND_MISMATCH');
    const gone = filled([2, 3]);
    gone.dispose();
    expectCode(() => reshape(gone, [3, 2]), 'DISPOSED');
    expectCode(() => transpose(gone), 'DISPOSED');
  });
});

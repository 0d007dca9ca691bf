// fast-check arbitraries for the math op suites: shapes, broadcast-compatible shape pairs, axis sets.
import fc from 'fast-check';
import type { Shape } from '@seqlab/tensor-core';

/** A shape of rank `minRank..maxRank` with dims in `minDim..maxDim` (0 allowed when `minDim` is 0). */
export function shapeArb({ minRank = 0, maxRank = 5, minDim = 0, maxDim = 4 } = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * `count` shapes that broadcast together: each starts from a common output shape, drops some leading dims
 * and sets some others to 1 (the edge cases: size-1 dims, rank-0 scalars, empty dims).
 */
export function broadcastShapesArb(count: number, { maxRank = 5, maxDim = 4, minDim = 0 } = {}): fc.Arbitrary<number[][]> {
  return shapeArb({ maxRank, maxDim, minDim }).chain((out) => {
    const one = fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.array(one, { minLength: count, maxLength: count });
  });
}

/** A shape together with a list of distinct axes of it, each possibly negative. */
export function shapeAndAxesArb(
  opts: { minRank?: number; maxRank?: number; minDim?: number; maxDim?: number } = {},
): fc.Arbitrary<{ shape: number[]; axes: number[] }> {
  return shapeArb(opts).chain((shape) =>
    fc
      .tuple(fc.subarray(shape.map((_, i) => i)), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
      .map(([axes, negative]) => ({ shape, axes: axes.map((a) => (negative[a] ? a - shape.length : a)) })),
  );
}

/** Seeds for the seeded value generator. */
export const seedArb: fc.Arbitrary<number> = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Shape of the NumPy broadcast of `shapes` (assumed compatible). */
export function broadcastAll(shapes: readonly Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = i + rank - s.length;
      if (s[i] !== 1) out[o] = s[i];
    }
  }
  return out;
}

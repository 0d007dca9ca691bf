// viewAsTensor: the composed path's q/k/v equal, element for element and in gradient, what the fused kernel reads through the same view.
import '@seqlab/autograd';
import { Generator, mul, randn, ShapeMismatchError, sum, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import type { HeadView } from '../src/attention-spec.js';
import { contiguousView, headView, viewAsTensor } from '../src/head-views.js';

type Shape4 = [number, number, number, number];

/** The flat positions of `source` that `view` reads, in `[B, H, rows, cols]` order, as the fused kernel reads them. */
function positions(view: HeadView, [B, H, R, C]: Shape4): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < R; i++) for (let c = 0; c < C; c++) out.push(view.offset + b * view.batchStride + h * view.headStride + i * view.rowStride + c);
    }
  }
  return out;
}

function check(source: Tensor, view: HeadView, shape: Shape4): void {
  const g = new Generator(7);
  const x = source.detach().requiresGrad_();
  const t = viewAsTensor(x, view, shape);
  expect(t.shape).toEqual(shape);
  const data = x.dataSync();
  const at = positions(view, shape);
  expect(Array.from(t.dataSync())).toEqual(at.map((p) => data[p]));
  const w = randn(shape, { generator: g });
  sum(mul(t, w)).backward();
  const expected = new Array<number>(x.size).fill(0);
  const wd = w.dataSync();
  at.forEach((p, j) => (expected[p] += wd[j]));
  expect(Array.from(x.grad!.dataSync())).toEqual(expected);
}

describe('viewAsTensor', () => {
  const layouts: [string, number, number, number, number, number][] = [
    // name, batch, length, heads, headDim, width in heads
    ['several of each', 2, 3, 2, 2, 6],
    ['batch of one', 1, 3, 2, 2, 6],
    ['length one', 2, 1, 2, 2, 4],
    ['one head', 2, 3, 1, 4, 3],
    ['all ones but width', 1, 1, 1, 3, 2],
  ];
  for (const batchFirst of [true, false]) {
    it.each(layouts)(`reads heads side by side in a ${batchFirst ? 'batch' : 'sequence'}-first projection (%s)`, (_, B, L, H, D, groups) => {
      const W = groups * H * D;
      const projection = randn(batchFirst ? [B, L, W] : [L, B, W], { generator: new Generator(B * 100 + L * 10 + H) });
      for (let group = 0; group < groups; group++) {
        check(projection, headView(projection, { source: 0, column: group * H * D }, D, batchFirst), [B, H, L, D]);
      }
    });
  }

  it.each([[[2, 3, 4, 5]], [[1, 3, 4, 5]], [[2, 1, 4, 5]], [[2, 3, 1, 5]], [[2, 3, 4, 1]], [[1, 1, 1, 1]]] as Shape4[][])(
    'reads a contiguous %j tensor as itself',
    (shape) => {
      const x = randn(shape, { generator: new Generator(11) });
      check(x, contiguousView(0, shape[1], shape[2], shape[3]), shape);
    },
  );

  it('reads an empty view as an empty tensor of its shape', () => {
    const x = randn([2, 0, 6], { generator: new Generator(2) });
    expect(viewAsTensor(x, headView(x, { source: 0, column: 2 }, 2, true), [2, 2, 0, 2]).shape).toEqual([2, 2, 0, 2]);
    expect(viewAsTensor(x, contiguousView(0, 2, 0, 3), [2, 2, 0, 3]).shape).toEqual([2, 2, 0, 3]);
  });

  it('rejects a view that does not fit in the source', () => {
    const x = randn([2, 3, 4], { generator: new Generator(1) });
    expect(() => viewAsTensor(x, { source: 0, offset: 2, batchStride: 12, headStride: 4, rowStride: 1 }, [2, 3, 1, 4])).toThrow(ShapeMismatchError);
  });
});

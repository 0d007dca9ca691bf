// Every differentiable tensor-core op is gradchecked here in float64 (broadcasting and reductions included).
import { describe, expect, it } from 'vitest';
import * as tc from '@seqlab/tensor-core';
import { Generator, tensor, type Tensor } from '@seqlab/tensor-core';
import { gradcheck } from '@seqlab/autograd';
import { leaf } from './helpers.js';

const gen = new Generator(1234);
const check = (fn: (...xs: Tensor[]) => Tensor | readonly Tensor[], inputs: Tensor[]): void => {
  expect(gradcheck(fn, inputs)).toBe(true);
};
const idx = (values: number[], shape?: number[]): Tensor => tensor(values, shape, 'int32');

describe('gradcheck: unary ops', () => {
  const cases: [string, (x: Tensor) => Tensor, number, number][] = [
    ['neg', tc.neg, -2, 2],
    ['abs', tc.abs, 0.1, 2],
    ['exp', tc.exp, -2, 2],
    ['log', tc.log, 0.2, 3],
    ['log1p', tc.log1p, -0.5, 2],
    ['sqrt', tc.sqrt, 0.2, 3],
    ['rsqrt', tc.rsqrt, 0.2, 3],
    ['tanh', tc.tanh, -2, 2],
    ['sigmoid', tc.sigmoid, -3, 3],
    ['relu', tc.relu, 0.1, 2],
    ['sin', tc.sin, -3, 3],
    ['cos', tc.cos, -3, 3],
    ['square', tc.square, -2, 2],
    ['reciprocal', tc.reciprocal, 0.3, 2],
  ];
  for (const [name, fn, lo, hi] of cases) {
    it(name, () => check(fn, [leaf(gen, [2, 3], lo, hi)]));
  }

  it('abs and relu on both sides of the kink', () => {
    const x = tensor([-1.5, -0.3, 0.4, 2], undefined, 'float64').requiresGrad_();
    check(tc.abs, [x]);
    check(tc.relu, [x]);
  });

  it('piecewise-constant ops have zero gradient', () => {
    for (const fn of [tc.sign, tc.floor, tc.ceil, tc.round]) {
      const x = tensor([-1.3, 0.2, 2.6], undefined, 'float64').requiresGrad_();
      tc.sum(fn(x)).backward();
      expect(x.grad?.toArray()).toEqual([0, 0, 0]);
    }
  });

  it('gelu, exact and tanh approximation', () => {
    const x = tensor([-3, -1.2, -0.1, 0, 0.3, 1.7], undefined, 'float64').requiresGrad_();
    check((a) => tc.gelu(a), [x]);
    check((a) => tc.gelu(a, { approximate: 'tanh' }), [x]);
  });

  it('clamp passes the gradient inside the bounds only', () => {
    check((a) => tc.clamp(a, -0.5, 0.7), [tensor([-1, -0.2, 0.3, 1.4], undefined, 'float64').requiresGrad_()]);
    check((a) => tc.clamp(a, 0), [leaf(gen, [5])]);
  });
});

describe('gradcheck: binary ops with broadcasting', () => {
  const pairs: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', tc.add],
    ['sub', tc.sub],
    ['mul', tc.mul],
    ['div', tc.div],
    ['maximum', tc.maximum],
    ['minimum', tc.minimum],
  ];
  for (const [name, fn] of pairs) {
    it(`${name}: same shape, row broadcast, column broadcast and scalar`, () => {
      check(fn, [leaf(gen, [2, 3], 0.5, 2), leaf(gen, [2, 3], 0.5, 2)]);
      check(fn, [leaf(gen, [2, 3], 0.5, 2), leaf(gen, [3], 0.5, 2)]);
      check(fn, [leaf(gen, [4, 1], 0.5, 2), leaf(gen, [2, 1, 3], 0.5, 2)]);
      check(fn, [leaf(gen, [], 0.5, 2), leaf(gen, [2, 2], 0.5, 2)]);
    });
  }

  it('pow in both arguments', () => {
    check(tc.pow, [leaf(gen, [2, 3], 0.5, 2), leaf(gen, [3], -1.5, 2)]);
    check((a) => tc.pow(a, 3), [leaf(gen, [4], -2, 2)]);
  });

  it("pow gives PyTorch's finite gradients at a zero base", () => {
    const a = tensor([0, 0], undefined, 'float64').requiresGrad_();
    const b = tensor([2, 0], undefined, 'float64').requiresGrad_();
    tc.sum(tc.pow(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([0, 0]);
    expect(b.grad?.toArray()).toEqual([0, 0]);
  });

  it('maximum splits the gradient at ties', () => {
    const a = tensor([1, 2], undefined, 'float64').requiresGrad_();
    const b = tensor([1, 3], undefined, 'float64').requiresGrad_();
    tc.sum(tc.maximum(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([0.5, 0]);
    expect(b.grad?.toArray()).toEqual([0.5, 1]);
  });

  it('where routes the gradient by the mask, with broadcasting', () => {
    const cond = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    check((a, b) => tc.where(cond, a, b), [leaf(gen, [2, 3]), leaf(gen, [3])]);
    check((a) => tc.where(cond, a, 0), [leaf(gen, [2, 1])]);
  });
});

describe('gradcheck: reductions', () => {
  it('sum over all, one, several axes, keepDims', () => {
    const x = leaf(gen, [2, 3, 4]);
    check((a) => tc.sum(a), [x]);
    check((a) => tc.sum(a, 1), [x]);
    check((a) => tc.sum(a, [0, 2], true), [x]);
    check((a) => tc.sum(a, -1, false), [x]);
    check((a) => tc.sum(a, []), [x]);
  });

  it('max and min (no ties)', () => {
    const x = leaf(gen, [3, 4]);
    for (const fn of [tc.max, tc.min]) {
      check((a) => fn(a), [x]);
      check((a) => fn(a, 1), [x]);
      check((a) => fn(a, 0, true), [x]);
    }
  });

  it('max spreads the gradient evenly among ties, as torch.amax', () => {
    const x = tensor(
      [
        [1, 3, 3],
        [2, 0, 1],
      ],
      undefined,
      'float64',
    ).requiresGrad_();
    tc.sum(tc.max(x, 1)).backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
  });

  it('prod, including slices with one and two zeros', () => {
    check((a) => tc.prod(a, 1), [leaf(gen, [3, 4], 0.5, 1.5)]);
    check((a) => tc.prod(a), [leaf(gen, [5], -1.5, 1.5)]);
    const x = tensor(
      [
        [2, 0, 3],
        [0, 0, 5],
        [1, 2, 3],
      ],
      undefined,
      'float64',
    ).requiresGrad_();
    tc.sum(tc.prod(x, 1)).backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 6, 0],
      [0, 0, 0],
      [6, 3, 2],
    ]);
    check(
      (a) => tc.prod(a, 1),
      [
        tensor(
          [
            [2, 0, 3],
            [0, 0, 5],
            [1, 2, 3],
          ],
          undefined,
          'float64',
        ).requiresGrad_(),
      ],
    );
  });

  it('composites: mean, variance, logSumExp', () => {
    const x = leaf(gen, [3, 4]);
    check((a) => tc.mean(a, 1), [x]);
    check((a) => tc.mean(a), [x]);
    check((a) => tc.variance(a, 1), [x]);
    check((a) => tc.variance(a, 0, { correction: 0, keepDims: true }), [x]);
    check((a) => tc.logSumExp(a, 1), [x]);
    check((a) => tc.logSumExp(a, [0, 1], true), [x]);
  });
});

describe('gradcheck: softmax', () => {
  it('softmax and logSoftmax along every axis', () => {
    const x = leaf(gen, [2, 3, 4]);
    for (const axis of [0, 1, -1]) {
      check((a) => tc.softmax(a, axis), [x]);
      check((a) => tc.logSoftmax(a, axis), [x]);
    }
  });
});

describe('gradcheck: matmul', () => {
  it('2-D with every transpose flag combination', () => {
    const a = leaf(gen, [3, 4]);
    const b = leaf(gen, [4, 2]);
    const at = leaf(gen, [4, 3]);
    const bt = leaf(gen, [2, 4]);
    check((x, y) => tc.matmul(x, y), [a, b]);
    check((x, y) => tc.matmul(x, y, { transA: true }), [at, b]);
    check((x, y) => tc.matmul(x, y, { transB: true }), [a, bt]);
    check((x, y) => tc.matmul(x, y, { transA: true, transB: true }), [at, bt]);
  });

  it('broadcast batch dimensions', () => {
    check((x, y) => tc.matmul(x, y), [leaf(gen, [2, 3, 4]), leaf(gen, [4, 2])]);
    check((x, y) => tc.matmul(x, y), [leaf(gen, [2, 1, 3, 2]), leaf(gen, [3, 2, 4])]);
    check((x, y) => tc.matmul(x, y, { transB: true }), [leaf(gen, [2, 3, 4]), leaf(gen, [2, 5, 4])]);
  });

  it('batched A against a shared 2-D B with every transpose flag combination', () => {
    const a = leaf(gen, [2, 3, 3, 4]);
    const at = leaf(gen, [2, 3, 4, 3]);
    const b = leaf(gen, [4, 5]);
    const bt = leaf(gen, [5, 4]);
    check((x, y) => tc.matmul(x, y), [a, b]);
    check((x, y) => tc.matmul(x, y, { transA: true }), [at, b]);
    check((x, y) => tc.matmul(x, y, { transB: true }), [a, bt]);
    check((x, y) => tc.matmul(x, y, { transA: true, transB: true }), [at, bt]);
    check((x, y) => tc.matmul(x, y), [leaf(gen, [2, 3, 4]), leaf(gen, [4])]);
  });

  it('NumPy 1-D rules', () => {
    check((x, y) => tc.matmul(x, y), [leaf(gen, [4]), leaf(gen, [4, 3])]);
    check((x, y) => tc.matmul(x, y), [leaf(gen, [2, 3, 4]), leaf(gen, [4])]);
    check((x, y) => tc.matmul(x, y), [leaf(gen, [4]), leaf(gen, [4])]);
    check((x, y) => tc.matmul(x, y), [leaf(gen, [4]), leaf(gen, [2, 4, 3])]);
  });
});

describe('gradcheck: movement', () => {
  const x = leaf(gen, [2, 3, 4]);
  it('reshape, flatten, squeeze, unsqueeze', () => {
    check((a) => tc.reshape(a, [4, -1]), [x]);
    check((a) => tc.flatten(a, 1), [x]);
    check((a) => tc.squeeze(tc.unsqueeze(a, 1), 1), [x]);
    check((a) => tc.unsqueeze(a, -1), [x]);
  });

  it('Tensor.view is reshape: gradchecked, recorded, and the gradient reaches the leaf in its own shape', () => {
    check((a) => a.view([4, -1]), [x]);
    check((a) => tc.mul(a.view([6, 4]), a.view([6, 4])), [x]);
    const leafX = tensor([1, 2, 3, 4, 5, 6], undefined, 'float64').requiresGrad_();
    const y = leafX.view([2, -1]);
    expect(y.gradNode).not.toBeNull();
    tc.sum(
      tc.mul(
        y,
        tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          undefined,
          'float64',
        ),
      ),
    ).backward();
    expect(leafX.grad?.shape).toEqual([6]);
    expect(leafX.grad?.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('permute and transpose', () => {
    check((a) => tc.permute(a, [2, 0, 1]), [x]);
    check((a) => tc.transpose(a), [x]);
    check((a) => tc.transpose(a, 0, 2), [x]);
  });

  it('expand with new leading dims', () => {
    check((a) => tc.expand(a, [3, 2, 4]), [leaf(gen, [2, 1])]);
    check((a) => tc.expand(a, [2, -1, 3]), [leaf(gen, [4, 1])]);
  });

  it('slice and narrow', () => {
    check((a) => tc.slice(a, [0, 1, 1], [2, 2, -1]), [x]);
    check((a) => tc.narrow(a, 2, 1, 2), [x]);
  });

  it('concat, stack, split, chunk', () => {
    const y = leaf(gen, [2, 1, 4]);
    check((a, b) => tc.concat([a, b, a], 1), [x, y]);
    check((a, b) => tc.stack([a, b], 0), [leaf(gen, [3, 2]), leaf(gen, [3, 2])]);
    check((a) => tc.split(a, [1, 2], 1), [x]);
    check((a) => tc.chunk(a, 2, 2)[1], [x]);
  });

  it('pad, flip, tril, triu', () => {
    check(
      (a) =>
        tc.pad(
          a,
          [
            [1, 0],
            [2, 1],
          ],
          3,
        ),
      [x],
    );
    check((a) => tc.flip(a, [0, 2]), [x]);
    check((a) => tc.tril(a, 1), [x]);
    check((a) => tc.triu(a, -1), [x]);
  });
});

describe('gradcheck: indexing', () => {
  const x = leaf(gen, [4, 3]);
  it('gather with repeated indices (gradients add up)', () => {
    check((a) => tc.gather(a, idx([2, 0, 2, 3]), 0), [x]);
    check((a) => tc.gather(a, idx([1, 1, 0, 2], [2, 2]), 1), [x]);
  });

  it('indexSelect, take, takeAlongAxis, embedding', () => {
    check((a) => tc.indexSelect(a, 1, idx([2, 2, 0])), [x]);
    check((a) => tc.take(a, idx([11, 0, 5, 5])), [x]);
    check((a) => tc.takeAlongAxis(a, idx([0, 2, 1, 0], [4, 1]), 1), [x]);
    check((w) => tc.embedding(w, idx([3, 1, 1, 0], [2, 2])), [x]);
  });

  it('scatterAdd in both x and updates', () => {
    check((a, u) => tc.scatterAdd(a, idx([1, 1, 3]), u, 0), [x, leaf(gen, [3, 3])]);
  });

  it('cast carries the gradient back in the input dtype', () => {
    const a = tensor([1, 2], undefined, 'float64').requiresGrad_();
    const y = tc.cast(a, 'float32');
    tc.sum(tc.mul(y, tensor([3, 4]))).backward();
    expect(a.grad?.dtype).toBe('float64');
    expect(a.grad?.toArray()).toEqual([3, 4]);
    expect(tc.cast(a, 'int32').requiresGrad).toBe(false);
  });
});

describe('gradcheck itself', () => {
  it('detects a wrong gradient rule', async () => {
    const { customOp } = await import('@seqlab/autograd');
    const wrong = customOp({
      name: 'wrongSquare',
      inputs: ['x'],
      forward: ([a]) => ({ outputs: tc.square(a) }),
      backward: ([g], _s, { inputs: [a] }) => [tc.mul(g, a)],
    });
    const a = leaf(gen, [3], 0.5, 1);
    expect(gradcheck(wrong, [a], { raiseException: false })).toBe(false);
    expect(() => gradcheck(wrong, [a])).toThrow(/backward gave/);
  });

  it("requires float64 inputs and leaves the caller's gradients alone", () => {
    const a32 = tensor([1, 2]).requiresGrad_();
    expect(() => gradcheck(tc.exp, [a32])).toThrowError(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    const a = leaf(gen, [2]);
    gradcheck(tc.exp, [a]);
    expect(a.grad).toBeNull();
  });
});

// onRows: a position-wise layer on the stacked rows of [..., features] gives the layer's own values and gradients.
import { Linear } from '@seqlab/autograd';
import { Generator, randn, sum, mul, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { onRows } from '../src/rows.js';

function valuesAndGrads(x: Tensor, apply: (x: Tensor) => Tensor, layer: Linear, weights: Tensor): number[][] {
  layer.zeroGrad();
  const xv = x.detach().requiresGrad_();
  const y = apply(xv);
  sum(mul(y, weights)).backward();
  return [
    Array.from(y.dataSync()),
    y.shape.slice(),
    Array.from(xv.grad!.dataSync()),
    Array.from(layer.weight.grad!.dataSync()),
    Array.from(layer.bias!.grad!.dataSync()),
  ];
}

describe('onRows', () => {
  it.each([[[5, 3]], [[2, 4, 3]], [[2, 2, 3, 3]], [[0, 4, 3]]])('matches the layer applied to %j directly', (shape) => {
    const g = new Generator(3);
    const layer = new Linear(3, 2, { generator: g });
    const x = randn(shape, { generator: g });
    const weights = randn([...shape.slice(0, -1), 2], { generator: g });
    const direct = valuesAndGrads(x, (t) => layer.forward(t), layer, weights);
    const rows = valuesAndGrads(x, (t) => onRows(t, (r) => layer.forward(r)), layer, weights);
    expect(rows[1]).toEqual([...shape.slice(0, -1), 2]);
    for (let i = 0; i < direct.length; i++) {
      expect(rows[i].length).toBe(direct[i].length);
      rows[i].forEach((v, j) => expect(v).toBeCloseTo(direct[i][j], 5));
    }
  });
});

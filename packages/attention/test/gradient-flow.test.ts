// positionGradientFlow: ‖∂L/∂x_k‖ of a Transformer encoder against finite differences, causal masking, layouts, errors.
import '@seqlab/autograd';
import { Generator, mul, narrow, randn, reshape, sum, tensor, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { positionGradientFlow, TransformerEncoder, TransformerEncoderLayer } from '../src/index.js';

const layerOptions = (batchFirst: boolean, g: Generator) => ({ dimFeedforward: 8, dropout: 0, batchFirst, dtype: 'float64' as const, generator: g });

/** ‖∂L/∂x_k‖ by central differences over every element of position k. */
function finiteDifferenceNorm(encoder: TransformerEncoder, x: Tensor, k: number, isCausal: boolean): number {
  const data = x.dataSync() as Float64Array;
  const [B, L, D] = x.shape;
  const loss = (v: Float64Array): number => {
    const out = encoder.forward(tensor(v, [B, L, D], 'float64'), { isCausal });
    return sum(narrow(out, 1, L - 1, 1)).item();
  };
  let squares = 0;
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      const i = (b * L + k) * D + d;
      const plus = data.slice();
      const minus = data.slice();
      plus[i] += 1e-6;
      minus[i] -= 1e-6;
      squares += ((loss(plus) - loss(minus)) / 2e-6) ** 2;
    }
  }
  return Math.sqrt(squares);
}

describe('positionGradientFlow', () => {
  it.each([false, true])('equals finite differences at every position (isCausal %s), leaving parameter grads alone', (isCausal) => {
    const g = new Generator(0);
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(4, 2, layerOptions(true, g)), 2);
    const x = randn([2, 5, 4], { generator: g, dtype: 'float64' });
    const norms = positionGradientFlow(encoder, x, { isCausal });
    expect(norms).toHaveLength(5);
    for (let k = 0; k < 5; k++) expect(norms[k]).toBeCloseTo(finiteDifferenceNorm(encoder, x, k, isCausal), 6);
    expect(norms.every((v) => v > 0)).toBe(true);
    expect(encoder.parameters().every((p) => p.grad === null)).toBe(true);
    expect(x.grad ?? null).toBeNull();
  });

  it('takes a custom loss and the sequence-first layout of a single layer', () => {
    const g = new Generator(1);
    const layer = new TransformerEncoderLayer(4, 1, layerOptions(false, g));
    const x = randn([6, 1, 4], { generator: g, dtype: 'float64' });
    const doubled = positionGradientFlow(layer, x, { loss: (last) => mul(sum(reshape(last, [4])), 2) });
    const plain = positionGradientFlow(layer, x);
    for (let k = 0; k < 6; k++) expect(doubled[k]).toBeCloseTo(2 * plain[k], 10);
  });

  it('rejects an input of the wrong shape with both shapes named', () => {
    const layer = new TransformerEncoderLayer(4, 1, layerOptions(true, new Generator(2)));
    expect(() => positionGradientFlow(layer, randn([5, 4]))).toThrow(
      /positionGradientFlow: argument 'x' must have shape \[batch, length, 4\]; received \[5, 4\]/,
    );
  });
});

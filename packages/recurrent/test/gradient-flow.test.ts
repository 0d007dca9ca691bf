// The gradient-flow probe: exact ‖∂L/∂h_k‖ (checked by restarting from h_k), vanishing in a tanh RNN, kept by an LSTM.
import '@seqlab/autograd';
import { Generator, narrow, randn, reshape, sqrt, square, sum, tensor, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN, gradientFlow, type AnyRecurrentLayer } from '../src/index.js';

/** ∂L/∂h_k by brute force: run to step k, then restart from h_k as a leaf and differentiate the rest. */
function restartNorm(layer: AnyRecurrentLayer, x: Tensor, k: number): number {
  const T = x.shape[0];
  const head = layer instanceof LSTM ? layer.forward(narrow(x, 0, 0, k + 1)) : layer.forward(narrow(x, 0, 0, k + 1));
  const h = head.hN.detach().requiresGrad_();
  if (k === T - 1) return Math.sqrt(h.size);
  const c = 'cN' in head ? (head as { cN: Tensor }).cN.detach() : null;
  const rest = narrow(x, 0, k + 1, T - k - 1);
  const tail = layer instanceof LSTM ? layer.forward(rest, { h0: h, c0: c }) : layer.forward(rest, { h0: h });
  sum(narrow(tail.output, 0, T - k - 2, 1)).backward();
  return sqrt(sum(square(h.grad as Tensor))).item();
}

describe('gradientFlow', () => {
  it.each(['RNN', 'LSTM', 'GRU'])('%s: equals ∂L/∂h_k obtained by restarting from h_k, for every k', (kind) => {
    const g = new Generator(0);
    const options = { dtype: 'float64' as const, generator: g };
    const layer = kind === 'RNN' ? new RNN(3, 5, options) : kind === 'LSTM' ? new LSTM(3, 5, options) : new GRU(3, 5, options);
    const x = randn([6, 2, 3], { generator: g, dtype: 'float64' });
    const norms = gradientFlow(layer, x);
    expect(layer.parameters().every((p) => p.grad === null)).toBe(true);
    expect(norms).toHaveLength(6);
    expect(norms[5]).toBeCloseTo(Math.sqrt(10), 12);
    for (let k = 0; k < 6; k++) expect(norms[k]).toBeCloseTo(restartNorm(layer, x, k), 10);
  });

  it('shows the vanishing gradient: it decays geometrically in a tanh RNN, while an LSTM with open forget gates keeps it', () => {
    const g = new Generator(1);
    const x = randn([40, 4, 8], { generator: g });
    const rnn = gradientFlow(new RNN(8, 32, { generator: g }), x);
    for (let k = 1; k < 40; k++) expect(rnn[k - 1]).toBeLessThan(rnn[k]);
    expect(rnn[0] / rnn[39]).toBeLessThan(1e-6);
    const lstm = new LSTM(8, 32, { generator: g });
    // A forget-gate bias of 3 (σ(3) ≈ 0.95) is the usual remedy: the cell state carries the gradient back.
    const bias = lstm.cellParameters(0).biasIh as Tensor;
    const values = bias.dataSync();
    values.fill(3, 32, 64);
    bias.assign(tensor(values, [128]));
    const kept = gradientFlow(lstm, x);
    expect(kept[0] / kept[39]).toBeGreaterThan(1e3 * (rnn[0] / rnn[39]));
    expect(kept[20] / kept[39]).toBeGreaterThan(1e-2);
  });

  it('probes a chosen layer of a stack and accepts a custom loss on the last output', () => {
    const g = new Generator(2);
    const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true, dtype: 'float64', generator: g });
    const x = randn([2, 5, 3], { generator: g, dtype: 'float64' });
    const lower = gradientFlow(lstm, x, { layer: 0, loss: (last) => sum(reshape(last, [8])) });
    expect(lower).toHaveLength(5);
    expect(lower.every((v) => v > 0)).toBe(true);
    expect(() => gradientFlow(lstm, x, { layer: 2 })).toThrow(/'layer'/);
  });
});

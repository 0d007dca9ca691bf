// Layer behaviour beyond the goldens: packed-sequence semantics of lengths, state dict names, dropout, unbatched input.
import '@seqlab/autograd';
import { add, Generator, matmul, narrow, randn, relu, reshape, stack, transpose, zeros, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN } from '../src/index.js';
import { recurrentLengthsSuite } from '@seqlab/test-utils/parity-suites';
import { expectClose } from './helpers.js';

const tol = { rtol: 1e-12, atol: 1e-12 };

// Packed-sequence semantics of lengths, shared with the gpu backend's browser tests (packages/kernels-gpu).
recurrentLengthsSuite('cpu');

describe('state dict and options', () => {
  it('names parameters as PyTorch does, layer by layer with _reverse, in registration order', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const names = Object.keys(lstm.stateDict());
    const layer = (s: string): string[] => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((p) => `${p}${s}`);
    expect(names).toEqual([...layer('_l0'), ...layer('_l0_reverse'), ...layer('_l1'), ...layer('_l1_reverse')]);
    const shapes = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k, [...v.shape]]));
    expect(shapes.weight_ih_l0).toEqual([20, 3]);
    expect(shapes.weight_ih_l1).toEqual([20, 10]);
    expect(shapes.weight_hh_l1_reverse).toEqual([20, 5]);
    expect(Object.keys(new GRU(2, 3, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(lstm.namedChildren()).toEqual([]);
  });

  it('initialises every parameter from U(−1/√H, 1/√H), reproducibly from the seed', () => {
    const a = new GRU(4, 16, { generator: new Generator(11) });
    const b = new GRU(4, 16, { generator: new Generator(11) });
    for (const [name, p] of a.namedParameters()) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2);
      expect(values).toEqual(Array.from(b.stateDict()[name].dataSync()));
    }
  });

  it('applies dropout between layers in training only, never after the last layer', () => {
    const options = { numLayers: 2, dropout: 0.5, dtype: 'float64' as const, generator: new Generator(2) };
    const lstm = new LSTM(3, 4, options);
    const x = randn([4, 2, 3], { generator: new Generator(1), dtype: 'float64' });
    const evalOut = lstm.eval().forward(x).output;
    expectClose(lstm.eval().forward(x).output, evalOut, tol, 'eval is deterministic');
    const trainOut = lstm.train().forward(x).output;
    expect(Array.from(trainOut.dataSync())).not.toEqual(Array.from(evalOut.dataSync()));
    // One layer: there is no layer after which to drop, so training and eval agree.
    const single = new LSTM(3, 4, { ...options, numLayers: 1 });
    expectClose(single.train().forward(x).output, single.eval().forward(x).output, tol, 'single layer');
  });

  it('accepts unbatched input [seq, input] with states [layers·dirs, hidden]', () => {
    const gru = new GRU(3, 4, { bidirectional: true, dtype: 'float64', generator: new Generator(0) });
    const x = randn([5, 3], { generator: new Generator(1), dtype: 'float64' });
    const unbatched = gru.forward(x);
    const batched = gru.forward(reshape(x, [5, 1, 3]));
    expect([...unbatched.output.shape]).toEqual([5, 8]);
    expect([...unbatched.hN.shape]).toEqual([2, 4]);
    expectClose(unbatched.output, reshape(batched.output, [5, 8]), tol, 'output');
  });

  it('RNN with relu follows h = relu(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)', () => {
    const rnn = new RNN(3, 4, { nonlinearity: 'relu', dtype: 'float64', generator: new Generator(0) });
    const x = randn([5, 2, 3], { generator: new Generator(1), dtype: 'float64' });
    const { weightIh, weightHh, biasIh, biasHh } = rnn.cellParameters(0);
    let h = zeros([2, 4], 'float64');
    const steps: Tensor[] = [];
    for (let t = 0; t < 5; t++) {
      const pre = add(
        add(matmul(reshape(narrow(x, 0, t, 1), [2, 3]), weightIh, { transB: true }), biasIh!),
        add(matmul(h, weightHh, { transB: true }), biasHh!),
      );
      h = relu(pre);
      steps.push(h);
    }
    expectClose(rnn.forward(x).output, stack(steps), tol, 'output');
    expect(Array.from(rnn.forward(x).output.dataSync()).every((v) => v >= 0)).toBe(true);
  });

  it('batchFirst only changes the layout of x and output', () => {
    const a = new LSTM(3, 4, { batchFirst: true, dtype: 'float64', generator: new Generator(0) });
    const b = new LSTM(3, 4, { dtype: 'float64', generator: new Generator(0) });
    const x = randn([2, 5, 3], { generator: new Generator(1), dtype: 'float64' });
    const ra = a.forward(x);
    const rb = b.forward(transpose(x, 0, 1));
    expectClose(ra.output, transpose(rb.output, 0, 1), tol, 'output');
    expectClose(ra.hN, rb.hN, tol, 'hN');
  });
});

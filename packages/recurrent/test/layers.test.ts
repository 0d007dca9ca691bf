// Layer behaviour beyond the goldens: packed-sequence semantics of lengths, state dict names, dropout, unbatched input.
import '@seqlab/autograd';
import { add, Generator, matmul, narrow, randn, relu, reshape, stack, transpose, zeros, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN } from '../src/index.js';
import { expectClose } from './helpers.js';

const tol = { rtol: 1e-12, atol: 1e-12 };

describe.each([
  ['RNN', true],
  ['LSTM', true],
  ['LSTM', false],
  ['GRU', true],
  ['GRU', false],
] as const)('%s (fused %s) with lengths', (kind, fused) => {
  const make = (): RNN | LSTM | GRU => {
    const options = { numLayers: 2, bidirectional: true, batchFirst: true, dtype: 'float64' as const, generator: new Generator(3), fused };
    return kind === 'RNN' ? new RNN(3, 4, options) : kind === 'LSTM' ? new LSTM(3, 4, options) : new GRU(3, 4, options);
  };

  it('equals running each sequence alone on its valid prefix: zero outputs past the end, hN at the last valid step', () => {
    const layer = make();
    const lengths = [5, 2, 4];
    const x = randn([3, 5, 3], { generator: new Generator(4), dtype: 'float64' });
    const h0 = randn([4, 3, 4], { generator: new Generator(5), dtype: 'float64' });
    const padded = layer instanceof LSTM ? layer.forward(x, { h0, c0: h0, lengths }) : layer.forward(x, { h0, lengths });
    lengths.forEach((n, b) => {
      const xb = narrow(narrow(x, 0, b, 1), 1, 0, n);
      const hb = narrow(h0, 1, b, 1);
      const alone = layer instanceof LSTM ? layer.forward(xb, { h0: hb, c0: hb }) : layer.forward(xb, { h0: hb });
      expectClose(narrow(narrow(padded.output, 0, b, 1), 1, 0, n), alone.output, tol, `output of sequence ${b}`);
      expectClose(narrow(padded.hN, 1, b, 1), alone.hN, tol, `hN of sequence ${b}`);
      if ('cN' in padded && 'cN' in alone) expectClose(narrow(padded.cN, 1, b, 1), alone.cN, tol, `cN of sequence ${b}`);
      if (n < 5) expect(Array.from(narrow(narrow(padded.output, 0, b, 1), 1, n, 5 - n).dataSync()).every((v) => v === 0)).toBe(true);
    });
  });

  it('gives no gradient to padded inputs', () => {
    const layer = make();
    const x = randn([2, 5, 3], { generator: new Generator(4), dtype: 'float64' }).requiresGrad_();
    const r = layer.forward(x, { lengths: [5, 3] });
    r.output.backward(randn([...r.output.shape], { generator: new Generator(6), dtype: 'float64' }));
    const g = x.grad as Tensor;
    expect(Array.from(narrow(narrow(g, 0, 1, 1), 1, 3, 2).dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(narrow(narrow(g, 0, 1, 1), 1, 0, 3).dataSync()).some((v) => v !== 0)).toBe(true);
  });
});

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

// The fused sequence kernels and the composed ops give the same outputs, final states and gradients.
import { noGrad } from '@seqlab/autograd';
import { add, cpuBackend, Generator, getBackend, mul, randn, sum, type FusedRecurrentKernels, type Tensor } from '@seqlab/tensor-core';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { describe, expect, it, vi } from 'vitest';
import { GRU, LSTM, type RecurrentLayer } from '../src/index.js';
import { expectClose } from './helpers.js';

type Layer = LSTM | GRU;

interface Config {
  kind: 'LSTM' | 'GRU';
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  batchFirst: boolean;
  lengths: number[] | null;
}

const configs: Config[] = [
  { kind: 'LSTM', numLayers: 1, bidirectional: false, bias: true, batchFirst: false, lengths: null },
  { kind: 'LSTM', numLayers: 2, bidirectional: true, bias: true, batchFirst: true, lengths: [6, 2, 4] },
  { kind: 'LSTM', numLayers: 1, bidirectional: false, bias: false, batchFirst: true, lengths: [3, 6, 1] },
  { kind: 'GRU', numLayers: 1, bidirectional: false, bias: true, batchFirst: false, lengths: null },
  { kind: 'GRU', numLayers: 2, bidirectional: true, bias: true, batchFirst: true, lengths: [6, 2, 4] },
  { kind: 'GRU', numLayers: 1, bidirectional: true, bias: false, batchFirst: false, lengths: [1, 5, 6] },
];

/** Runs forward and backward of a weighted loss on every output, returning outputs and every gradient. */
function run(layer: Layer, x: Tensor, h0: Tensor, c0: Tensor, lengths: number[] | null, seed: number): Record<string, Tensor | null> {
  layer.zeroGrad();
  x.grad = null;
  h0.grad = null;
  c0.grad = null;
  const r = layer instanceof LSTM ? layer.forward(x, { h0, c0, lengths }) : layer.forward(x, { h0, lengths });
  const g = new Generator(seed);
  const weight = (t: Tensor): Tensor => randn([...t.shape], { generator: g, dtype: t.dtype, backend: t.backendName });
  let loss = add(sum(mul(r.output, weight(r.output))), sum(mul(r.hN, weight(r.hN))));
  if ('cN' in r) loss = add(loss, sum(mul(r.cN, weight(r.cN))));
  loss.backward();
  const out: Record<string, Tensor | null> = { output: r.output, hN: r.hN, x: x.grad, h0: h0.grad };
  if ('cN' in r) Object.assign(out, { cN: r.cN, c0: c0.grad });
  for (const [name, p] of layer.namedParameters()) out[name] = p.grad;
  return out;
}

describe.each(['float64', 'float32'] as const)('fused vs composed, %s', (dtype) => {
  it.each(configs)('$kind numLayers $numLayers bidirectional $bidirectional bias $bias lengths $lengths', (cfg) => {
    const g = new Generator(7);
    const [T, B, I, H] = [6, 3, 5, 4];
    const Ctor = cfg.kind === 'LSTM' ? LSTM : GRU;
    const options = { numLayers: cfg.numLayers, bidirectional: cfg.bidirectional, bias: cfg.bias, batchFirst: cfg.batchFirst, dtype, generator: g };
    const layer = new Ctor(I, H, options);
    const states = cfg.numLayers * (cfg.bidirectional ? 2 : 1);
    const x = randn(cfg.batchFirst ? [B, T, I] : [T, B, I], { generator: g, dtype }).requiresGrad_();
    const h0 = randn([states, B, H], { generator: g, dtype }).requiresGrad_();
    const c0 = randn([states, B, H], { generator: g, dtype }).requiresGrad_();
    layer.fused = true;
    const fused = run(layer, x, h0, c0, cfg.lengths, 1);
    layer.fused = false;
    const composed = run(layer, x, h0, c0, cfg.lengths, 1);
    const tol = dtype === 'float64' ? { rtol: 1e-11, atol: 1e-12 } : { rtol: 1e-4, atol: 2e-5 };
    expect(Object.keys(fused).sort()).toEqual(Object.keys(composed).sort());
    for (const name of Object.keys(composed)) expectClose(fused[name], composed[name] as Tensor, tol, name);
  });

  it('the fused path runs as one op per layer direction on the CPU backend; fused: false records the composed ops', () => {
    const layer: RecurrentLayer = new LSTM(3, 4, { dtype });
    const x = randn([5, 2, 3], { generator: new Generator(1), dtype }).requiresGrad_();
    const fusedOut = (layer as LSTM).forward(x).output;
    expect((fusedOut.gradNode as { name: string }).name).toBe('lstmSequence');
    layer.fused = false;
    expect(((layer as LSTM).forward(x).output.gradNode as { name: string }).name).not.toBe('lstmSequence');
    const gru = new GRU(3, 4, { dtype });
    expect((gru.forward(x).output.gradNode as { name: string }).name).toBe('gruSequence');
  });
});

describe('the fused ops keep their backward workspace only when a backward can run', () => {
  it.each(['LSTM', 'GRU'] as const)('%s: saveWorkspace is false under noGrad and with no input requiring a gradient, true otherwise', (kind) => {
    const kernels = cpuBackend.fused as unknown as FusedRecurrentKernels;
    const name = kind === 'LSTM' ? 'lstmSequence' : 'gruSequence';
    const spy = vi.spyOn(kernels, name);
    try {
      const g = new Generator(3);
      const layer = kind === 'LSTM' ? new LSTM(3, 4, { generator: g }) : new GRU(3, 4, { generator: g });
      const x = randn([5, 2, 3], { generator: g });
      const trained = layer.forward(x.requiresGrad_()).output;
      const inferred = noGrad(() => layer.forward(x).output);
      for (const p of layer.parameters()) p.requiresGrad = false;
      const frozen = layer.forward(randn([5, 2, 3], { generator: new Generator(3) })).output;
      expect(spy.mock.calls.map(([args]) => args.saveWorkspace)).toEqual([true, false, false]);
      expect(Array.from(inferred.dataSync())).toEqual(Array.from(trained.dataSync()));
      expect(frozen.gradNode).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });
});

describe.each(BACKENDS)('batch-first layers on %s', (backend) => {
  it.each(configs.filter((c) => c.batchFirst))('$kind numLayers $numLayers bidirectional $bidirectional: fused equals composed', (cfg) => {
    const g = new Generator(11);
    const [T, B, I, H] = [6, 3, 5, 4];
    const Ctor = cfg.kind === 'LSTM' ? LSTM : GRU;
    const layer = new Ctor(I, H, { numLayers: cfg.numLayers, bidirectional: cfg.bidirectional, bias: cfg.bias, batchFirst: true, generator: g, backend });
    const states = cfg.numLayers * (cfg.bidirectional ? 2 : 1);
    const x = randn([B, T, I], { generator: g, backend }).requiresGrad_();
    const h0 = randn([states, B, H], { generator: g, backend }).requiresGrad_();
    const c0 = randn([states, B, H], { generator: g, backend }).requiresGrad_();
    const fused = run(layer, x, h0, c0, cfg.lengths, 2);
    layer.fused = false;
    const composed = run(layer, x, h0, c0, cfg.lengths, 2);
    for (const name of Object.keys(composed)) expectClose(fused[name], composed[name] as Tensor, { rtol: 1e-4, atol: 2e-5 }, name);
  });

  it.each(['LSTM', 'GRU'] as const)('%s hands batch-first sequences to its kernels as they are, with no transposes around them', (kind) => {
    const kernels = getBackend(backend).fused as unknown as FusedRecurrentKernels;
    const name = kind === 'LSTM' ? 'lstmSequence' : 'gruSequence';
    const spy = vi.spyOn(kernels, name);
    try {
      const g = new Generator(5);
      const layer =
        kind === 'LSTM'
          ? new LSTM(3, 4, { batchFirst: true, numLayers: 2, generator: g, backend })
          : new GRU(3, 4, { batchFirst: true, generator: g, backend });
      const out = layer.forward(randn([2, 5, 3], { generator: g, backend })).output;
      expect(out.shape).toEqual([2, 5, 4]);
      expect(spy.mock.calls.map(([args]) => [args.batchFirst, [...args.x.shape]])).toEqual(
        kind === 'LSTM'
          ? [
              [true, [2, 5, 3]],
              [true, [2, 5, 4]],
            ]
          : [[true, [2, 5, 3]]],
      );
      // A time-major layer keeps time-major calls.
      spy.mockClear();
      const timeMajor = kind === 'LSTM' ? new LSTM(3, 4, { generator: g, backend }) : new GRU(3, 4, { generator: g, backend });
      timeMajor.forward(randn([5, 2, 3], { generator: g, backend }));
      expect(spy.mock.calls.map(([args]) => args.batchFirst)).toEqual([false]);
    } finally {
      spy.mockRestore();
    }
  });
});

// One switch for every fused path: setFusedEnabled(false) sends LSTM, GRU, attention, LayerNorm and Adam down the composed ops.
import { Adam, LayerNorm, parameter } from '@seqlab/autograd';
import { scaledDotProductAttention } from '@seqlab/attention';
import { initWasm, wasmBackend } from '@seqlab/kernels-wasm';
import { Generator, randn, setBackend, setFusedEnabled, sum, type Tensor } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import { GRU, LSTM } from '../src/index.js';

await initWasm();
setBackend('cpu');

const opName = (t: Tensor): string | undefined => (t.gradNode as { name?: string } | null)?.name;

/** The op names that produced the outputs of every fused path on the CPU backend. */
function fusedOps(): Record<string, string | undefined> {
  const g = new Generator(3);
  const x = randn([5, 2, 3], { generator: g }).requiresGrad_();
  const q = randn([2, 2, 4, 3], { generator: g }).requiresGrad_();
  return {
    lstm: opName(new LSTM(3, 4, { generator: g }).forward(x).output),
    gru: opName(new GRU(3, 4, { generator: g }).forward(x).output),
    attention: opName(scaledDotProductAttention(q, q, q).output),
    layerNorm: opName(new LayerNorm(3).forward(x)),
  };
}

/** How many times one Adam step on wasm called the backend's fused adamStep. */
function adamStepCalls(): number {
  const fused = wasmBackend.fused;
  const original = fused.adamStep;
  let calls = 0;
  fused.adamStep = (...args) => (calls++, original(...args));
  try {
    const p = parameter(randn([3], { generator: new Generator(1), backend: 'wasm' }));
    const optimizer = new Adam([p]);
    sum(p).backward();
    optimizer.step();
  } finally {
    fused.adamStep = original;
  }
  return calls;
}

describe('setFusedEnabled', () => {
  afterEach(() => setFusedEnabled(true));

  it('on (the default), every layer with a fused kernel runs it as one op', () => {
    expect(fusedOps()).toEqual({ lstm: 'lstmSequence', gru: 'gruSequence', attention: 'scaledDotProductAttention', layerNorm: 'layerNorm' });
    expect(adamStepCalls()).toBe(1);
  });

  it('off, every fused path runs its composed reference', () => {
    setFusedEnabled(false);
    const ops = fusedOps();
    expect(ops.lstm).not.toBe('lstmSequence');
    expect(ops.gru).not.toBe('gruSequence');
    expect(ops.attention).not.toBe('scaledDotProductAttention');
    expect(ops.layerNorm).not.toBe('layerNorm');
    expect(adamStepCalls()).toBe(0);
  });
});

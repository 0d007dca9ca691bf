// The fused Adam/AdamW step against a float64 transcription of torch.optim.Adam / AdamW.
import { describe, expect, it } from 'vitest';
import { Generator, randn, zeros } from '@seqlab/tensor-core';
import { adamUpdate, wasmBackend } from '@seqlab/kernels-wasm';
import { expectClose } from '../../tensor-core/test/suite/harness.js';

function reference(p: number[], grads: number[][], o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean }): number[] {
  const param = [...p], m = p.map(() => 0), v = p.map(() => 0);
  grads.forEach((grad, s) => {
    const step = s + 1;
    for (let i = 0; i < param.length; i++) {
      let g = grad[i];
      if (o.decoupled) param[i] *= 1 - o.lr * o.weightDecay;
      else g += o.weightDecay * param[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
      const mHat = m[i] / (1 - o.beta1 ** step), vHat = v[i] / (1 - o.beta2 ** step);
      param[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  });
  return param;
}

describe('fused adamUpdate', () => {
  it.each([false, true])('matches Adam/AdamW over several steps (decoupled=%s), odd sizes included', (decoupled) => {
    const gen = new Generator(5);
    const options = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decoupled };
    const param = randn([37], { generator: gen, backend: 'wasm' });
    const start = Array.from(param.dataSync());
    const m = zeros([37], { backend: 'wasm' }), v = zeros([37], { backend: 'wasm' });
    const grads: number[][] = [];
    for (let step = 1; step <= 5; step++) {
      const grad = randn([37], { generator: gen, backend: 'wasm' });
      grads.push(Array.from(grad.dataSync()));
      adamUpdate(param, grad, m, v, { ...options, step });
    }
    expectClose(param, reference(start, grads, options), { rtol: 1e-5, atol: 1e-6 });
    expect(wasmBackend.fused?.adamUpdate).toBe(adamUpdate);
  });

  it('rejects mismatched sizes, non-float32 storages and bad hyper-parameters', () => {
    const p = zeros([4], { backend: 'wasm' });
    const z = zeros([4], { backend: 'wasm' });
    expect(() => adamUpdate(p, zeros([5], { backend: 'wasm' }), z, z, { lr: 1, step: 1 })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => adamUpdate(p, zeros([4], { dtype: 'int32', backend: 'wasm' }), z, z, { lr: 1, step: 1 })).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    expect(() => adamUpdate(p, z, z, z, { lr: 1, step: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => adamUpdate(p, z, z, z, { lr: 1, step: 1, beta1: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

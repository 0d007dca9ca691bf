// The fused Adam/AdamW step against a float64 transcription of torch.optim.Adam / AdamW.
import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, zeros, zerosLike, type Tensor } from '@seqlab/tensor-core';
import { Adam, AdamW, backward, Linear, mseLoss } from '@seqlab/autograd';
import { adamStep, adamUpdate, wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { expectClose } from '@seqlab/test-utils/suites';

function reference(
  p: number[],
  grads: number[][],
  o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean },
): number[] {
  const param = [...p],
    m = p.map(() => 0),
    v = p.map(() => 0);
  grads.forEach((grad, s) => {
    const step = s + 1;
    for (let i = 0; i < param.length; i++) {
      let g = grad[i];
      if (o.decoupled) param[i] *= 1 - o.lr * o.weightDecay;
      else g += o.weightDecay * param[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
      const mHat = m[i] / (1 - o.beta1 ** step),
        vHat = v[i] / (1 - o.beta2 ** step);
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
    const m = zeros([37], { backend: 'wasm' }),
      v = zeros([37], { backend: 'wasm' });
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
    expect(() => adamUpdate(p, zeros([4], { dtype: 'int32', backend: 'wasm' }), z, z, { lr: 1, step: 1 })).toThrow(
      expect.objectContaining({ code: 'DTYPE_MISMATCH' }),
    );
    expect(() => adamUpdate(p, z, z, z, { lr: 1, step: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => adamUpdate(p, z, z, z, { lr: 1, step: 1, beta1: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('fused adamStep (new storages, for @seqlab/autograd)', () => {
  it("gives adamUpdate's values without touching its inputs, even when the moments share one storage", () => {
    const gen = new Generator(8);
    const param = randn([41], { generator: gen, backend: 'wasm' });
    const grad = randn([41], { generator: gen, backend: 'wasm' });
    const zero = zeros([41], { backend: 'wasm' });
    const before = Array.from(param.dataSync());
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupledWeightDecay: true, step: 1 };
    const out = adamStep(param, grad, zero, zero, hyper);
    expect(Array.from(param.dataSync())).toEqual(before);
    expect(Array.from(zero.dataSync())).toEqual(new Array(41).fill(0));
    const p2 = tensor(before, [41], { backend: 'wasm' }),
      m2 = zerosLike(p2),
      v2 = zerosLike(p2);
    adamUpdate(p2, grad, m2, v2, { ...hyper, decoupled: true });
    expect(Array.from(out.param as Float32Array)).toEqual(Array.from(p2.dataSync()));
    expect(Array.from(out.expAvg as Float32Array)).toEqual(Array.from(m2.dataSync()));
    expect(Array.from(out.expAvgSq as Float32Array)).toEqual(Array.from(v2.dataSync()));
    expect(wasmBackend.fused?.adamStep).toBe(adamStep);
    expect(wasmHeapStats().liveBlocks).toBe(0);
  });

  it.each([
    ['Adam', Adam],
    ['AdamW', AdamW],
  ] as const)('is what %s uses on wasm, matching the composed cpu optimizer', (_, Optimizer) => {
    const train = (backend: string): Tensor[] => {
      const layer = new Linear(6, 3, { generator: new Generator(2), backend });
      const x = randn([10, 6], { generator: new Generator(3), backend });
      const y = randn([10, 3], { generator: new Generator(4), backend });
      const opt = new Optimizer(layer.parameters(), { lr: 0.01, weightDecay: 0.05 });
      for (let step = 0; step < 5; step++) {
        opt.zeroGrad();
        backward(mseLoss(layer.forward(x), y));
        opt.step();
      }
      return layer.parameters();
    };
    // Count the optimizer's calls of the fused step while it trains on wasm.
    const fused = wasmBackend.fused as Record<string, unknown>;
    let calls = 0;
    fused.adamStep = (...args: Parameters<typeof adamStep>) => {
      calls++;
      return adamStep(...args);
    };
    let onWasm: Tensor[];
    try {
      onWasm = train('wasm');
    } finally {
      fused.adamStep = adamStep;
    }
    expect(calls).toBe(10);
    const onCpu = train('cpu');
    onWasm.forEach((p, i) => expectClose(p, onCpu[i].dataSync(), { rtol: 1e-5, atol: 1e-6 }));
  });
});

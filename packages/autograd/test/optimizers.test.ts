import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, matmul, randn, registerBackend, tanh, tensor, zeros, type DataHandle, type Tensor, type TensorInfo } from '@seqlab/tensor-core';
import {
  Adagrad,
  Adam,
  AdamW,
  binaryCrossEntropyWithLogits,
  clipGradValue,
  exponentialDecay,
  LRScheduler,
  findNonFiniteGrad,
  Linear,
  Module,
  mseLoss,
  parameter,
  RMSprop,
  SGD,
  stepIfFinite,
  type AdamStepHyperparameters,
  type Hyperparameters,
  type Optimizer,
} from '@seqlab/autograd';
import { expectClose } from './helpers.js';

class MLP extends Module {
  readonly hidden: Linear;
  readonly out: Linear;
  constructor(inputs: number, width: number, seed: number) {
    super();
    const generator = new Generator(seed);
    this.hidden = new Linear(inputs, width, { generator });
    this.out = new Linear(width, 1, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.out.forward(tanh(this.hidden.forward(x)));
  }
}

type MakeOptimizer = (params: Tensor[]) => Optimizer<Hyperparameters>;
const optimizers: [string, MakeOptimizer, MakeOptimizer, number][] = [
  // [name, for XOR, for regression, per-step lr decay in the regression]
  ['SGD', (p) => new SGD(p, { lr: 0.2, momentum: 0.9 }), (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }), 1],
  ['Adam', (p) => new Adam(p, { lr: 0.05 }), (p) => new Adam(p, { lr: 0.05 }), 1],
  ['AdamW', (p) => new AdamW(p, { lr: 0.05 }), (p) => new AdamW(p, { lr: 0.05, weightDecay: 1e-4 }), 1],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01 }), (p) => new RMSprop(p, { lr: 0.05 }), 0.99],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.3 }), (p) => new Adagrad(p, { lr: 0.5 }), 1],
];

describe.each(optimizers)('%s trains', (_name, forXor, forRegression, decay) => {
  it('a small MLP on XOR', () => {
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const model = new MLP(2, 8, 3);
    const opt = forXor(model.parameters());
    let loss = Infinity;
    for (let step = 0; step < 400; step++) {
      opt.zeroGrad();
      const l = binaryCrossEntropyWithLogits(model.forward(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    const logits = model.forward(x).dataSync();
    expect(Array.from(logits, (v) => (v > 0 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });

  it('a linear regression', () => {
    const g = new Generator(21);
    const x = randn([64, 3], { generator: g });
    const trueW = tensor([[2], [-3], [0.5]]);
    const y = matmul(x, trueW);
    const model = new Linear(3, 1, { generator: g });
    const opt = forRegression(model.parameters());
    // RMSprop's step size does not shrink with the gradient, so it needs a decaying lr to settle.
    const scheduler = new LRScheduler(opt, exponentialDecay({ gamma: decay }));
    const first = mseLoss(model.forward(x), y).item();
    let loss = first;
    for (let step = 0; step < 300; step++) {
      opt.zeroGrad();
      const l = mseLoss(model.forward(x), y);
      l.backward();
      opt.step();
      scheduler.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(1e-3 * first);
    expectClose(model.weight, [2, -3, 0.5], { atol: 0.05, rtol: 0 });
  });
});

/** Plain float64 references for optimizers without goldens, element by element. */
describe("RMSprop and Adagrad match PyTorch's formulas", () => {
  const grads = [
    [0.5, -1.2, 2.0],
    [0.1, 0.3, -0.7],
    [-2.0, 0.4, 0.9],
  ];
  const p0 = [1.0, -0.5, 0.25];

  it('RMSprop, centred with momentum and weight decay', () => {
    const [lr, alpha, eps, wd, mu] = [0.01, 0.9, 1e-8, 0.1, 0.5];
    const p = parameter(tensor(p0, undefined, 'float64'));
    const opt = new RMSprop([p], { lr, alpha, eps, weightDecay: wd, momentum: mu, centered: true });
    const ref = [...p0];
    const sq = [0, 0, 0],
      ga = [0, 0, 0],
      buf = [0, 0, 0];
    for (const g of grads) {
      p.grad = tensor(g, undefined, 'float64');
      opt.step();
      for (let i = 0; i < 3; i++) {
        const d = g[i] + wd * ref[i];
        sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
        ga[i] = alpha * ga[i] + (1 - alpha) * d;
        const avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
        buf[i] = mu * buf[i] + d / avg;
        ref[i] -= lr * buf[i];
      }
      expectClose(p, ref, { rtol: 1e-12, atol: 1e-14 });
    }
  });

  it('Adagrad with lr decay, weight decay and an initial accumulator', () => {
    const [lr, lrDecay, wd, init, eps] = [0.1, 0.05, 0.01, 0.2, 1e-10];
    const p = parameter(tensor(p0, undefined, 'float64'));
    const opt = new Adagrad([p], { lr, lrDecay, weightDecay: wd, initialAccumulatorValue: init, eps });
    const ref = [...p0];
    const acc = [init, init, init];
    grads.forEach((g, t) => {
      p.grad = tensor(g, undefined, 'float64');
      opt.step();
      const clr = lr / (1 + t * lrDecay);
      for (let i = 0; i < 3; i++) {
        const d = g[i] + wd * ref[i];
        acc[i] += d * d;
        ref[i] -= (clr * d) / (Math.sqrt(acc[i]) + eps);
      }
      expectClose(p, ref, { rtol: 1e-12, atol: 1e-14 });
    });
  });

  it('Adam with AMSGrad keeps the running maximum', () => {
    const p = parameter(tensor(p0, undefined, 'float64'));
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    const ref = [...p0];
    const m = [0, 0, 0],
      v = [0, 0, 0],
      vmax = [0, 0, 0];
    grads.forEach((g, t) => {
      p.grad = tensor(g, undefined, 'float64');
      opt.step();
      const step = t + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        vmax[i] = Math.max(vmax[i], v[i]);
        const denom = Math.sqrt(vmax[i]) / Math.sqrt(1 - 0.999 ** step) + 1e-8;
        ref[i] -= (0.1 / (1 - 0.9 ** step)) * (m[i] / denom);
      }
      expectClose(p, ref, { rtol: 1e-12, atol: 1e-14 });
    });
  });
});

describe('fused adamStep', () => {
  // A backend identical to cpu plus a JavaScript fused Adam step that follows the documented contract.
  let calls = 0;
  const adamStep = (param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, h: AdamStepHyperparameters) => {
    calls++;
    const p = param.handle as Float32Array,
      g = grad.handle as Float32Array;
    const m0 = m.handle as Float32Array,
      v0 = v.handle as Float32Array;
    const outP = new Float32Array(p.length),
      outM = new Float32Array(p.length),
      outV = new Float32Array(p.length);
    const decay = h.decoupledWeightDecay ? h.lr * h.weightDecay : 0;
    const l2 = h.decoupledWeightDecay ? 0 : h.weightDecay;
    const stepSize = h.lr / (1 - h.beta1 ** h.step);
    const bc2 = Math.sqrt(1 - h.beta2 ** h.step);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + l2 * p[i];
      outM[i] = h.beta1 * m0[i] + (1 - h.beta1) * gi;
      outV[i] = h.beta2 * v0[i] + (1 - h.beta2) * gi * gi;
      outP[i] = p[i] * (1 - decay) - (stepSize * outM[i]) / (Math.sqrt(outV[i]) / bc2 + h.eps);
    }
    return { param: outP as DataHandle, expAvg: outM as DataHandle, expAvgSq: outV as DataHandle };
  };
  registerBackend({ ...cpuBackend, name: 'cpu-fused-adam', fused: { adamStep: adamStep as never } });

  it.each([
    ['Adam', Adam, 0.05],
    ['AdamW', AdamW, 0.1],
  ] as const)('%s: fused and composed paths give the same numbers', (_n, Kind, wd) => {
    const g = new Generator(4);
    const start = randn([4, 5], { generator: g });
    const gradSeq = [0, 1, 2].map(() => randn([4, 5], { generator: g }));
    const fusedP = parameter(start.to('cpu-fused-adam'));
    const plainP = parameter(start.to('cpu-fused-adam'));
    const fused = new Kind([fusedP], { lr: 0.01, weightDecay: wd });
    const plain = new Kind([plainP], { lr: 0.01, weightDecay: wd });
    plain.fused = false;
    calls = 0;
    for (const grad of gradSeq) {
      fusedP.grad = grad.to('cpu-fused-adam');
      plainP.grad = grad.to('cpu-fused-adam');
      fused.step();
      plain.step();
    }
    expect(calls).toBe(3);
    expectClose(fusedP, plainP.dataSync(), { rtol: 1e-6, atol: 1e-7 });
    expectClose(fused.stateOf(fusedP).exp_avg_sq as Tensor, (plain.stateOf(plainP).exp_avg_sq as Tensor).dataSync(), { rtol: 1e-6, atol: 1e-9 });
  });
});

describe('optimizer state', () => {
  it('stateDict/loadStateDict continues a run identically', () => {
    const g = new Generator(8);
    const grads = [0, 1, 2, 3].map(() => randn([3], { generator: g }));
    const run = (split: boolean): number[] => {
      const p = parameter(tensor([1, 2, 3]));
      let opt = new Adam([p], { lr: 0.1 });
      grads.forEach((gr, i) => {
        if (split && i === 2) {
          const saved = opt.stateDict();
          opt = new Adam([p], { lr: 0.5 });
          opt.loadStateDict(saved);
        }
        p.grad = gr;
        opt.step();
      });
      return Array.from(p.dataSync());
    };
    expect(run(true)).toEqual(run(false));
  });

  it('param groups take their own hyper-parameters', () => {
    const a = parameter(tensor([1]));
    const b = parameter(tensor([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(b.item()).toBeCloseTo(0.5, 6);
    expect(opt.stateDict().paramGroups.map((gr) => gr.params)).toEqual([[0], [1]]);
  });

  it('validates hyper-parameters and loaded state', () => {
    const p = parameter(tensor([1, 2]));
    expect(() => new SGD([p], { lr: -1 })).toThrow(/option 'lr'/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    expect(() => new Adam([p, p])).toThrow(/appears twice/);
    const opt = new Adam([p]);
    expect(() => opt.loadStateDict({ ...new SGD([p], { lr: 1 }).stateDict() })).toThrow(/of a SGD optimizer/);
    expect(() => opt.loadStateDict({ type: 'Adam', state: { 0: { exp_avg: zeros([3]) } }, paramGroups: opt.stateDict().paramGroups })).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
  });

  it('skips parameters without gradients', () => {
    const p = parameter(tensor([1, 2]));
    const opt = new Adam([p]);
    opt.step();
    expect(p.toArray()).toEqual([1, 2]);
    expect(opt.stateOf(p)).toEqual({});
  });
});

describe('clipGradValue and the non-finite guard', () => {
  it('clipGradValue clamps every element', () => {
    const p = parameter(tensor([0, 0, 0]));
    p.grad = tensor([-3, 0.5, 7]);
    clipGradValue([p], 1);
    expect(p.grad.toArray()).toEqual([-1, 0.5, 1]);
  });

  it('names the first parameter with a NaN/Inf gradient and skips the step untouched', () => {
    const model = new MLP(2, 3, 1);
    const before = model.parameters().map((p) => Array.from(p.dataSync()));
    const opt = new Adam(model.parameters(), { lr: 0.1 });
    for (const p of model.parameters()) p.grad = zeros([...p.shape]);
    model.out.weight.grad = tensor([[0, Infinity, 0]]);
    model.out.bias!.grad = tensor([NaN]);
    const bad = findNonFiniteGrad(model);
    expect(bad?.name).toBe('out.weight');
    expect(stepIfFinite(opt, model)?.name).toBe('out.weight');
    expect(model.parameters().map((p) => Array.from(p.dataSync()))).toEqual(before);
    expect(opt.stateOf(model.out.weight)).toEqual({});
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    for (const p of model.parameters()) p.grad = zeros([...p.shape]);
    expect(findNonFiniteGrad(model)).toBeNull();
    expect(stepIfFinite(opt, model)).toBeNull();
    expect(opt.stateOf(model.out.weight).step).toBe(1);
  });
});

describe('optimizer names in state dicts survive minification', () => {
  // A minifier renames classes (AdamW becomes e.g. `hd`); a subclass with another name stands in for that here.
  const renamed = <T>(cls: T): T => ({ hd: class extends (cls as unknown as new (...a: never[]) => object) {} }).hd as unknown as T;

  it.each([
    ['SGD', SGD],
    ['Adam', Adam],
    ['AdamW', AdamW],
    ['RMSprop', RMSprop],
    ['Adagrad', Adagrad],
  ] as const)('%s writes and reads its own name whatever its class is called', (name, Cls) => {
    const Minified = renamed(Cls);
    expect(Minified.name).toBe('hd');
    const w = parameter(tensor([1, 2, 3]));
    const opt = new Minified([w], { lr: 0.1 });
    expect(opt.stateDict().type).toBe(name);
    expect(() => new Cls([w], { lr: 0.1 }).loadStateDict(opt.stateDict())).not.toThrow();
  });
});

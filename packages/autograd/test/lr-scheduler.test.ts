import { describe, expect, it } from 'vitest';
import { tensor } from '@seqlab/tensor-core';
import { cosineWithWarmup, exponentialDecay, linearDecay, LRScheduler, parameter, SGD, stepDecay } from '@seqlab/autograd';

/** Learning rates seen by the optimizer at steps 0..n (the value before each optimizer step). */
function trace(lambda: ConstructorParameters<typeof LRScheduler>[1], n: number, lr = 0.1): number[] {
  const opt = new SGD([parameter(tensor([1]))], { lr });
  const scheduler = new LRScheduler(opt, lambda);
  const out = [opt.paramGroups[0].lr];
  for (let i = 0; i < n; i++) {
    scheduler.step();
    out.push(opt.paramGroups[0].lr);
  }
  return out;
}

const close = (a: number[], b: number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 14));
};

describe('LR schedules (PyTorch / transformers closed forms)', () => {
  it('step decay: lr·γ^⌊t/stepSize⌋ (StepLR)', () => {
    close(trace(stepDecay({ stepSize: 3, gamma: 0.5 }), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('exponential decay: lr·γ^t (ExponentialLR)', () => {
    close(trace(exponentialDecay({ gamma: 0.9 }), 4), [0.1, 0.09, 0.081, 0.0729, 0.06561]);
  });

  it('cosine with linear warm-up', () => {
    const warm = 4,
      total = 12;
    const expected = Array.from({ length: 15 }, (_, t) =>
      t < warm ? (0.1 * t) / warm : 0.1 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (t - warm) / (total - warm)))),
    );
    close(trace(cosineWithWarmup({ warmupSteps: warm, totalSteps: total }), 14), expected);
    const withFloor = trace(cosineWithWarmup({ warmupSteps: 0, totalSteps: 10, minFactor: 0.1 }), 12);
    expect(withFloor[0]).toBeCloseTo(0.1, 14);
    expect(withFloor[5]).toBeCloseTo(0.1 * (0.1 + 0.9 * 0.5), 14);
    expect(withFloor[12]).toBeCloseTo(0.01, 14);
  });

  it('linear decay with warm-up', () => {
    close(trace(linearDecay({ warmupSteps: 2, totalSteps: 6 }), 7), [0, 0.05, 0.1, 0.075, 0.05, 0.025, 0, 0]);
    close(trace(linearDecay({ totalSteps: 4, endFactor: 0.2 }), 5), [0.1, 0.08, 0.06, 0.04, 0.02, 0.02]);
  });

  it('one schedule per parameter group, and state round trip', () => {
    const opt = new SGD([{ params: [parameter(tensor([1]))] }, { params: [parameter(tensor([1]))], lr: 1 }], { lr: 0.1 });
    const s = new LRScheduler(opt, [exponentialDecay({ gamma: 0.5 }), stepDecay({ stepSize: 1, gamma: 0.1 })]);
    s.step();
    s.step();
    close(s.getLastLr(), [0.025, 0.01]);
    const saved = s.stateDict();
    const opt2 = new SGD([{ params: [parameter(tensor([1]))] }, { params: [parameter(tensor([1]))], lr: 1 }], { lr: 0.1 });
    const s2 = new LRScheduler(opt2, [exponentialDecay({ gamma: 0.5 }), stepDecay({ stepSize: 1, gamma: 0.1 })]);
    s2.loadStateDict(saved);
    expect(s2.lastStep).toBe(2);
    close(s2.getLastLr(), [0.025, 0.01]);
  });

  it('rejects bad options', () => {
    expect(() => stepDecay({ stepSize: 0 })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => cosineWithWarmup({ warmupSteps: 5, totalSteps: 3 })).toThrow(/must not exceed/);
    const opt = new SGD([parameter(tensor([1]))], { lr: 0.1 });
    expect(() => new LRScheduler(opt, [stepDecay({ stepSize: 1 }), stepDecay({ stepSize: 1 })])).toThrow(/one function per parameter group/);
  });
});

// PyTorch parity suite (shared/goldens/optim.json, copied to ../fixtures/optim-goldens.json): Adam, AdamW, SGD with
// momentum and Nesterov for 3 steps, clip_grad_norm, on one backend; the JSON is imported, so it runs in browsers too.
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@seqlab/tensor-core';
import { Adam, AdamW, clipGradNorm, parameter, SGD, type Hyperparameters, type Optimizer } from '@seqlab/autograd';
import fixture from '../fixtures/optim-goldens.json';
import { storedDTypes } from './backend-dtypes.js';
import { fromGolden, type GoldenTensor } from './goldens.js';
import { expectClose, F32 } from './harness.js';

interface OptimCase {
  config: Record<string, number | boolean | number[]>;
  inputs: { param0: GoldenTensor; grads: GoldenTensor[]; grad_a: GoldenTensor; grad_b: GoldenTensor };
  outputs: { after_step: Record<string, GoldenTensor>[]; total_norm: GoldenTensor; grad_a_after: GoldenTensor; grad_b_after: GoldenTensor };
}

type Make = (p: Tensor, c: OptimCase['config']) => Optimizer<Hyperparameters>;
const makers: Record<string, Make> = {
  adam: (p, c) => new Adam([p], { lr: c.lr as number, betas: c.betas as [number, number], eps: c.eps as number, weightDecay: c.weight_decay as number }),
  adamw: (p, c) => new AdamW([p], { lr: c.lr as number, betas: c.betas as [number, number], eps: c.eps as number, weightDecay: c.weight_decay as number }),
  sgd_momentum: (p, c) =>
    new SGD([p], { lr: c.lr as number, momentum: c.momentum as number, dampening: c.dampening as number, nesterov: c.nesterov as boolean }),
  sgd_nesterov: (p, c) =>
    new SGD([p], { lr: c.lr as number, momentum: c.momentum as number, dampening: c.dampening as number, nesterov: c.nesterov as boolean }),
};

/** optim.json parity in each float dtype `backend` stores: float32 at the goldens' float32 bounds, float64 tight. */
export function optimParitySuite(backend: string): void {
  const cases = fixture.cases as unknown as Record<string, OptimCase>;
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('optim.json parity in %s', (dtype) => {
    const tol = dtype === 'float32' ? F32 : { rtol: 1e-10, atol: 1e-12 };
    for (const [name, make] of Object.entries(makers)) {
      it(`${name}: parameters and state after each of 3 steps`, () => {
        const c = cases[name];
        const p = parameter(fromGolden(c.inputs.param0, dtype, backend));
        const opt = make(p, c.config);
        c.inputs.grads.forEach((g, step) => {
          p.grad = fromGolden(g, dtype, backend);
          opt.step();
          const expected = c.outputs.after_step[step];
          expect(p.backendName).toBe(backend);
          expectClose(p, expected.param.data, tol);
          const state = opt.stateOf(p);
          for (const [key, value] of Object.entries(expected)) {
            if (key === 'param') continue;
            expectClose(state[key] as Tensor, value.data, tol);
          }
        });
      });
    }

    for (const name of ['clip_grad_norm_clipped', 'clip_grad_norm_unchanged']) {
      it(`${name}: total norm before clipping and clipped gradients`, () => {
        const c = cases[name];
        const a = parameter(tensor(new Array(6).fill(0), [2, 3], { dtype, backend }));
        const b = parameter(tensor(new Array(4).fill(0), [4], { dtype, backend }));
        a.grad = fromGolden(c.inputs.grad_a, dtype, backend);
        b.grad = fromGolden(c.inputs.grad_b, dtype, backend);
        const norm = clipGradNorm([a, b], c.config.max_norm as number);
        expect(Math.abs(norm - c.outputs.total_norm.data[0])).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
        expectClose(a.grad, c.outputs.grad_a_after.data, tol);
        expectClose(b.grad, c.outputs.grad_b_after.data, tol);
      });
    }
  });
}

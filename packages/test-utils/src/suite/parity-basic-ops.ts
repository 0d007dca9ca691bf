// PyTorch parity suite (shared/goldens/basic_ops.json, copied to ../fixtures/basic-ops-goldens.json): layer_norm,
// softmax, log_softmax and cross-entropy, forward and backward, on one backend; the JSON is imported, so it runs in browsers too.
import { describe, expect, it } from 'vitest';
import { logSoftmax, mul, softmax, sum, type Tensor } from '@seqlab/tensor-core';
import { crossEntropy, LayerNorm } from '@seqlab/autograd';
import fixture from '../fixtures/basic-ops-goldens.json';
import { storedDTypes } from './backend-dtypes.js';
import { fromGolden, type GoldenTensor } from './goldens.js';
import { expectClose, F32 } from './harness.js';

interface Case {
  config?: Record<string, unknown>;
  inputs: Record<string, GoldenTensor>;
  params?: Record<string, GoldenTensor>;
  outputs: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  grads_x?: Record<string, GoldenTensor>;
  loss_weight_G?: GoldenTensor;
}

/** basic_ops.json parity in each float dtype `backend` stores: float32 at the goldens' float32 bounds, float64 tight. */
export function basicOpsParitySuite(backend: string): void {
  const cases = fixture.cases as unknown as Record<string, Case>;
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('basic_ops.json parity in %s', (dtype) => {
    const tol = dtype === 'float32' ? F32 : { rtol: 1e-10, atol: 1e-10 };
    const golden = (g: GoldenTensor): Tensor => fromGolden(g, dtype, backend);
    const leafOf = (g: GoldenTensor): Tensor => golden(g).requiresGrad_();

    it('layer_norm: output and gradients of x, weight, bias', () => {
      const c = cases.layer_norm;
      const norm = new LayerNorm(c.config!.normalized_shape as number[], { eps: c.config!.eps as number, dtype, backend });
      norm.loadStateDict({ weight: golden(c.params!.weight), bias: golden(c.params!.bias) });
      const x = leafOf(c.inputs.x);
      const y = norm.forward(x);
      expect(y.backendName).toBe(backend);
      expectClose(y, c.outputs.y.data, { ...tol, shape: c.outputs.y.shape });
      const loss = sum(mul(y, golden(c.loss_weight_G!)));
      expectClose(loss, c.outputs.loss.data, tol);
      loss.backward();
      expectClose(x.grad!, c.grads!.x.data, tol);
      expectClose(norm.weight!.grad!, c.grads!.weight.data, tol);
      expectClose(norm.bias!.grad!, c.grads!.bias.data, tol);
    });

    for (const [name, fn] of [
      ['softmax', softmax],
      ['log_softmax', logSoftmax],
    ] as const) {
      it(`${name}: output and gradient`, () => {
        const c = cases[name];
        const x = leafOf(c.inputs.x);
        const y = fn(x, -1);
        expect(y.backendName).toBe(backend);
        expectClose(y, c.outputs.y.data, tol);
        sum(mul(y, golden(c.loss_weight_G!))).backward();
        expectClose(x.grad!, c.grads!.x.data, tol);
      });
    }

    it('softmax_stability: ±1000 and ±50 rows stay finite, with exact gradients', () => {
      const c = cases.softmax_stability;
      for (const [name, fn] of [
        ['softmax', softmax],
        ['log_softmax', logSoftmax],
      ] as const) {
        const x = leafOf(c.inputs.x);
        const y = fn(x, -1);
        expectClose(y, c.outputs[name].data, tol);
        sum(mul(y, golden(c.loss_weight_G!))).backward();
        expectClose(x.grad!, c.grads_x![name].data, tol);
      }
    });

    for (const name of ['cross_entropy_mean', 'cross_entropy_sum', 'cross_entropy_ignore_index']) {
      it(`${name}: loss and gradient`, () => {
        const c = cases[name];
        const logits = leafOf(c.inputs.logits);
        const target = golden(c.inputs.target);
        const loss = crossEntropy(logits, target, {
          reduction: c.config!.reduction as 'mean' | 'sum',
          ignoreIndex: (c.config!.ignore_index as number | undefined) ?? -100,
        });
        expect(loss.backendName).toBe(backend);
        expectClose(loss, c.outputs.loss.data, tol);
        loss.backward();
        expectClose(logits.grad!, c.grads!.logits.data, tol);
      });
    }
  });
}

// LayerNorm of a residual sum (fused add + LayerNorm): gradcheck on cpu in float64, and equality with LayerNorm of add() on cpu and wasm.
import { describe, expect, it } from 'vitest';
import { add, Generator, mul, normal, randn, sum, type Tensor } from '@seqlab/tensor-core';
import { gradcheck, LayerNorm, noGrad } from '@seqlab/autograd';
import { fusedAddLayerNorm, fusedAddLayerNormKernelsFor } from '../src/nn/layer-norm-op.js';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose, leaf } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(78);

describe('fused add + LayerNorm gradcheck (cpu, float64)', () => {
  for (const affine of [true, false]) {
    it(`${affine ? 'with' : 'without'} weight and bias, D = 5`, () => {
      const x = leaf(gen, [2, 3, 5]);
      const r = leaf(gen, [2, 3, 5]);
      const w = affine ? leaf(gen, [5], 0.5, 1.5) : null;
      const b = affine ? leaf(gen, [5]) : null;
      const kernels = fusedAddLayerNormKernelsFor(x, r, w, b);
      expect(kernels).not.toBeNull();
      const fn = (xi: Tensor, ri: Tensor, wi?: Tensor, bi?: Tensor): Tensor => fusedAddLayerNorm(kernels!, xi, ri, wi ?? null, bi ?? null, 1e-5);
      expect(gradcheck(fn, affine ? [x, r, w!, b!] : [x, r])).toBe(true);
    });
  }
});

/** Output and the gradients of x, the residual, weight and bias, with a random upstream gradient. */
function run(norm: LayerNorm, x: Tensor, r: Tensor, upstream: Tensor, fusedSum: boolean): Tensor[] {
  const xi = x.view(x.shape).requiresGrad_();
  const ri = r.view(r.shape).requiresGrad_();
  const y = fusedSum ? norm.forward(xi, ri) : norm.forward(add(xi, ri));
  sum(mul(y, upstream)).backward();
  return [y, xi.grad!, ri.grad!, norm.weight!.grad!, norm.bias!.grad!];
}

describe.each(PARITY_BACKENDS)('fused add + LayerNorm equals LayerNorm of the sum on %s', (backend) => {
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype) => {
    const tol = dtype === 'float32' ? { rtol: 2e-4, atol: 2e-5 } : { rtol: 1e-10, atol: 1e-11 };
    for (const shape of [
      [4, 7],
      [2, 3, 13],
      [3, 6, 256],
      [5, 1],
    ]) {
      it(`x ${JSON.stringify(shape)}`, () => {
        const D = shape[shape.length - 1];
        const norm = new LayerNorm(D, { dtype, backend, eps: 1e-5 });
        norm.loadStateDict({ weight: randn([D], { dtype, backend, generator: gen }), bias: randn([D], { dtype, backend, generator: gen }) });
        expect(fusedAddLayerNormKernelsFor(randn(shape, { dtype, backend }), randn(shape, { dtype, backend }), norm.weight, norm.bias)).not.toBeNull();
        // Offset means check that the row statistics of the sum do not lose the variance to cancellation.
        const x = normal(shape, 3, 1, { dtype, backend, generator: gen });
        const r = normal(shape, -1, 2, { dtype, backend, generator: gen });
        const upstream = randn(shape, { dtype, backend, generator: gen });
        const fusedRun = run(norm, x, r, upstream, true);
        for (const p of norm.parameters()) p.grad = null;
        const composedRun = run(norm, x, r, upstream, false);
        fusedRun.forEach((t, i) => {
          expect(t.backendName).toBe(backend);
          expectClose(t, composedRun[i].dataSync(), { ...tol, shape: [...composedRun[i].shape] });
        });
      });
    }

    it('without gradients, and with a residual that broadcasts (composed), gives LayerNorm of the sum', () => {
      const norm = new LayerNorm(6, { dtype, backend });
      const x = randn([3, 6], { dtype, backend, generator: gen });
      const r = randn([3, 6], { dtype, backend, generator: gen });
      expectClose(norm.forward(x, r), norm.forward(add(x, r)).dataSync(), { ...tol, shape: [3, 6] });
      // With recording off the kernel normalises the sum in place and saves nothing.
      expectClose(
        noGrad(() => norm.forward(x, r)),
        norm.forward(add(x, r)).dataSync(),
        { ...tol, shape: [3, 6] },
      );
      const row = randn([6], { dtype, backend, generator: gen });
      expect(fusedAddLayerNormKernelsFor(x, row, norm.weight, norm.bias)).toBeNull();
      expectClose(norm.forward(x, row), norm.forward(add(x, row)).dataSync(), { ...tol, shape: [3, 6] });
    });
  });
});

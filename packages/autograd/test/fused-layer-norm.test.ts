// The fused LayerNorm path: gradcheck on cpu in float64, and equality with the composed path on cpu and wasm.
import { describe, expect, it } from 'vitest';
import { Generator, mul, normal, randn, sum, tensor, type Tensor } from '@seqlab/tensor-core';
import { gradcheck, LayerNorm } from '@seqlab/autograd';
import { fusedLayerNorm, fusedLayerNormKernelsFor } from '../src/nn/layer-norm-op.js';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose, leaf } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(77);

describe('fused LayerNorm gradcheck (cpu, float64)', () => {
  const affine = [
    ['weight and bias', true, true],
    ['weight only', true, false],
    ['bias only', false, true],
    ['neither', false, false],
  ] as const;
  for (const [label, hasWeight, hasBias] of affine) {
    it(`${label}, D = 5`, () => {
      const x = leaf(gen, [2, 3, 5]);
      const w = hasWeight ? leaf(gen, [5], 0.5, 1.5) : null;
      const b = hasBias ? leaf(gen, [5]) : null;
      const kernels = fusedLayerNormKernelsFor(x, w, b);
      expect(kernels).not.toBeNull();
      const params = [w, b].filter((p): p is Tensor => p !== null);
      const fn = (xi: Tensor, ...rest: Tensor[]): Tensor =>
        fusedLayerNorm(kernels!, xi, hasWeight ? rest[0] : null, hasBias ? rest[rest.length - 1] : null, 1, 1e-5);
      expect(gradcheck(fn, [x, ...params])).toBe(true);
    });
  }

  it('over two trailing dimensions', () => {
    const x = leaf(gen, [3, 2, 3]);
    const w = leaf(gen, [2, 3], 0.5, 1.5);
    const b = leaf(gen, [2, 3]);
    const kernels = fusedLayerNormKernelsFor(x, w, b)!;
    expect(gradcheck((xi, wi, bi) => fusedLayerNorm(kernels, xi, wi, bi, 2, 1e-5), [x, w, b])).toBe(true);
  });
});

/** Output and gradients of x, weight and bias of one LayerNorm forward/backward with a random upstream gradient. */
function run(norm: LayerNorm, x: Tensor, upstream: Tensor): Tensor[] {
  const xi = x.view(x.shape).requiresGrad_();
  const y = norm.forward(xi);
  sum(mul(y, upstream)).backward();
  const out = [y, xi.grad!];
  if (norm.weight !== null) out.push(norm.weight.grad!);
  if (norm.bias !== null) out.push(norm.bias.grad!);
  return out;
}

describe.each(PARITY_BACKENDS)('fused LayerNorm equals the composed one on %s', (backend) => {
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype) => {
    const tol = dtype === 'float32' ? { rtol: 2e-4, atol: 2e-5 } : { rtol: 1e-10, atol: 1e-11 };
    const shapes: [number[], number[]][] = [
      [[4, 7], [7]],
      [[2, 3, 13], [13]],
      [[5, 1], [1]],
      [[3, 6, 256], [256]],
      [
        [2, 4, 3, 5],
        [3, 5],
      ],
      [[3, 33], [33]],
    ];
    const affine = [
      { elementwiseAffine: true, bias: true },
      { elementwiseAffine: true, bias: false },
      { elementwiseAffine: false, bias: false },
    ];
    for (const [shape, normalizedShape] of shapes) {
      for (const opts of affine) {
        it(`x ${JSON.stringify(shape)} over ${JSON.stringify(normalizedShape)}, ${JSON.stringify(opts)}`, () => {
          const fused = new LayerNorm(normalizedShape, { ...opts, dtype, backend, eps: 1e-5 });
          const composed = new LayerNorm(normalizedShape, { ...opts, dtype, backend, eps: 1e-5, fused: false });
          expect(fused.fused).toBe(true);
          expect(fusedLayerNormKernelsFor(randn([1], { dtype, backend, generator: gen }), fused.weight, fused.bias)).not.toBeNull();
          if (fused.weight !== null) {
            const w = randn(normalizedShape, { dtype, backend, generator: gen });
            const b = randn(normalizedShape, { dtype, backend, generator: gen });
            const state = fused.bias === null ? { weight: w } : { weight: w, bias: b };
            fused.loadStateDict(state);
            composed.loadStateDict(state);
          }
          // An offset mean checks that the row statistics do not lose the variance to cancellation.
          const x = normal(shape, 3, 1, { dtype, backend, generator: gen });
          const upstream = randn(shape, { dtype, backend, generator: gen });
          const a = run(fused, x, upstream);
          const c = run(composed, x, upstream);
          expect(a.length).toBe(c.length);
          a.forEach((t, i) => {
            expect(t.backendName).toBe(backend);
            expect(t.dtype).toBe(dtype);
            expectClose(t, c[i].dataSync(), { ...tol, shape: [...c[i].shape] });
          });
        });
      }
    }
  });

  it('without gradients the fused path gives the composed output', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [-4, 0.5, 10],
      ],
      undefined,
      'float32',
    ).to(backend);
    const y = new LayerNorm(3, { backend }).forward(x);
    const z = new LayerNorm(3, { backend, fused: false }).forward(x);
    expectClose(y, z.dataSync(), { rtol: 1e-5, atol: 1e-6, shape: [2, 3] });
  });
});

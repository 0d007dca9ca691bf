// The fused GELU gradient: gradcheck on cpu in float64, and equality with the composed gradient on cpu and wasm.
import { afterEach, describe, expect, it } from 'vitest';
import { fusedKernel, gelu, Generator, mul, randn, setFusedEnabled, sum, tensor, type DType, type Tensor } from '@seqlab/tensor-core';
import { gradcheck } from '@seqlab/autograd';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose, leaf } from './helpers.js';
import { BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(2029);
const FORMS = [
  ['exact', 'none'],
  ['tanh', 'tanh'],
] as const;

describe('fused GELU gradient gradcheck (cpu, float64)', () => {
  for (const [label, approximate] of FORMS) {
    it(`${label} form`, () => {
      const x = leaf(gen, [3, 5], -4, 4);
      expect(fusedKernel(x.backend, 'geluBackward')).toBeTypeOf('function');
      expect(gradcheck((a) => gelu(a, { approximate }), [x])).toBe(true);
    });
  }
});

/** The gradient of Σ w·gelu(x) with respect to x. */
function geluGrad(x: Tensor, w: Tensor, approximate: 'none' | 'tanh'): Tensor {
  const xi = x.view(x.shape).requiresGrad_();
  sum(mul(gelu(xi, { approximate }), w)).backward();
  return xi.grad!;
}

describe.each(BACKENDS)('fused GELU gradient equals the composed one on %s', (backend) => {
  afterEach(() => setFusedEnabled(true));
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype: DType) => {
    const tol = dtype === 'float32' ? { rtol: 2e-5, atol: 2e-6 } : { rtol: 1e-12, atol: 1e-13 };
    // 70,003 elements: shared by the threads in blocks (the last one partial, ending in a one-lane tail); 393: one
    // thread, f32x4 bodies and a tail; values out to about ±16, where Φ and the tanh saturate.
    for (const size of [70003, 393, 3, 1]) {
      for (const [label, approximate] of FORMS) {
        it(`${label} form, ${size} elements`, () => {
          const x = mul(randn([size], { dtype, backend, generator: gen }), 4);
          const w = randn([size], { dtype, backend, generator: gen });
          expect(fusedKernel(x.backend, 'geluBackward')).toBeTypeOf('function');
          const fused = geluGrad(x, w, approximate);
          setFusedEnabled(false);
          const composed = geluGrad(x, w, approximate);
          setFusedEnabled(true);
          expectClose(fused, composed.dataSync(), tol);
        });
      }
    }

    it('gives ½ at 0, 0 and 1 far out, and NaN for NaN', () => {
      const values = [0, -12, 12, Number.NaN];
      const x = tensor(values, [values.length], { dtype, backend });
      for (const [, approximate] of FORMS) {
        const got = Array.from(geluGrad(x, tensor([1, 1, 1, 1], [4], { dtype, backend }), approximate).dataSync());
        expect(got[0]).toBeCloseTo(0.5, 6);
        expect(got[1]).toBeCloseTo(0, 6);
        expect(got[2]).toBeCloseTo(1, 6);
        expect(got[3]).toBeNaN();
      }
    });
  });
});

// The fused cross-entropy path: gradcheck on cpu in float64, equality with the composed path (logSoftmax + gather)
// on cpu and wasm, and the cases that keep the composed path.
import { afterEach, describe, expect, it } from 'vitest';
import { add, cast, Generator, mul, randint, randn, setFusedEnabled, sum, tensor, type DType, type Tensor } from '@seqlab/tensor-core';
import { crossEntropy, gradcheck, type CrossEntropyOptions } from '@seqlab/autograd';
import { fusedCrossEntropyKernelsFor } from '../src/losses/fused-cross-entropy.js';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose, leaf } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(2027);

function ids(values: number[], backend = 'cpu'): Tensor {
  return tensor(values, [values.length], { dtype: 'int32', backend });
}

describe('fused cross-entropy gradcheck (cpu, float64)', () => {
  const x = leaf(gen, [5, 4]);
  it('runs on the fused kernels', () => {
    expect(fusedCrossEntropyKernelsFor(x)).not.toBeNull();
  });
  const cases: [string, CrossEntropyOptions][] = [
    ['mean', {}],
    ['sum with class weights', { reduction: 'sum', weight: tensor([0.5, 1, 2, 1.5], [4], { dtype: 'float64' }) }],
    ['none with an ignored target', { reduction: 'none', ignoreIndex: 3 }],
    ['mean with class weights and an ignored target', { weight: tensor([2, 1, 0.25, 1], [4], { dtype: 'float64' }), ignoreIndex: 3 }],
  ];
  for (const [label, options] of cases) {
    it(label, () => {
      const t = ids([0, 3, 2, 1, 3]);
      const fn = (a: Tensor): Tensor => {
        const loss = crossEntropy(a, t, options);
        return options.reduction === 'none' ? sum(mul(loss, tensor([1, -2, 0.5, 3, 1], [5], { dtype: 'float64' }))) : loss;
      };
      expect(gradcheck(fn, [x])).toBe(true);
    });
  }
});

/** Loss and input gradient of one crossEntropy call with an upstream weighting of the per-row losses. */
function lossAndGrad(x: Tensor, t: Tensor, options: CrossEntropyOptions): [Tensor, Tensor] {
  const xi = x.view(x.shape).requiresGrad_();
  const loss = crossEntropy(xi, t, options);
  const upstream = options.reduction === 'none' ? randn(loss.shape, { dtype: x.dtype, backend: x.backendName, generator: new Generator(5) }) : null;
  (upstream === null ? loss : sum(mul(loss, upstream))).backward();
  return [loss, xi.grad!];
}

describe.each(PARITY_BACKENDS)('fused cross-entropy equals the composed one on %s', (backend) => {
  afterEach(() => setFusedEnabled(true));
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype: DType) => {
    const tol = dtype === 'float32' ? { rtol: 2e-5, atol: 2e-6 } : { rtol: 1e-12, atol: 1e-13 };
    // C = 65 (the character vocabulary: sixteen vectors and a one-lane tail), 3 (tail only), 8 (vectors only).
    const shapes: [number, number][] = [
      [64, 65],
      [7, 3],
      [5, 8],
      [1, 1],
    ];
    const options: [string, (C: number) => CrossEntropyOptions][] = [
      ['mean', () => ({})],
      ['sum', () => ({ reduction: 'sum' })],
      ['none', () => ({ reduction: 'none' })],
      ['class weights, ignored targets', (C) => ({ weight: randn([C], { dtype, backend, generator: gen }), ignoreIndex: 0 })],
    ];
    it('logits a thousand apart, and a NaN logit', () => {
      // Row 1's target sits 2000 below its max (e^−2000 underflows; the loss must not), row 2 holds a NaN.
      const x = tensor([1000, -1000, 0, 5, 1000, -1000, 0, 5, 1, Number.NaN, 2, 3], [3, 4], { dtype, backend });
      const t = ids([0, 1, 2], backend);
      const fused = lossAndGrad(x, t, { reduction: 'none' });
      setFusedEnabled(false);
      const composed = lossAndGrad(x, t, { reduction: 'none' });
      setFusedEnabled(true);
      const losses = Array.from(fused[0].dataSync());
      expect(losses[0]).toBeCloseTo(0, 6);
      expect(losses[1]).toBeCloseTo(2000, 2);
      expect(losses[2]).toBeNaN();
      expect(Array.from(composed[0].dataSync())[2]).toBeNaN();
      expectClose(fused[0].dataSync().slice(0, 2), composed[0].dataSync().slice(0, 2), tol);
      expectClose(fused[1].dataSync().slice(0, 8), composed[1].dataSync().slice(0, 8), tol);
      expect(Array.from(fused[1].dataSync().slice(8)).every(Number.isNaN)).toBe(true);
    });

    for (const [N, C] of shapes) {
      for (const [label, make] of options) {
        it(`[${N}, ${C}] ${label}`, () => {
          // Logits far from 0 in some rows: the max shift must keep every exponential finite.
          const x = add(randn([N, C], { dtype, backend, generator: gen }), mul(cast(randint(-1, 2, [N, 1], { backend, generator: gen }), dtype), 60));
          const t = randint(0, C, [N], { backend, generator: gen });
          const opts = make(C);
          expect(fusedCrossEntropyKernelsFor(x)).not.toBeNull();
          const fused = lossAndGrad(x, t, opts);
          setFusedEnabled(false);
          const composed = lossAndGrad(x, t, opts);
          setFusedEnabled(true);
          expectClose(fused[0], composed[0].dataSync(), tol);
          expectClose(fused[1], composed[1].dataSync(), tol);
        });
      }
    }
  });
});

describe('cases that keep the composed path', () => {
  it('has no fused kernels for [C] or [N, C, d] inputs, and label smoothing stays composed', () => {
    expect(fusedCrossEntropyKernelsFor(leaf(gen, [4]))).toBeNull();
    expect(fusedCrossEntropyKernelsFor(leaf(gen, [2, 4, 3]))).toBeNull();
    // With smoothing the loss is the composed formula's: (1 − ε)·nll + ε/C·Σ_c −logp_c.
    const logits = tensor([[2, 0.5, -1]], [1, 3], { dtype: 'float64' });
    const lse = Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(-1));
    const logp = [2 - lse, 0.5 - lse, -1 - lse];
    const expected = 0.9 * -logp[0] + (0.1 / 3) * -(logp[0] + logp[1] + logp[2]);
    expect(crossEntropy(logits, ids([0]), { labelSmoothing: 0.1 }).item()).toBeCloseTo(expected, 12);
  });

  it('still rejects a bad target or option on the fused path', () => {
    const x = leaf(gen, [2, 3]);
    expect(() => crossEntropy(x, ids([0, 3]))).toThrow(/holds 3 at flat index 1; class indices must be in \[0, 2\]/);
    expect(() => crossEntropy(x, ids([0, 1, 2]))).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => crossEntropy(x, ids([0, 1]), { reduction: 'avg' as 'mean' })).toThrow(/'mean', 'sum' or 'none'/);
    expect(() => crossEntropy(x, ids([0, 1]), { labelSmoothing: -1 })).toThrow(/labelSmoothing/);
  });
});

// The fused Linear op: gradcheck on cpu in float64, equality with the composed path (forward and every gradient) on cpu and wasm, and its wiring.
import { describe, expect, it } from 'vitest';
import { Generator, mul, randn, sum, tensor, zeros, type LinearActivation, type Tensor } from '@seqlab/tensor-core';
import { composedLinear, gradcheck, linear, Linear } from '@seqlab/autograd';
import { fusedLinear, fusedLinearKernelsFor } from '../src/nn/linear-op.js';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose, leaf } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(91);
const ACTIVATIONS: LinearActivation[] = ['none', 'relu'];

describe('fused Linear gradcheck (cpu, float64)', () => {
  for (const activation of ACTIVATIONS) {
    for (const withBias of [true, false]) {
      it(`${activation}, ${withBias ? 'with' : 'without'} bias, x [2, 3, 4] → 5`, () => {
        const x = leaf(gen, [2, 3, 4]);
        const w = leaf(gen, [5, 4]);
        const b = withBias ? leaf(gen, [5]) : null;
        const kernels = fusedLinearKernelsFor(x, w, b);
        expect(kernels).not.toBeNull();
        const fn = (xi: Tensor, wi: Tensor, bi?: Tensor): Tensor => fusedLinear(kernels!, xi, wi, bi ?? null, activation);
        expect(gradcheck(fn, b === null ? [x, w] : [x, w, b])).toBe(true);
      });
    }
  }
});

/** Output and the gradients of x, weight and bias of one forward/backward with a random upstream gradient. */
function run(x: Tensor, w: Tensor, b: Tensor | null, upstream: Tensor, activation: LinearActivation, fused: boolean): Tensor[] {
  const [xi, wi, bi] = [x, w, b].map((t) => (t === null ? null : t.view(t.shape).requiresGrad_()));
  const y = linear(xi!, wi!, bi, { activation, fused });
  sum(mul(y, upstream)).backward();
  return [y, xi!.grad!, wi!.grad!, ...(bi === null ? [] : [bi.grad!])];
}

describe.each(PARITY_BACKENDS)('fused Linear equals the composed one on %s', (backend) => {
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype) => {
    // Sums over up to 300 products (depth 300) in float32.
    const tol = dtype === 'float32' ? { rtol: 2e-4, atol: 5e-5 } : { rtol: 1e-10, atol: 1e-11 };
    // Rows and widths off the 4×8 micro-tile and the 4-lane vectors, a depth over one packed block (256), a 3-D x,
    // and a product big enough to run on the worker threads with packed operands.
    const shapes: [number[], number][] = [
      [[4, 8], 8],
      [[5, 7], 3],
      [[2, 3, 13], 9],
      [[1, 6], 11],
      [[3, 300], 17],
      [[2, 100, 64], 96],
    ];
    for (const [xShape, out] of shapes) {
      for (const activation of ACTIVATIONS) {
        for (const withBias of [true, false]) {
          it(`x ${JSON.stringify(xShape)} → ${out}, ${activation}, ${withBias ? 'bias' : 'no bias'}`, () => {
            const inFeatures = xShape[xShape.length - 1];
            const x = randn(xShape, { dtype, backend, generator: gen });
            const w = randn([out, inFeatures], { dtype, backend, generator: gen });
            const b = withBias ? randn([out], { dtype, backend, generator: gen }) : null;
            const upstream = randn([...xShape.slice(0, -1), out], { dtype, backend, generator: gen });
            expect(fusedLinearKernelsFor(x, w, b)).not.toBeNull();
            const a = run(x, w, b, upstream, activation, true);
            const c = run(x, w, b, upstream, activation, false);
            expect(a.length).toBe(c.length);
            a.forEach((t, i) => {
              expect(t.backendName).toBe(backend);
              expect(t.dtype).toBe(dtype);
              expectClose(t, c[i].dataSync(), { ...tol, shape: [...c[i].shape] });
            });
            // ReLU zeroes some outputs and their gradients: the mask is exercised, not vacuous.
            if (activation === 'relu') expect(a[0].dataSync().some((v) => v === 0)).toBe(true);
          });
        }
      }
    }

    it('without gradients the fused path gives the composed output', () => {
      const x = randn([7, 5], { dtype, backend, generator: gen });
      const w = randn([6, 5], { dtype, backend, generator: gen });
      const b = randn([6], { dtype, backend, generator: gen });
      for (const activation of ACTIVATIONS) {
        const y = linear(x, w, b, { activation });
        expectClose(y, composedLinear(x, w, b, activation).dataSync(), { ...tol, shape: [7, 6] });
      }
    });

    it('an input that needs no gradient gets none, and the weight and bias gradients are unchanged', () => {
      const x = randn([6, 5], { dtype, backend, generator: gen });
      const w = randn([4, 5], { dtype, backend, generator: gen });
      const b = randn([4], { dtype, backend, generator: gen });
      const upstream = randn([6, 4], { dtype, backend, generator: gen });
      const grads = (fused: boolean): Tensor[] => {
        const [wi, bi] = [w, b].map((t) => t.view(t.shape).requiresGrad_());
        sum(mul(linear(x, wi, bi, { activation: 'relu', fused }), upstream)).backward();
        expect(x.grad).toBeNull();
        return [wi.grad!, bi.grad!];
      };
      const [fw, fb] = grads(true);
      const [cw, cb] = grads(false);
      expectClose(fw, cw.dataSync(), { ...tol, shape: [4, 5] });
      expectClose(fb, cb.dataSync(), { ...tol, shape: [4] });
    });

    it('frozen weights get no gradient, and the input gradient is unchanged', () => {
      const x = randn([6, 5], { dtype, backend, generator: gen });
      const w = randn([4, 5], { dtype, backend, generator: gen });
      const b = randn([4], { dtype, backend, generator: gen });
      const upstream = randn([6, 4], { dtype, backend, generator: gen });
      const inputGrad = (fused: boolean): Tensor => {
        const xi = x.view(x.shape).requiresGrad_();
        sum(mul(linear(xi, w, b, { activation: 'relu', fused }), upstream)).backward();
        expect(w.grad).toBeNull();
        expect(b.grad).toBeNull();
        return xi.grad!;
      };
      expectClose(inputGrad(true), inputGrad(false).dataSync(), { ...tol, shape: [6, 5] });
    });

    it('an empty batch gives empty outputs and zero weight and bias gradients', () => {
      const x = zeros([0, 4], { dtype, backend });
      const w = randn([3, 4], { dtype, backend, generator: gen });
      const b = randn([3], { dtype, backend, generator: gen });
      const [y, dx, dw, db] = run(x, w, b, zeros([0, 3], { dtype, backend }), 'relu', true);
      expect(y.shape).toEqual([0, 3]);
      expect(dx.shape).toEqual([0, 4]);
      expectClose(dw, new Array(12).fill(0), { atol: 0, shape: [3, 4] });
      expectClose(db, [0, 0, 0], { atol: 0, shape: [3] });
    });
  });
});

describe('Linear module and the linear op', () => {
  it('Linear.forward with relu equals relu of the plain forward, and the state dict keeps PyTorch names', () => {
    const layer = new Linear(3, 4, { generator: new Generator(5) });
    const x = randn([6, 3], { generator: gen });
    const plain = layer.forward(x).dataSync();
    expectClose(
      layer.forward(x, 'relu'),
      Array.from(plain, (v) => Math.max(0, v)),
      { rtol: 1e-6, atol: 1e-7, shape: [6, 4] },
    );
    expect(Object.keys(layer.stateDict()).sort()).toEqual(['bias', 'weight']);
  });

  it('an empty depth (in = 0) runs composed and gives the bias on every row', () => {
    const w = zeros([3, 0]);
    expect(fusedLinearKernelsFor(zeros([4, 0]), w, null)).toBeNull();
    expect(linear(zeros([4, 0]), w, tensor([1, -2, 3]), { activation: 'relu' }).toArray()).toEqual(Array.from({ length: 4 }, () => [1, 0, 3]));
  });

  it('follows the worked example of its documentation', () => {
    const w = tensor([
      [1, -1],
      [2, 0],
    ]);
    const b = tensor([0.5, -5]);
    expect(linear(tensor([[1, 2]]), w, b).toArray()).toEqual([[-0.5, -3]]);
    expect(linear(tensor([[1, 2]]), w, b, { activation: 'relu' }).toArray()).toEqual([[0, 0]]);
  });

  it('rejects an unknown activation, and mismatched shapes with the matmul error naming both', () => {
    const w = randn([2, 3], { generator: gen });
    expect(() => linear(randn([4, 3], { generator: gen }), w, null, { activation: 'gelu' as LinearActivation })).toThrow(
      /linear: option 'activation' must be 'none' or 'relu'; received "gelu"/,
    );
    expect(() => linear(randn([4, 5], { generator: gen }), w, null)).toThrow(/matmul: contracted dimensions differ/);
  });
});

// The fused Transformer feed-forward block (ReLU): gradcheck on cpu in float64, equality with the composed block on
// cpu and wasm (output and every gradient), the hidden activation kept inside the kernel, and the composed fallbacks.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Generator, mul, randn, setFusedEnabled, sum, type Tensor } from '@seqlab/tensor-core';
import { Dropout, gradcheck, gradcheckParameters, Linear, noGrad } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { TransformerEncoderLayer } from '@seqlab/attention';
import { composedFeedForward, feedForward, fusedFeedForwardKernelsFor, type FeedForwardLayers } from '../src/feed-forward.js';
import { storedDTypes } from '@seqlab/test-utils/suites';
import { expectClose } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

const gen = new Generator(404);

function layers(dModel: number, hidden: number, dtype: 'float32' | 'float64', backend: string, bias = true, p = 0): FeedForwardLayers {
  const options = { dtype, backend, bias, generator: gen };
  return { linear1: new Linear(dModel, hidden, options), dropout: new Dropout(p, { generator: gen }), linear2: new Linear(hidden, dModel, options) };
}

const parametersOf = (l: FeedForwardLayers): Tensor[] => [...l.linear1.parameters(), ...l.linear2.parameters()];

describe('fused feed-forward gradcheck (cpu, float64)', () => {
  for (const bias of [true, false]) {
    it(`${bias ? 'with' : 'without'} biases: x and every parameter`, () => {
      const l = layers(4, 6, 'float64', 'cpu', bias);
      expect(fusedFeedForwardKernelsFor(randn([1], { dtype: 'float64' }))).not.toBeNull();
      const x = randn([2, 3, 4], { dtype: 'float64', generator: gen }).requiresGrad_();
      expect(gradcheck((xi) => feedForward('relu', l, xi), [x])).toBe(true);
      expect(gradcheckParameters(() => feedForward('relu', l, x), parametersOf(l)).passed).toBe(true);
    });
  }
});

/** Output, the input's gradient and every parameter gradient of the block, with a random upstream gradient. */
function run(l: FeedForwardLayers, x: Tensor, upstream: Tensor, fused: boolean): Tensor[] {
  for (const p of parametersOf(l)) p.grad = null;
  const xi = x.view(x.shape).requiresGrad_();
  const previous = setFusedEnabled(fused);
  try {
    const y = feedForward('relu', l, xi);
    sum(mul(y, upstream)).backward();
    return [y, xi.grad!, ...parametersOf(l).map((p) => p.grad!)];
  } finally {
    setFusedEnabled(previous);
  }
}

describe.each(PARITY_BACKENDS)('fused feed-forward equals the composed block on %s', (backend) => {
  describe.each(storedDTypes(backend, ['float32', 'float64'] as const))('%s', (dtype) => {
    const tol = dtype === 'float32' ? { rtol: 3e-4, atol: 5e-5 } : { rtol: 1e-10, atol: 1e-11 };
    const cases: [number[], number, number, boolean][] = [
      [[4, 8], 8, 16, true],
      [[2, 5, 7], 7, 13, true],
      [[3, 9], 9, 5, false],
      [[2, 50, 64], 64, 256, true],
    ];
    for (const [shape, dModel, hidden, bias] of cases) {
      it(`x ${JSON.stringify(shape)}, hidden ${hidden}, ${bias ? 'biases' : 'no biases'}`, () => {
        const l = layers(dModel, hidden, dtype, backend, bias);
        const x = randn(shape, { dtype, backend, generator: gen });
        const upstream = randn(shape, { dtype, backend, generator: gen });
        const fused = run(l, x, upstream, true);
        const composed = run(l, x, upstream, false);
        expect(fused.length).toBe(composed.length);
        fused.forEach((t, i) => {
          expect(t.backendName).toBe(backend);
          expectClose(t, composed[i].dataSync(), { ...tol, shape: [...composed[i].shape] });
        });
        const noGradOut = feedForward('relu', l, x);
        expectClose(noGradOut, composedFeedForward('relu', l, x).dataSync(), { ...tol, shape: [...shape] });
      });
    }
  });
});

describe.each(PARITY_BACKENDS)('fused feed-forward on %s with an input that needs no gradient', (backend) => {
  it('gives no input gradient and the composed parameter gradients', () => {
    const l = layers(12, 20, 'float32', backend);
    const x = randn([3, 4, 12], { backend, generator: gen });
    const upstream = randn([3, 4, 12], { backend, generator: gen });
    const grads = (fused: boolean): Tensor[] => {
      for (const p of parametersOf(l)) p.grad = null;
      const previous = setFusedEnabled(fused);
      try {
        sum(mul(feedForward('relu', l, x), upstream)).backward();
      } finally {
        setFusedEnabled(previous);
      }
      expect(x.grad).toBeNull();
      return parametersOf(l).map((p) => p.grad!);
    };
    const fused = grads(true);
    const composed = grads(false);
    fused.forEach((t, i) => expectClose(t, composed[i].dataSync(), { rtol: 3e-4, atol: 5e-5, shape: [...composed[i].shape] }));
  });
});

describe('feed-forward block wiring', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the post-norm ReLU encoder layer on wasm runs on the fused Linear, feed-forward and add + LayerNorm kernels, with the composed numbers', () => {
    const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true, generator: gen, backend: 'wasm' });
    const x = randn([2, 5, 16], { backend: 'wasm', generator: gen });
    const names = ['linear', 'feedForward', 'addLayerNorm', 'linearBackward', 'feedForwardBackward'] as const;
    const spies = names.map((name) => vi.spyOn(wasmBackend.fused, name));
    const y = layer.forward(x, { isCausal: true });
    sum(y).backward();
    // in_proj and out_proj, the block, both norms; then the backward of each.
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([2, 1, 2, 2, 1]);
    const previous = setFusedEnabled(false);
    try {
      expectClose(y, layer.forward(x, { isCausal: true }).dataSync(), { rtol: 2e-4, atol: 2e-5, shape: [2, 5, 16] });
    } finally {
      setFusedEnabled(previous);
    }
  });

  it('on wasm without gradients the hidden activation never leaves the kernel: only x comes in and the output goes out', () => {
    const l = layers(32, 128, 'float32', 'wasm');
    const x = randn([10, 32], { backend: 'wasm', generator: gen });
    const before = wasmHeapStats();
    expect(noGrad(() => feedForward('relu', l, x)).shape).toEqual([10, 32]);
    const after = wasmHeapStats();
    expect(after.bytesCopiedIn - before.bytesCopiedIn).toBe(10 * 32 * 4);
    expect(after.bytesCopiedOut - before.bytesCopiedOut).toBe(10 * 32 * 4);
  });

  it('GELU and active dropout run the composed block (GELU differs from ReLU; dropout zeroes some hidden units)', () => {
    const l = layers(6, 12, 'float32', 'cpu');
    const x = randn([5, 6], { generator: gen });
    const relu = feedForward('relu', l, x).dataSync();
    const gelu = feedForward('gelu', l, x);
    expectClose(gelu, composedFeedForward('gelu', l, x).dataSync(), { rtol: 1e-6, atol: 1e-7, shape: [5, 6] });
    expect(Array.from(gelu.dataSync()).some((v, i) => Math.abs(v - relu[i]) > 1e-4)).toBe(true);
    const dropped = layers(6, 12, 'float32', 'cpu', true, 0.5);
    dropped.dropout.train();
    const a = feedForward('relu', dropped, x).dataSync();
    dropped.dropout.eval();
    const b = feedForward('relu', dropped, x).dataSync();
    expect(Array.from(a).some((v, i) => Math.abs(v - b[i]) > 1e-4)).toBe(true);
  });
});

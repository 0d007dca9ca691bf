// fusedKernel: the typed lookup of a backend's fused kernels, the declared result shapes, and the global switch.
import { afterEach, describe, expect, it } from 'vitest';
import { cpuBackend, fusedKernel, isFusedEnabled, setFusedEnabled, tensor, type Backend, type FusedKernelName } from '@seqlab/tensor-core';

const ALL: FusedKernelName[] = [
  'lstmSequence',
  'lstmSequenceBackward',
  'gruSequence',
  'gruSequenceBackward',
  'attention',
  'attentionBackward',
  'layerNorm',
  'layerNormBackward',
  'addLayerNorm',
  'linear',
  'linearBackward',
  'feedForward',
  'feedForwardBackward',
  'crossEntropy',
  'crossEntropyBackward',
  'geluBackward',
];

function expectArrayClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 12));
}

describe('fusedKernel', () => {
  afterEach(() => setFusedEnabled(true));

  it('finds every fused kernel of the CPU reference but the Adam step, which it does not have', () => {
    for (const name of ALL) expect(fusedKernel(cpuBackend, name), name).toBeTypeOf('function');
    expect(fusedKernel(cpuBackend, 'adamStep')).toBeUndefined();
  });

  it('is undefined on a backend without a fused table, when the call opts out, and while fused paths are off', () => {
    const bare: Backend = { ...cpuBackend, name: 'bare', fused: undefined };
    expect(fusedKernel(bare, 'layerNorm')).toBeUndefined();
    expect(fusedKernel(cpuBackend, 'layerNorm', false)).toBeUndefined();
    expect(isFusedEnabled()).toBe(true);
    expect(setFusedEnabled(false)).toBe(true);
    expect(isFusedEnabled()).toBe(false);
    expect(fusedKernel(cpuBackend, 'layerNorm')).toBeUndefined();
    expect(setFusedEnabled(true)).toBe(false);
    expect(fusedKernel(cpuBackend, 'layerNorm')).toBeTypeOf('function');
  });

  it('rejects a switch that is not a boolean', () => {
    expect(() => setFusedEnabled('no' as unknown as boolean)).toThrow("setFusedEnabled: argument 'enabled' must be a boolean; received string");
  });

  it('returns tensors of the declared shapes and dtype on the kernel backend', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 6, 8],
      ],
      undefined,
      'float64',
    );
    const layerNorm = fusedKernel(x.backend, 'layerNorm');
    const r = layerNorm!(x, null, null, 0);
    expect(r.output.shape).toEqual([2, 3]);
    expect(r.mean.shape).toEqual([2]);
    expect(r.rstd.shape).toEqual([2]);
    expect(r.output.dtype).toBe('float64');
    expect(r.output.backend).toBe(x.backend);
    expect(Array.from(r.mean.dataSync())).toEqual([2, 6]);
    const g = fusedKernel(x.backend, 'layerNormBackward')!(x, x, null, r.mean, r.rstd);
    expect(g.dx.shape).toEqual([2, 3]);
    expect(g.dWeight.shape).toEqual([3]);
    expect(g.dBias.shape).toEqual([3]);
  });

  it('declares the cross-entropy results: [N] losses and normalisers, logits-shaped gradient (CPU reference values)', () => {
    const x = tensor([0, 0, 0, 2, 0, 0], [2, 3], 'float64');
    const targets = tensor([0, 1], [2], 'int32');
    const weights = tensor([1, 2], [2], 'float64');
    const r = fusedKernel(x.backend, 'crossEntropy')!(x, targets, weights);
    expect(r.losses.shape).toEqual([2]);
    expect(r.logSum.shape).toEqual([2]);
    const lse1 = Math.log(1 + 2 * Math.exp(-2));
    expectArrayClose(r.losses.dataSync(), [Math.log(3), 2 * (lse1 + 2)]);
    expectArrayClose(r.logSum.dataSync(), [Math.log(3), lse1]);
    const g = fusedKernel(x.backend, 'crossEntropyBackward')!(tensor([1, 0.5], [2], 'float64'), x, targets, weights, r.logSum);
    expect(g.dLogits.shape).toEqual([2, 3]);
    // Row 1: 0.5·2·(softmax − onehot(1)).
    const p = [1, Math.exp(-2), Math.exp(-2)].map((v) => v / (1 + 2 * Math.exp(-2)));
    expectArrayClose(g.dLogits.dataSync(), [1 / 3 - 1, 1 / 3, 1 / 3, p[0], p[1] - 1, p[2]]);
  });

  it("declares the GELU gradient's shape: x's (CPU reference values)", () => {
    const x = tensor([0, 1, -1], [3], 'float64');
    const g = fusedKernel(x.backend, 'geluBackward')!(tensor([1, 2, 1], [3], 'float64'), x, false);
    expect(g.dx.shape).toEqual([3]);
    // gelu'(x) = Φ(x) + x·φ(x): ½ at 0; Φ(1) + φ(1) = 0.841345 + 0.241971; Φ(−1) − φ(−1) = 0.158655 − 0.241971.
    expectArrayClose(g.dx.dataSync(), [0.5, 2 * (0.8413447460685429 + 0.24197072451914337), 0.15865525393145707 - 0.24197072451914337]);
  });

  it('declares the shapes of the Linear, feed-forward and add + LayerNorm results, optional ones null when not asked for', () => {
    const x = tensor([[[1, -2, 3]], [[0.5, 1, -1]]], undefined, 'float64'); // [2, 1, 3]
    const w1 = tensor(
      [
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 1],
        [0, 0, -1],
      ],
      undefined,
      'float64',
    ); // [4, 3]
    const w2 = tensor(
      [
        [1, 1, 1, 1],
        [0, 1, 0, 1],
        [2, 0, 0, 0],
      ],
      undefined,
      'float64',
    ); // [3, 4]
    const y = fusedKernel(x.backend, 'linear')!(x, w1, null, 'relu').output;
    expect(y.shape).toEqual([2, 1, 4]);
    expect(Array.from(y.dataSync())).toEqual([1, 0, 2, 0, 0.5, 1, 0.5, 1]);
    const g = fusedKernel(x.backend, 'linearBackward')!(y, x, w1, y, 'relu', false);
    expect(g.dx).toBeNull();
    expect([g.dWeight.shape, g.dBias.shape]).toEqual([[4, 3], [4]]);
    const ff = fusedKernel(x.backend, 'feedForward')!(x, w1, null, w2, null, false);
    expect([ff.output.shape, ff.hidden]).toEqual([[2, 1, 3], null]);
    const saved = fusedKernel(x.backend, 'feedForward')!(x, w1, null, w2, null, true);
    expect(saved.hidden!.shape).toEqual([2, 1, 4]);
    const fb = fusedKernel(x.backend, 'feedForwardBackward')!(saved.output, x, w1, w2, saved.hidden!, true);
    expect([fb.dx!.shape, fb.dW1.shape, fb.db1.shape, fb.dW2.shape, fb.db2.shape]).toEqual([[2, 1, 3], [4, 3], [4], [3, 4], [3]]);
    const ln = fusedKernel(x.backend, 'addLayerNorm')!(x, x, null, null, 1e-5, false);
    expect([ln.output.shape, ln.mean.shape, ln.sum]).toEqual([[2, 1, 3], [2], null]);
    expect(Array.from(fusedKernel(x.backend, 'addLayerNorm')!(x, x, null, null, 1e-5, true).sum!.dataSync())).toEqual([2, -4, 6, 1, 2, -2]);
  });

  it('keeps a null optional result null (attention without saved probabilities)', () => {
    const q = tensor([
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ]);
    const operand = { handle: q.handle, offset: 0, batchStride: 4, headStride: 4, rowStride: 2 };
    const problem = {
      dtype: 'float32',
      batch: 1,
      heads: 1,
      queryLength: 2,
      keyLength: 2,
      headDim: 2,
      valueDim: 2,
      q: operand,
      k: operand,
      v: operand,
      scale: 1,
      causalOffset: null,
      mask: null,
      bias: null,
      dropout: null,
      outStrides: [4, 4, 2],
      outShape: [1, 2, 2],
    } as const;
    const attention = fusedKernel(q.backend, 'attention')!;
    const without = attention(problem, false);
    expect(without.out.shape).toEqual([1, 2, 2]);
    expect(without.probs).toBeNull();
    expect(attention(problem, true).probs?.shape).toEqual([1, 1, 2, 2]);
  });
});

// MultiHeadAttention: PyTorch parity (attention.json) on every backend, both paths and layouts, parameter layout, per-head weights, bad input.
import { afterEach, describe, expect, it } from 'vitest';
import { Generator, randn, reshape, setFusedEnabled, sum, tensor } from '@seqlab/tensor-core';
import { MultiHeadAttention, setAttentionMemoryBudget } from '@seqlab/attention';
import { multiHeadAttentionGoldensSuite } from '@seqlab/test-utils/parity-suites';
import { expectClose, seeded } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

afterEach(() => {
  setFusedEnabled(true);
});

// The PyTorch parity body is shared with the gpu backend's browser tests (packages/kernels-gpu).
describe.each(PARITY_BACKENDS)('%s backend', (backend) => multiHeadAttentionGoldensSuite(backend));

describe('MultiHeadAttention layout and options', () => {
  it('has PyTorch state dict names, with separate projections when kdim/vdim differ', () => {
    const shapes = (m: MultiHeadAttention) => Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]);
    expect(shapes(new MultiHeadAttention(8, 2))).toEqual([
      ['in_proj_weight', [24, 8]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    expect(shapes(new MultiHeadAttention(8, 2, { kdim: 3, vdim: 5, bias: false }))).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 3]],
      ['v_proj_weight', [8, 5]],
      ['out_proj.weight', [8, 8]],
    ]);
    const m = new MultiHeadAttention(8, 2);
    expect([...m.in_proj_bias!.dataSync()].every((v) => v === 0)).toBe(true);
    expect([...m.out_proj.bias!.dataSync()].every((v) => v === 0)).toBe(true);
    const bound = Math.sqrt(6 / (8 + 24));
    expect([...m.in_proj_weight!.dataSync()].every((v) => Math.abs(v) <= bound)).toBe(true);
  });

  it('separate projections: kdim/vdim inputs match an explicit computation on both paths', () => {
    const gen = new Generator(4);
    const mha = new MultiHeadAttention(4, 2, { kdim: 3, vdim: 5, batchFirst: true, dtype: 'float64', generator: gen });
    const q = seeded(gen, [2, 3, 4]),
      k = seeded(gen, [2, 6, 3]),
      v = seeded(gen, [2, 6, 5]);
    const fusedOut = mha.forward(q, k, v, { averageAttnWeights: false });
    setFusedEnabled(false);
    const composedOut = mha.forward(q, k, v, { averageAttnWeights: false });
    expectClose(fusedOut.output, composedOut.output, { rtol: 1e-12, atol: 1e-12 });
    expect(fusedOut.output.shape).toEqual([2, 3, 4]);
    expect(fusedOut.weights!.shape).toEqual([2, 2, 3, 6]);
  });

  it('accepts unbatched inputs and a [B·H, L, S] attention mask', () => {
    const gen = new Generator(8);
    const mha = new MultiHeadAttention(4, 2, { dtype: 'float64', generator: gen });
    const x = seeded(gen, [5, 4]);
    const { output, weights } = mha.forward(x, x, x);
    expect(output.shape).toEqual([5, 4]);
    expect(weights!.shape).toEqual([5, 5]);
    const batched = mha.forward(reshape(x, [5, 1, 4]), reshape(x, [5, 1, 4]), reshape(x, [5, 1, 4]));
    expectClose(output, reshape(batched.output, [5, 4]), { rtol: 1e-12, atol: 1e-12 });
    const perHeadMask = tensor(
      Array.from({ length: 2 * 5 * 5 }, (_, i) => i % 7 === 3),
      [2, 5, 5],
    );
    const masked = mha.forward(reshape(x, [5, 1, 4]), reshape(x, [5, 1, 4]), reshape(x, [5, 1, 4]), { attnMask: perHeadMask, averageAttnWeights: false });
    const w = masked.weights!.dataSync();
    const m = perHeadMask.dataSync();
    for (let i = 0; i < m.length; i++) if (m[i]) expect(w[i]).toBe(0);
  });

  it('applies dropout to the weights only in training mode, reproducibly from its generator', () => {
    const x = randn([2, 6, 8]);
    const make = () => new MultiHeadAttention(8, 2, { dropout: 0.5, batchFirst: true, generator: new Generator(1) });
    const a = make().forward(x, x, x).weights!.dataSync();
    const b = make().forward(x, x, x).weights!.dataSync();
    expect([...a]).toEqual([...b]);
    const evalWeights = make().eval().forward(x, x, x, { averageAttnWeights: false }).weights!;
    const rows = sum(evalWeights, -1).dataSync();
    for (const r of rows) expect(r).toBeCloseTo(1, 5);
  });

  it('checks the attention memory budget with its heads before allocating', () => {
    const previous = setAttentionMemoryBudget(2 * 2 * 5 * 5 * 4 - 1);
    try {
      const mha = new MultiHeadAttention(8, 2, { batchFirst: true });
      const x = randn([2, 5, 8]);
      expect(() => mha.forward(x, x, x)).toThrow(expect.objectContaining({ code: 'MEMORY_BUDGET_EXCEEDED' }));
      expect(() => mha.forward(x, x, x)).toThrow(/MultiHeadAttention\.forward: .*B=2 × H=2 × L=5 × S=5/);
      setAttentionMemoryBudget(2 * 2 * 5 * 5 * 4);
      expect(mha.forward(x, x, x).output.shape).toEqual([2, 5, 8]);
    } finally {
      setAttentionMemoryBudget(previous);
    }
  });

  it('rejects bad configurations and inputs with typed errors', () => {
    expect(() => new MultiHeadAttention(10, 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new MultiHeadAttention(10, 3)).toThrow(/'embedDim' \(10\) must be divisible by 'numHeads' \(3\)/);
    const mha = new MultiHeadAttention(8, 2, { batchFirst: true });
    const x = randn([2, 5, 8]);
    expect(() => mha.forward(randn([2, 5, 6]), x, x)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => mha.forward(x, randn([3, 5, 8]), randn([3, 5, 8]))).toThrow(/batch size/);
    expect(() => mha.forward(x, x, randn([2, 4, 8]))).toThrow(/same length/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: tensor([[true, false]]) })).toThrow(/keyPaddingMask.*\[2, 5\]/);
    expect(() => mha.forward(x, x, x, { attnMask: tensor([[true, false, true]]) })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

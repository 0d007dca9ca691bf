// scaledDotProductAttention: PyTorch parity (attention.json) on every backend, fused vs composed, fully masked rows, budget and bad input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator, mul, randn, sum, tensor, zeros, type Tensor } from '@seqlab/tensor-core';
import { gradcheck } from '@seqlab/autograd';
import { scaledDotProductAttention, setAttentionMemoryBudget, type ScaledDotProductAttentionOptions } from '@seqlab/attention';
import { attentionGoldensSuite } from '@seqlab/test-utils/parity-suites';
import { expectClose, seeded } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

// The PyTorch parity body is shared with the gpu backend's browser tests (packages/kernels-gpu).
describe.each(PARITY_BACKENDS)('%s backend', (backend) => attentionGoldensSuite(backend));

/** Runs the same call on both paths and compares outputs, weights and every gradient. */
function compareFusedComposed(shapes: { q: number[]; k: number[]; v: number[] }, options: ScaledDotProductAttentionOptions, seed: number): void {
  const results = [true, false].map((fused) => {
    const gen = new Generator(seed);
    const q = seeded(gen, shapes.q, 'float64', -2, 2).requiresGrad_();
    const k = seeded(gen, shapes.k, 'float64', -2, 2).requiresGrad_();
    const v = seeded(gen, shapes.v, 'float64', -2, 2).requiresGrad_();
    const g = seeded(gen, [...shapes.q.slice(0, -1), shapes.v[shapes.v.length - 1]]);
    const { output, weights } = scaledDotProductAttention(q, k, v, { ...options, fused, returnWeights: true, generator: new Generator(seed + 1) });
    // The fused path leaves one graph node for the whole call; the composed one ends in a matmul.
    if (shapes.q.length === 4) expect((output.gradNode as { name: string }).name).toBe(fused ? 'scaledDotProductAttention' : 'matmul');
    sum(mul(output, g)).backward();
    return { output, weights: weights!, grads: [q.grad!, k.grad!, v.grad!] };
  });
  const tol = { rtol: 1e-9, atol: 1e-11 };
  expectClose(results[0].output, results[1].output, tol);
  expectClose(results[0].weights, results[1].weights, tol);
  for (let i = 0; i < 3; i++) expectClose(results[0].grads[i], results[1].grads[i], tol);
}

describe('fused and composed paths agree', () => {
  it('on random shapes with bool masks, float masks, causality and dropout (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
          L: fc.integer({ min: 1, max: 6 }),
          S: fc.integer({ min: 1, max: 6 }),
          D: fc.integer({ min: 1, max: 5 }),
          Dv: fc.integer({ min: 1, max: 5 }),
          maskKind: fc.constantFrom('none', 'bool', 'float', 'padding'),
          isCausal: fc.boolean(),
          dropout: fc.constantFrom(0, 0.3),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ lead, L, S, D, Dv, maskKind, isCausal, dropout, seed }) => {
          const gen = new Generator(seed + 7);
          let mask: Tensor | undefined;
          if (maskKind === 'bool')
            mask = tensor(
              Array.from({ length: L * S }, () => gen.uniform() < 0.4),
              [L, S],
            );
          if (maskKind === 'float') {
            mask = tensor(
              Array.from({ length: L * S }, () => (gen.uniform() < 0.3 ? -Infinity : gen.uniform() - 0.5)),
              [L, S],
              'float64',
            );
          }
          if (maskKind === 'padding' && lead.length > 0) {
            mask = tensor(
              Array.from({ length: lead[0] * S }, () => gen.uniform() < 0.5),
              [lead[0], ...lead.slice(1).map(() => 1), 1, S],
            );
          }
          compareFusedComposed({ q: [...lead, L, D], k: [...lead, S, D], v: [...lead, S, Dv] }, { mask, isCausal, dropout }, seed);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('when the loss also uses the returned weights', () => {
    const grads = [true, false].map((fused) => {
      const q = seeded(new Generator(1), [2, 3, 4], 'float64').requiresGrad_();
      const k = seeded(new Generator(2), [2, 5, 4], 'float64').requiresGrad_();
      const v = seeded(new Generator(3), [2, 5, 2], 'float64').requiresGrad_();
      const { output, weights } = scaledDotProductAttention(q, k, v, { fused, returnWeights: true, dropout: 0.25, generator: new Generator(9) });
      sum(mul(sum(output), sum(mul(weights!, weights!)))).backward();
      return [q.grad!, k.grad!, v.grad!];
    });
    for (let i = 0; i < 3; i++) expectClose(grads[0][i], grads[1][i], { rtol: 1e-9, atol: 1e-11 });
  });

  it('pass gradcheck in float64 (fused, with a mask, causality and weights)', () => {
    const gen = new Generator(11);
    const q = seeded(gen, [2, 3, 4]).requiresGrad_();
    const k = seeded(gen, [2, 4, 4]).requiresGrad_();
    const v = seeded(gen, [2, 4, 3]).requiresGrad_();
    const mask = tensor([
      [false, true, false, false],
      [false, false, false, true],
      [true, true, true, true],
    ]);
    for (const fused of [true, false]) {
      expect(
        gradcheck(
          (a, b, c) => {
            const r = scaledDotProductAttention(a, b, c, { mask, isCausal: true, queryOffset: 1, fused, returnWeights: true });
            return [r.output, r.weights!];
          },
          [q, k, v],
        ),
      ).toBe(true);
    }
  });
});

describe('learnable additive masks', () => {
  it('a float mask that requires gradients takes the composed path and receives its gradient', () => {
    const gen = new Generator(21);
    const q = seeded(gen, [2, 2, 3, 4]),
      k = seeded(gen, [2, 2, 5, 4]),
      v = seeded(gen, [2, 2, 5, 3]);
    const bias = seeded(gen, [3, 5]).requiresGrad_();
    const { output } = scaledDotProductAttention(q, k, v, { mask: bias });
    expect((output.gradNode as { name: string }).name).toBe('matmul');
    expect(gradcheck((b) => scaledDotProductAttention(q, k, v, { mask: b }).output, [bias])).toBe(true);
  });
});

describe('fully masked rows', () => {
  it.each([true, false])('give zero weights, zero output and zero gradients, never NaN (fused %s)', (fused) => {
    const gen = new Generator(5);
    const q = seeded(gen, [1, 3, 2]).requiresGrad_();
    const k = seeded(gen, [1, 3, 2]).requiresGrad_();
    const v = seeded(gen, [1, 3, 2]).requiresGrad_();
    const mask = tensor([
      [false, true, false],
      [true, true, true],
      [false, false, true],
    ]);
    const { output, weights } = scaledDotProductAttention(q, k, v, { mask, returnWeights: true, fused });
    expect((weights!.toArray() as number[][][])[0][1]).toEqual([0, 0, 0]);
    expect((output.toArray() as number[][][])[0][1]).toEqual([0, 0]);
    sum(output).backward();
    expect((q.grad!.toArray() as number[][][])[0][1]).toEqual([0, 0]);
    for (const g of [q.grad!, k.grad!, v.grad!]) expect([...g.dataSync()].every(Number.isFinite)).toBe(true);
    // A row that sees nothing under causality (query offset −1 hides every key from query 0) behaves the same.
    const causal = scaledDotProductAttention(q, k, v, { isCausal: true, queryOffset: -1, fused, returnWeights: true });
    expect((causal.weights!.toArray() as number[][][])[0][0]).toEqual([0, 0, 0]);
  });
});

describe('memory budget', () => {
  it('rejects a call whose scores exceed the budget before allocating, naming B, H, L, S and the bytes', () => {
    const previous = setAttentionMemoryBudget(1000);
    try {
      const q = zeros([2, 3, 8, 4]);
      const k = zeros([2, 3, 16, 4]);
      let error: unknown;
      try {
        scaledDotProductAttention(q, k, k);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED', name: 'MemoryBudgetError' });
      const message = (error as Error).message;
      for (const part of ['B=2', 'H=3', 'L=8', 'S=16', '3072 bytes', '1000 bytes']) expect(message).toContain(part);
      expect(scaledDotProductAttention(zeros([2, 3, 4, 4]), zeros([2, 3, 4, 4]), zeros([2, 3, 4, 4])).output.shape).toEqual([2, 3, 4, 4]);
    } finally {
      setAttentionMemoryBudget(previous);
    }
  });
});

describe('bad input', () => {
  const q = randn([2, 3, 4]);
  it.each([
    ['widths differ', () => scaledDotProductAttention(q, randn([2, 5, 3]), randn([2, 5, 4])), 'SHAPE_MISMATCH', /same width/],
    ['lengths of k and v differ', () => scaledDotProductAttention(q, randn([2, 5, 4]), randn([2, 4, 4])), 'SHAPE_MISMATCH', /same length/],
    ['leading dims differ', () => scaledDotProductAttention(q, randn([3, 5, 4]), randn([3, 5, 4])), 'SHAPE_MISMATCH', /leading/],
    ['mask does not broadcast', () => scaledDotProductAttention(q, q, q, { mask: tensor([[true, false]]) }), 'SHAPE_MISMATCH', /\[1, 2\].*\[2, 3, 3\]/],
    ['int mask', () => scaledDotProductAttention(q, q, q, { mask: zeros([3, 3], 'int32') }), 'DTYPE_MISMATCH', /mask/],
    ['int inputs', () => scaledDotProductAttention(zeros([2, 2], 'int32'), q, q), 'DTYPE_MISMATCH', /'q'/],
    ['dtype mix', () => scaledDotProductAttention(q, zeros([2, 3, 4], 'float64'), q), 'DTYPE_MISMATCH', /'k'/],
    ['dropout out of range', () => scaledDotProductAttention(q, q, q, { dropout: 1.5 }), 'INVALID_ARGUMENT', /dropout/],
    ['rank 1', () => scaledDotProductAttention(randn([4]), q, q), 'SHAPE_MISMATCH', /at least 2/],
  ])('%s', (_, call, code, message) => {
    expect(call).toThrow(expect.objectContaining({ code }));
    expect(call).toThrow(message);
  });
});

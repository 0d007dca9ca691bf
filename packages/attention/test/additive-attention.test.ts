// AdditiveAttention: the Bahdanau formula against a direct float64 evaluation, masks, fully masked rows, gradients.
import { describe, expect, it } from 'vitest';
import { Generator, sum, tensor, type Tensor } from '@seqlab/tensor-core';
import { gradcheck } from '@seqlab/autograd';
import { AdditiveAttention } from '@seqlab/attention';
import { expectClose, seeded } from './helpers.js';

/** score_j = vᵀ tanh(Wq q + Wk k_j + b), softmax over unmasked j, context = Σ w_j v_j; one query row. */
function reference(attn: AdditiveAttention, q: number[], keys: number[][], values: number[][], masked: boolean[]): { ctx: number[]; w: number[] } {
  const Wq = attn.query_proj.weight.dataSync(),
    Wk = attn.key_proj.weight.dataSync(),
    b = attn.key_proj.bias!.dataSync(),
    v = attn.v.weight.dataSync();
  const H = attn.hiddenSize,
    Dq = attn.queryDim,
    Dk = attn.keyDim;
  const scores = keys.map((k, j) => {
    if (masked[j]) return -Infinity;
    let s = 0;
    for (let h = 0; h < H; h++) {
      let e = b[h];
      for (let i = 0; i < Dq; i++) e += Wq[h * Dq + i] * q[i];
      for (let i = 0; i < Dk; i++) e += Wk[h * Dk + i] * k[i];
      s += v[h] * Math.tanh(e);
    }
    return s;
  });
  const m = Math.max(...scores);
  const e = scores.map((s) => (s === -Infinity ? 0 : Math.exp(s - m)));
  const z = e.reduce((a, c) => a + c, 0);
  const w = e.map((x) => (z === 0 ? 0 : x / z));
  const ctx = values[0].map((_, d) => values.reduce((acc, row, j) => acc + w[j] * row[d], 0));
  return { ctx, w };
}

const rows = (t: Tensor): number[][][] => t.toArray() as number[][][];

describe('AdditiveAttention', () => {
  const gen = new Generator(7);
  const attn = new AdditiveAttention(3, { keyDim: 4, hiddenSize: 5, generator: gen, dtype: 'float64' });

  it('names its parameters like the PyTorch module in the README', () => {
    expect(Object.entries(attn.stateDict()).map(([k, t]) => [k, [...t.shape]])).toEqual([
      ['query_proj.weight', [5, 3]],
      ['key_proj.weight', [5, 4]],
      ['key_proj.bias', [5]],
      ['v.weight', [1, 5]],
    ]);
  });

  it('matches the formula for a 2-D query with a padding mask, and for a 3-D query', () => {
    const q = seeded(gen, [2, 3]);
    const keys = seeded(gen, [2, 4, 4]);
    const values = seeded(gen, [2, 4, 2]);
    const pad = [
      [false, false, false, false],
      [false, false, true, true],
    ];
    const { context, weights } = attn.forward(q, keys, values, { mask: tensor(pad) });
    expect(context.shape).toEqual([2, 2]);
    expect(weights.shape).toEqual([2, 4]);
    for (let b = 0; b < 2; b++) {
      const ref = reference(attn, (q.toArray() as number[][])[b], rows(keys)[b], rows(values)[b], pad[b]);
      expectClose(sliceRow(context, b), ref.ctx, { atol: 1e-12, rtol: 0 });
      expectClose(sliceRow(weights, b), ref.w, { atol: 1e-12, rtol: 0 });
    }
    expect((weights.toArray() as number[][])[1].slice(2)).toEqual([0, 0]);

    const q3 = seeded(gen, [2, 3, 3]);
    const out = attn.forward(q3, keys, values, { mask: tensor(pad) });
    expect(out.context.shape).toEqual([2, 3, 2]);
    expect(out.weights.shape).toEqual([2, 3, 4]);
    const ref = reference(attn, (q3.toArray() as number[][][])[1][2], rows(keys)[1], rows(values)[1], pad[1]);
    expectClose(tensor((out.weights.toArray() as number[][][])[1][2], undefined, 'float64'), ref.w, { atol: 1e-12, rtol: 0 });
  });

  it('gives zero weights and a zero context (not NaN) for a row whose keys are all masked, with finite gradients', () => {
    const q = seeded(gen, [2, 3]).requiresGrad_();
    const keys = seeded(gen, [2, 4, 4]).requiresGrad_();
    const { context, weights } = attn.forward(q, keys, keys, {
      mask: tensor([
        [false, true, false, true],
        [true, true, true, true],
      ]),
    });
    expect((weights.toArray() as number[][])[1]).toEqual([0, 0, 0, 0]);
    expect((context.toArray() as number[][])[1]).toEqual([0, 0, 0, 0]);
    sum(context).backward();
    for (const g of [q.grad!, keys.grad!]) expect([...g.dataSync()].every(Number.isFinite)).toBe(true);
    expect((q.grad!.toArray() as number[][])[1]).toEqual([0, 0, 0]);
  });

  it('reuses projected keys and passes gradcheck through query, keys and values', () => {
    const q = seeded(gen, [2, 3]).requiresGrad_();
    const keys = seeded(gen, [2, 3, 4]).requiresGrad_();
    const values = seeded(gen, [2, 3, 2]).requiresGrad_();
    const mask = tensor([
      [false, false, true],
      [false, false, false],
    ]);
    const a = attn.forward(q, keys, values, { mask, projectedKeys: attn.projectKeys(keys) });
    const b = attn.forward(q, keys, values, { mask });
    expectClose(a.context, b.context, { atol: 0, rtol: 0 });
    expect(gradcheck((qq, kk, vv) => attn.forward(qq, kk, vv, { mask }).context, [q, keys, values])).toBe(true);
  });

  it('rejects mismatched widths, batches and masks with typed errors', () => {
    const q = seeded(gen, [2, 3]);
    const keys = seeded(gen, [2, 4, 4]);
    expect(() => attn.forward(seeded(gen, [2, 5]), keys)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => attn.forward(q, seeded(gen, [2, 4, 3]))).toThrow(/keys.*\[batch, keyLength, 4\]/);
    expect(() => attn.forward(q, keys, seeded(gen, [3, 4, 2]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => attn.forward(q, keys, keys, { mask: tensor([[true, false, true]]) })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() =>
      attn.forward(q, keys, keys, {
        mask: tensor(
          [
            [1, 0, 0, 0],
            [0, 0, 0, 0],
          ],
          undefined,
          'int32',
        ),
      }),
    ).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    expect(() => new AdditiveAttention(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

function sliceRow(t: Tensor, b: number): Tensor {
  return tensor((t.toArray() as number[][])[b], undefined, 'float64');
}

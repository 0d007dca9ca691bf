// TransformerLM: nanoGPT state dict names, context errors, KV-cached logits vs full recomputation, sampling, evaluation.
import { afterEach, describe, expect, it } from 'vitest';
import { add, Generator, setFusedEnabled, tensor, type Tensor } from '@seqlab/tensor-core';
import { noGrad } from '@seqlab/autograd';
import { resolveLMConfig, sampleFromLogits, TRANSFORMER_LM_PRESETS, TransformerLM } from '@seqlab/attention';
import { expectClose } from './helpers.js';

afterEach(() => {
  setFusedEnabled(true);
});

const ids = (rows: number[][]): Tensor => tensor(rows, undefined, 'int32');
const small = () => new TransformerLM({ vocabSize: 11, contextLength: 12, numLayers: 2, numHeads: 2, dModel: 8, dFF: 16 }, { generator: new Generator(1) });

describe('TransformerLM structure', () => {
  it("has nanoGPT's state dict names, with lm_head tied to the token embedding", () => {
    const lm = small();
    const names = Object.keys(lm.stateDict());
    const block = (i: number) =>
      [
        'ln_1.weight',
        'ln_1.bias',
        'attn.c_attn.weight',
        'attn.c_attn.bias',
        'attn.c_proj.weight',
        'attn.c_proj.bias',
        'ln_2.weight',
        'ln_2.bias',
        'mlp.c_fc.weight',
        'mlp.c_fc.bias',
        'mlp.c_proj.weight',
        'mlp.c_proj.bias',
      ].map((n) => `transformer.h.${i}.${n}`);
    expect(names).toEqual([
      'transformer.wte.weight',
      'transformer.wpe.weight',
      ...block(0),
      ...block(1),
      'transformer.ln_f.weight',
      'transformer.ln_f.bias',
      'lm_head.weight',
    ]);
    expect(lm.lm_head.weight).toBe(lm.transformer.wte.weight);
    // Tied weights count once: wte 88 + wpe 96 + 2 blocks × 568 + ln_f 16.
    expect(lm.numParameters()).toBe(88 + 96 + 2 * (16 + 216 + 72 + 16 + 144 + 136) + 16);
    expect(Object.keys(new TransformerLM({ vocabSize: 5, numLayers: 1, dModel: 8, numHeads: 2, tieWeights: false }).stateDict()).at(-1)).toBe('lm_head.weight');
    expect(new TransformerLM({ vocabSize: 5, numLayers: 1, dModel: 8, numHeads: 2, tieWeights: false }).lm_head.weight).not.toBe(undefined);
  });

  it('initialises as nanoGPT: zero biases, unit norms, std 0.02 and scaled residual projections', () => {
    const lm = new TransformerLM({ vocabSize: 50, contextLength: 64, numLayers: 4, numHeads: 4, dModel: 64 }, { generator: new Generator(3) });
    const params = Object.fromEntries(lm.namedParameters());
    const std = (t: Tensor) => {
      const v = t.dataSync();
      let s = 0;
      for (const x of v) s += x * x;
      return Math.sqrt(s / v.length);
    };
    expect([...params['transformer.h.0.attn.c_attn.bias'].dataSync()].every((v) => v === 0)).toBe(true);
    expect([...params['transformer.h.1.ln_1.weight'].dataSync()].every((v) => v === 1)).toBe(true);
    expect(std(params['transformer.h.0.mlp.c_fc.weight'])).toBeCloseTo(0.02, 2);
    expect(std(params['transformer.h.0.mlp.c_proj.weight'])).toBeCloseTo(0.02 / Math.sqrt(8), 2);
  });

  it('has a plain-data config that rebuilds the model, and nanoGPT-like presets', () => {
    const lm = small();
    const rebuilt = new TransformerLM(JSON.parse(JSON.stringify(lm.config)));
    rebuilt.loadStateDict(lm.stateDict());
    const x = ids([[1, 2, 3, 4]]);
    expectClose(rebuilt.forward(x), lm.forward(x), { rtol: 0, atol: 0 });
    expect(resolveLMConfig({ ...TRANSFORMER_LM_PRESETS.gpt2 })).toMatchObject({ numLayers: 12, numHeads: 12, dModel: 768, dFF: 3072, contextLength: 1024 });
    expect(TransformerLM.fromPreset('tiny', { vocabSize: 7 }).config).toMatchObject({ vocabSize: 7, numLayers: 2, dModel: 64 });
    expect(() => new TransformerLM({ vocabSize: 5, dModel: 10, numHeads: 4 })).toThrow(/'dModel' \(10\) must be divisible by 'numHeads' \(4\)/);
    expect(() => new TransformerLM({ vocabSize: 5, layers: 3 } as never)).toThrow(/unknown config field\(s\) 'layers'/);
  });
});

describe('TransformerLM forward and KV cache', () => {
  it('rejects sequences longer than the context, bad ids and a wrong cache with typed errors', () => {
    const lm = small();
    expect(() => lm.forward(ids([Array.from({ length: 13 }, () => 1)]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => lm.forward(ids([Array.from({ length: 13 }, () => 1)]))).toThrow(/13 tokens is longer than the model's context of 12/);
    const cache = lm.createCache();
    lm.forward(ids([Array.from({ length: 10 }, () => 1)]), { cache });
    expect(() => lm.forward(ids([[1, 2, 3]]), { cache })).toThrow(/13 tokens \(10 cached \+ 3 new\)/);
    expect(() => lm.forward(tensor([[1, 2]]))).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }));
    expect(() => lm.forward(ids([[1, 11]]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each([true, false])('cached step-by-step logits equal full recomputation (fused %s)', (fused) => {
    setFusedEnabled(fused);
    const lm = small().eval();
    const sequence = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    const full = noGrad(() => lm.forward(ids([sequence, [...sequence].reverse()]))).toArray() as number[][][];
    const cache = lm.createCache();
    const prompt = noGrad(() => lm.forward(ids([sequence.slice(0, 5), [...sequence].reverse().slice(0, 5)]), { cache })).toArray() as number[][][];
    for (let t = 0; t < 5; t++) for (let b = 0; b < 2; b++) expectClose(tensor(prompt[b][t]), full[b][t], { rtol: 1e-5, atol: 1e-5 });
    for (let t = 5; t < sequence.length; t++) {
      expect(cache.length).toBe(t);
      const step = noGrad(() => lm.forward(ids([[sequence[t]], [sequence[sequence.length - 1 - t]]]), { cache })).toArray() as number[][][];
      for (let b = 0; b < 2; b++) expectClose(tensor(step[b][0]), full[b][t], { rtol: 1e-5, atol: 1e-5 });
    }
  });

  it('fused and composed attention give the same logits and gradients', () => {
    const x = ids([
      [1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1],
    ]);
    const y = ids([
      [2, 3, 4, 5, 6, 7],
      [5, 4, 3, 2, 1, 0],
    ]);
    const run = (fused: boolean) => {
      setFusedEnabled(fused);
      const lm = small();
      const loss = lm.loss(x, y);
      loss.backward();
      return { loss: loss.item(), grads: lm.parameters().map((p) => p.grad!) };
    };
    const a = run(true),
      b = run(false);
    expect(a.loss).toBeCloseTo(b.loss, 5);
    a.grads.forEach((g, i) => expectClose(g, b.grads[i], { rtol: 1e-4, atol: 1e-6 }));
  });
});

describe('TransformerLM attention weights', () => {
  /** softmax(q·kᵀ/√D) with the causal mask, per head, from the layer's own projections: the reference the weights must equal. */
  const referenceWeights = (lm: TransformerLM, x: Tensor, layer: number): number[][][] => {
    const { dModel: E, numHeads: H } = lm.config;
    const D = E / H;
    const qkv = lm.transformer.h[layer].attn.c_attn.forward(lm.transformer.h[layer].ln_1.forward(x)).toArray() as number[][][];
    const T = qkv[0].length;
    return Array.from({ length: H }, (_, h) =>
      Array.from({ length: T }, (_, i) => {
        const scores = Array.from({ length: T }, (_, j) => {
          if (j > i) return -Infinity;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += qkv[0][i][h * D + d] * qkv[0][j][E + h * D + d];
          return dot / Math.sqrt(D);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        return exps.map((e) => e / sum);
      }),
    );
  };

  it.each([true, false])("returns every layer's per-head weights, equal to softmax(q·kᵀ/√d) of its projections (fused %s)", (fused) => {
    setFusedEnabled(fused);
    const lm = small().eval();
    const x = ids([[3, 1, 4, 1, 5, 9]]);
    const { logits, attentionWeights } = noGrad(() => lm.forwardWithWeights(x));
    expectClose(
      logits,
      noGrad(() => lm.forward(x)),
      { rtol: 0, atol: 0 },
    );
    expect(attentionWeights.map((w) => w.shape)).toEqual([
      [1, 2, 6, 6],
      [1, 2, 6, 6],
    ]);
    // Walk the blocks by hand to get each layer's input, then rebuild its weights from q and k.
    const positions = tensor([0, 1, 2, 3, 4, 5], undefined, 'int32');
    let h = noGrad(() => add(lm.transformer.wte.forward(x), lm.transformer.wpe.forward(positions)));
    for (let layer = 0; layer < 2; layer++) {
      const got = attentionWeights[layer].toArray() as number[][][][];
      const want = noGrad(() => referenceWeights(lm, h, layer));
      for (let head = 0; head < 2; head++) expectClose(tensor(got[0][head]), want[head].flat(), { rtol: 1e-5, atol: 1e-6 });
      expect(got[0][0][0].slice(1).every((v) => v === 0)).toBe(true);
      h = noGrad(() => lm.transformer.h[layer].forward(h));
    }
  });

  it('with a cache, gives the new rows of the full weights over every cached key', () => {
    const lm = small().eval();
    const sequence = [3, 1, 4, 1, 5, 9];
    const full = noGrad(() => lm.forwardWithWeights(ids([sequence]))).attentionWeights.map((w) => w.toArray() as number[][][][]);
    const cache = lm.createCache();
    noGrad(() => lm.forward(ids([sequence.slice(0, 4)]), { cache }));
    const step = noGrad(() => lm.forwardWithWeights(ids([sequence.slice(4)]), { cache }));
    expect(step.attentionWeights[1].shape).toEqual([1, 2, 2, 6]);
    const got = step.attentionWeights[1].toArray() as number[][][][];
    for (let head = 0; head < 2; head++) expectClose(tensor(got[0][head]), full[1][0][head].slice(4).flat(), { rtol: 1e-5, atol: 1e-6 });
    expect(() => lm.forwardWithWeights(ids([[1, 11]]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => lm.forwardWithWeights(tensor([[1, 2]]))).toThrow(/TransformerLM\.forwardWithWeights: argument 'ids' must be int32/);
  });
});

describe('TransformerLM generation', () => {
  it('is reproducible from a seed and streams the same tokens', async () => {
    const lm = small();
    const a = lm.generate([1, 2, 3], { length: 8, seed: 5, temperature: 0.9, topK: 6 });
    const b = lm.generate([1, 2, 3], { length: 8, seed: 5, temperature: 0.9, topK: 6 });
    expect(a).toEqual(b);
    expect(a.every((t) => Number.isInteger(t) && t >= 0 && t < 11)).toBe(true);
    const streamed: number[] = [];
    for await (const t of lm.stream([1, 2, 3], { length: 8, seed: 5, temperature: 0.9, topK: 6 })) streamed.push(t);
    expect(streamed).toEqual(a);
    expect(lm.training).toBe(true);
  });

  it('greedy decoding with the cache matches recomputing the window, also after the context fills', () => {
    const lm = small();
    const cached = lm.generate([4, 2], { length: 20, temperature: 0 });
    const recomputed = lm.generate([4, 2], { length: 20, temperature: 0, useCache: false });
    expect(cached).toEqual(recomputed);
    // Greedy tokens are the arg-max of a full forward pass over the window before them.
    const all = [4, 2, ...cached];
    for (const t of [2, 8, 15, 21]) {
      const window = all.slice(Math.max(0, t - 12), t);
      const logits = noGrad(() => lm.forward(ids([window]))).toArray() as number[][][];
      const last = logits[0][window.length - 1];
      expect(all[t]).toBe(last.indexOf(Math.max(...last)));
    }
  });

  it('samples with temperature, top-k and top-p as documented', () => {
    const logits = [2, 1, 0.5, -1, 3];
    const counts = new Array(5).fill(0);
    const gen = new Generator(9);
    for (let i = 0; i < 2000; i++) counts[sampleFromLogits(logits, { temperature: 1, topK: 2, topP: 1 }, gen)]++;
    expect(counts[1] + counts[2] + counts[3]).toBe(0);
    expect(counts[4] / 2000).toBeCloseTo(Math.exp(3) / (Math.exp(3) + Math.exp(2)), 1);
    for (let i = 0; i < 200; i++) expect(sampleFromLogits(logits, { temperature: 1, topK: 0, topP: 0.5 }, gen)).toBe(4);
    expect(sampleFromLogits(logits, { temperature: 0, topK: 0, topP: 1 }, gen)).toBe(4);
    const lm = small();
    expect(() => lm.generate([], { length: 3 })).toThrow(/at least one token/);
    expect(() => lm.generate([1, 20], { length: 3 })).toThrow(/'prompt'.*\[0, 11\).*received 20 at index 1/);
    expect(() => lm.generate([1], { length: 3, topP: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('TransformerLM evaluation', () => {
  it('reports the mean loss in nats and bits per token over windows of the context, and the loss skips ignored targets', () => {
    const lm = small();
    const text = [1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5];
    // Two windows of the 12-token context, each read from a fresh context; the last token only as a target.
    const x = ids([text.slice(0, 12), text.slice(12, 24)]);
    const y = ids([text.slice(1, 13), text.slice(13, 25)]);
    const expected = lm.loss(x, y).item();
    const result = lm.evaluate(text);
    expect(result.tokens).toBe(24);
    expect(result.nats).toBeCloseTo(expected, 5);
    expect(result.bitsPerToken).toBeCloseTo(expected / Math.LN2, 5);
    expect(result.perplexity).toBeCloseTo(Math.exp(expected), 4);
    // An untrained model is close to uniform over 11 tokens.
    expect(Math.abs(result.nats - Math.log(11))).toBeLessThan(0.2);
    expect(() => lm.evaluate(text, { seqLen: 13 })).toThrow(/'seqLen' must be at most the model's context of 12; received 13/);
    // Targets equal to ignoreIndex (-100) do not count in the loss.
    const masked = lm
      .loss(
        ids([
          [1, 2, 3, 4],
          [4, 3, 2, 1],
        ]),
        ids([
          [2, 3, 4, 5],
          [3, 2, 1, -100],
        ]),
      )
      .item();
    const kept = lm.loss(ids([[1, 2, 3, 4]]), ids([[2, 3, 4, 5]])).item() * 4;
    const rest = lm.loss(ids([[4, 3, 2]]), ids([[3, 2, 1]])).item() * 3;
    expect(masked).toBeCloseTo((kept + rest) / 7, 5);
  });
});

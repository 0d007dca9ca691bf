// The key/value cache on every backend: cached steps give the full pass's logits, the cache's keys and values are the
// layer's projections, and the keys-and-values `append` still works beside the packed rows generation appends.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { add, arange, concat, Generator, getBackend, randn, setBackend, slice, sum, tensor, type Tensor } from '@seqlab/tensor-core';
import { noGrad } from '@seqlab/autograd';
import { KeyValueCache, TransformerLM } from '@seqlab/attention';
import { expectClose } from './helpers.js';

const ids = (rows: number[][]): Tensor => tensor(rows, undefined, 'int32');
const initial = getBackend().name;
afterEach(() => setBackend(initial));

describe.each(BACKENDS)('%s backend', (backend) => {
  const small = (): TransformerLM => {
    setBackend(backend);
    return new TransformerLM({ vocabSize: 11, contextLength: 24, numLayers: 2, numHeads: 2, dModel: 8, dFF: 16 }, { generator: new Generator(3) }).eval();
  };

  it('cached steps at batch 2 give the full pass logits, past the first buffer size, and the cache holds each layer its keys and values', () => {
    const lm = small();
    const first = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4];
    const rows = [first, [...first].reverse()];
    const full = noGrad(() => lm.forward(ids(rows)));
    expect(full.backendName).toBe(backend);
    const cache = lm.createCache();
    noGrad(() => lm.forward(ids(rows.map((r) => r.slice(0, 4))), { cache }));
    for (let t = 4; t < 24; t++) {
      const step = noGrad(() => lm.forward(ids(rows.map((r) => [r[t]])), { cache }));
      expectClose(step, slice(full, [0, t, 0], [2, 1, 11]), { rtol: 1e-4, atol: 1e-5 });
    }
    expect([cache.length, cache.batch]).toEqual([24, 2]);
    // Layer 0's keys and values are c_attn's projections of the embedded, normalised tokens.
    const block = lm.transformer.h[0];
    const qkv = noGrad(() => {
      const x = add(lm.transformer.wte.forward(ids(rows)), lm.transformer.wpe.forward(arange(0, 24, 1, { dtype: 'int32' })));
      return block.attn.c_attn.forward(block.ln_1.forward(x));
    });
    expectClose(cache.layers[0].keys!, slice(qkv, [0, 0, 8], [2, 24, 8]), { rtol: 1e-4, atol: 1e-5 });
    expectClose(cache.layers[0].values!, slice(qkv, [0, 0, 16], [2, 24, 8]), { rtol: 1e-4, atol: 1e-5 });
    cache.clear();
    expect([cache.length, cache.batch, cache.layers[1].keys]).toEqual([0, null, null]);
  });

  it('while gradients are recorded, they flow through the cached keys and values as through the full pass', () => {
    const lm = small();
    const sequence = [[3, 1, 4, 1, 5, 9, 2, 6]];
    const weight = lm.transformer.h[0].attn.c_attn.weight;
    // The loss of the last four positions, once from the full pass, once from a cached prompt and four steps.
    sum(slice(lm.forward(ids(sequence)), [0, 4, 0], [1, 4, 11])).backward();
    const full = weight.grad!.dataSync().slice();
    lm.zeroGrad();
    const cache = lm.createCache();
    lm.forward(ids([sequence[0].slice(0, 4)]), { cache });
    const steps = sequence[0].slice(4).map((token) => lm.forward(ids([[token]]), { cache }));
    sum(concat(steps, 1)).backward();
    expectClose(weight.grad!, tensor(full, weight.shape), { rtol: 1e-4, atol: 1e-6 });
    // A prompt cached without gradients, then steps recorded: the cache switches to concatenation, same logits.
    const mixed = lm.createCache();
    noGrad(() => lm.forward(ids([sequence[0].slice(0, 4)]), { cache: mixed }));
    const recorded = sequence[0].slice(4).map((token) => lm.forward(ids([[token]]), { cache: mixed }));
    expectClose(concat(recorded, 1), concat(steps, 1), { rtol: 1e-5, atol: 1e-6 });
    expect(mixed.layers[1].keys!.shape).toEqual([1, 8, 8]);
  });

  it('greedy generation with the cache equals recomputing the window', () => {
    const lm = small();
    expect(lm.generate([4, 2], { length: 9, temperature: 0 })).toEqual(lm.generate([4, 2], { length: 9, temperature: 0, useCache: false }));
  });

  it("append takes keys and values [B, T, dModel] and returns the layer's whole keys and values", () => {
    setBackend(backend);
    const cache = new KeyValueCache(1);
    const gen = new Generator(0);
    const [k1, v1, k2, v2] = [0, 1, 2, 3].map(() => randn([1, 2, 4], { generator: gen }));
    cache.append(0, k1, v1);
    const [keys, values] = cache.append(0, k2, v2);
    expect(keys.shape).toEqual([1, 4, 4]);
    expectClose(slice(keys, [0, 2, 0], [1, 2, 4]), k2);
    expectClose(slice(values, [0, 0, 0], [1, 2, 4]), v1);
    expect(cache.length).toBe(4);
  });
});

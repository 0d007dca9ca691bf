// TransformerLM's KV-cached decoding on the kernels without tensors: bitwise the logits of forward with a KeyValueCache
// token after token (past the context, where the window slides), the same seeded tokens, and the tensor path where it cannot run.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { noGrad } from '@seqlab/autograd';
import { wasmHeapStats } from '@seqlab/kernels-wasm';
import { Generator, getBackend, isFusedEnabled, normal, setBackend, setFusedEnabled, tensor } from '@seqlab/tensor-core';
import { KeyValueCache, sampleFromLogits, TransformerLM } from '../src/index.js';
import { fusedTransformerDecoding } from '../src/transformer-decoding.js';

const initial = getBackend().name;
const fusedInitially = isFusedEnabled();
afterEach(() => {
  setBackend(initial);
  setFusedEnabled(fusedInitially);
});

const CONTEXT = 12;

/** The tensor path, as TransformerLM decoded before: forward with a cache, re-encoding the last window once it is full. */
function tensorDecoding(lm: TransformerLM): (token: number | number[]) => number[] {
  const tokens: number[] = [];
  let cache = lm.createCache();
  const last = (ids: number[], c: KeyValueCache): number[] =>
    noGrad(() => {
      const V = lm.config.vocabSize;
      return Array.from(
        lm
          .forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32'), { cache: c })
          .dataSync()
          .subarray((ids.length - 1) * V, ids.length * V),
      );
    });
  return (token) => {
    if (Array.isArray(token)) {
      tokens.push(...token);
      return last(tokens.slice(-CONTEXT), cache);
    }
    tokens.push(token);
    if (cache.length < CONTEXT) return last([token], cache);
    cache = lm.createCache();
    return last(tokens.slice(-CONTEXT), cache);
  };
}

/** A small model with every parameter drawn from N(0, 0.5), so that biases and LayerNorm affines are not 0 and 1. */
function model(): TransformerLM {
  const lm = new TransformerLM({ vocabSize: 11, contextLength: CONTEXT, numLayers: 2, numHeads: 2, dModel: 16 }, { generator: new Generator(5) });
  const generator = new Generator(6);
  for (const p of lm.parameters()) p.assign(normal([...p.shape], 0, 0.5, { generator }));
  return lm;
}

describe.each(BACKENDS)('%s backend', (backend) => {
  it('gives bitwise the logits of forward with a cache, through a sliding window, and the same seeded tokens', () => {
    setBackend(backend);
    const lm = model();
    lm.eval();
    const prompt = [4, 9, 1, 0, 7];
    const session = noGrad(() => fusedTransformerDecoding(lm, Int32Array.from(prompt)));
    expect(session).not.toBeNull();
    const reference = tensorDecoding(lm);
    let logits = Array.from(session!.logits);
    expect(logits).toEqual(reference(prompt));
    const generator = new Generator(2);
    const tokens: number[] = [];
    // Past the context of 12: the window slides and is re-encoded three times.
    for (let i = 0; i < 30; i++) {
      const token = sampleFromLogits(logits, { temperature: 0.8, topK: 6 }, generator);
      tokens.push(token);
      const next = noGrad(() => Array.from(session!.next(token)));
      logits = reference(token);
      expect(next).toEqual(logits);
    }
    expect(lm.generate(prompt, { length: 30, temperature: 0.8, topK: 6, seed: 2 })).toEqual(tokens);
  });

  it('keeps the key/value cache in wasm memory while generating and frees it when generation ends, also a stream left early', async () => {
    setBackend(backend);
    const lm = model();
    const blocks = (): number => wasmHeapStats().residentBlocks;
    const before = blocks();
    const session = noGrad(() => fusedTransformerDecoding(lm, Int32Array.of(1, 2)));
    // One resident buffer per layer on wasm (memory is shared in Node); plain arrays on the cpu backend.
    expect(blocks() - before).toBe(backend === 'wasm' ? lm.config.numLayers : 0);
    session!.close!();
    expect(blocks()).toBe(before);
    lm.generate([1, 2], { length: 5, seed: 1 });
    expect(blocks()).toBe(before);
    for await (const token of lm.stream([1, 2], { length: 20, seed: 1 })) {
      expect(blocks() - before).toBe(backend === 'wasm' ? lm.config.numLayers : 0);
      if (token >= 0) break;
    }
    expect(blocks()).toBe(before);
  });

  it('decodes with tensors (null here) when fused paths are off or a LayerNorm has fused off', () => {
    setBackend(backend);
    const lm = model();
    const prompt = Int32Array.of(3, 2);
    const greedy = lm.generate([3, 2], { length: 8, temperature: 0 });
    Object.assign(lm.transformer.h[1].ln_2, { fused: false });
    expect(fusedTransformerDecoding(lm, prompt)).toBeNull();
    Object.assign(lm.transformer.h[1].ln_2, { fused: true });
    setFusedEnabled(false);
    expect(fusedTransformerDecoding(lm, prompt)).toBeNull();
    // The composed path rounds differently, but this small model's greedy tokens do not move.
    expect(lm.generate([3, 2], { length: 8, temperature: 0 })).toEqual(greedy);
    // Without the cache every token re-encodes its window with tensors, and greedy decoding agrees.
    expect(lm.generate([3, 2], { length: 8, temperature: 0, useCache: false })).toEqual(greedy);
  });
});

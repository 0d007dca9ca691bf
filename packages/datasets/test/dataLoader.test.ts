// DataLoader: batching, dropLast, seeded per-epoch shuffling, determinism, resuming, collation; seq2seqCollate.
import { DataLoader, seq2seqCollate, ToyTranslation, type PaddedBatch } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

const numbers = Array.from({ length: 10 }, (_, i) => i);

function epochs<T>(loader: Iterable<T[]>, count: number): T[][][] {
  const out: T[][][] = [];
  for (let e = 0; e < count; e++) out.push([...loader]);
  return out;
}

describe('DataLoader', () => {
  it('batches in dataset order without shuffle, with a short last batch', () => {
    const loader = new DataLoader(numbers, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect([...loader]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('dropLast leaves out the short batch', () => {
    const loader = new DataLoader(numbers, { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect([...new DataLoader(numbers, { batchSize: 5, dropLast: true })]).toHaveLength(2);
  });

  it('shuffles each epoch into a different permutation of every item', () => {
    const loader = new DataLoader(numbers, { batchSize: 3, shuffle: true, seed: 1 });
    const [e0, e1, e2] = epochs(loader, 3).map((batches) => batches.flat());
    for (const e of [e0, e1, e2]) expect([...e].sort((a, b) => a - b)).toEqual(numbers);
    expect(e0).not.toEqual(numbers);
    expect(e1).not.toEqual(e0);
    expect(e2).not.toEqual(e1);
    expect(loader.epoch).toBe(3);
  });

  it('property: for any size, batch size and seed, an epoch visits every item exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 70 }), fc.integer(), fc.boolean(), (n, batchSize, seed, dropLast) => {
        const items = Array.from({ length: n }, (_, i) => i);
        const loader = new DataLoader(items, { batchSize, shuffle: true, seed, dropLast });
        const batches = [...loader];
        expect(batches.length).toBe(loader.length);
        const seen = batches.flat();
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(dropLast ? Math.floor(n / batchSize) * batchSize : n);
        for (const b of batches) expect(b.length).toBeLessThanOrEqual(batchSize);
      }),
      { numRuns: 200 },
    );
  });

  it('is identical across runs with the same seed, and differs with another', () => {
    const run = (seed: number) => epochs(new DataLoader(numbers, { batchSize: 4, shuffle: true, seed }), 4);
    expect(run(7)).toEqual(run(7));
    expect(run(8)).not.toEqual(run(7));
    const fromGenerator = () => epochs(new DataLoader(numbers, { batchSize: 4, shuffle: true, generator: new Generator(7) }), 2);
    expect(fromGenerator()).toEqual(fromGenerator());
  });

  it('epoch e depends only on the seed and e: random access, resuming with setState', () => {
    const loader = new DataLoader(numbers, { batchSize: 4, shuffle: true, seed: 3 });
    const firstRun = epochs(loader, 5);
    expect([...loader.batches(2)]).toEqual(firstRun[2]);
    expect(Array.from(loader.order(4))).toEqual(firstRun[4].flat());
    const resumed = new DataLoader(numbers, { batchSize: 4, shuffle: true, seed: 3 });
    resumed.setState(JSON.parse(JSON.stringify(loader.getState())));
    expect(resumed.epoch).toBe(5);
    resumed.setState({ epoch: 3 });
    expect(epochs(resumed, 2)).toEqual(firstRun.slice(3, 5));
  });

  it('pads token sequences by default, with lengths and masks', () => {
    const sequences = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]];
    const loader = new DataLoader(sequences, { batchSize: 2, padValue: 0 });
    const batches = [...loader] as PaddedBatch[];
    expect(batches[0].tokens.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 0],
    ]);
    expect(batches[0].lengths.toArray()).toEqual([3, 2]);
    expect(batches[0].mask.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    expect(batches[1].tokens.toArray()).toEqual([
      [6, 0, 0, 0],
      [7, 8, 9, 10],
    ]);
    expect(batches[1].lengths.toArray()).toEqual([1, 4]);
  });

  it('takes a custom collate and any { length, get } dataset', () => {
    const dataset = { length: 5, get: (i: number) => ({ id: i, text: `item ${i}` }) };
    const loader = new DataLoader(dataset, { batchSize: 2, collate: (items) => items.map((x) => x.text).join('|') });
    expect([...loader]).toEqual(['item 0|item 1', 'item 2|item 3', 'item 4']);
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new DataLoader(numbers, { batchSize: 0 }), 'INVALID_ARGUMENT', /'batchSize' must be a positive integer; received 0/);
    expectSeqlabError(() => new DataLoader(numbers, { batchSize: -2 }), 'INVALID_ARGUMENT', /'batchSize'/);
    expectSeqlabError(() => new DataLoader([], { batchSize: 2 }), 'INVALID_ARGUMENT', /'dataset' is empty/);
    expectSeqlabError(() => new DataLoader(42 as unknown as number[], { batchSize: 2 }), 'INVALID_ARGUMENT', /'dataset' must be an array/);
    expectSeqlabError(() => new DataLoader(numbers, { batchSize: 2, shuffle: 1 as unknown as boolean }), 'INVALID_ARGUMENT', /'shuffle' must be a boolean/);
    expectSeqlabError(
      () => new DataLoader(numbers, { batchSize: 2, collate: 'pad' as unknown as () => number }),
      'INVALID_ARGUMENT',
      /'collate' must be a function/,
    );
    const loader = new DataLoader(numbers, { batchSize: 2 });
    expectSeqlabError(() => loader.setState({ epoch: -1 }), 'INVALID_ARGUMENT', /'epoch'/);
    expectSeqlabError(() => loader.order(1.5), 'INVALID_ARGUMENT', /'epoch'/);
  });
});

describe('seq2seqCollate', () => {
  it('encodes pairs into padded source, <bos> decoder inputs and <eos> decoder targets', () => {
    const data = new ToyTranslation({ minLength: 3, maxLength: 12, seed: 4 });
    const pairs = data.sample(5);
    const collate = seq2seqCollate(data.sourceTokenizer, data.targetTokenizer);
    const batch = collate(pairs);
    const src = data.sourceTokenizer;
    const tgt = data.targetTokenizer;
    const maxSrc = Math.max(...pairs.map((p) => p.sourceLength)) + 1;
    const maxTgt = Math.max(...pairs.map((p) => p.targetLength)) + 1;
    expect(batch.sourceTokens.shape).toEqual([5, maxSrc]);
    expect(batch.targetInputs.shape).toEqual([5, maxTgt]);
    expect(batch.targetOutputs.shape).toEqual([5, maxTgt]);
    const tin = batch.targetInputs.toArray() as number[][];
    const tout = batch.targetOutputs.toArray() as number[][];
    const srcRows = batch.sourceTokens.toArray() as number[][];
    const tLengths = batch.targetLengths.toArray() as number[];
    pairs.forEach((p, b) => {
      const y = Array.from(tgt.encode(p.target));
      expect(tin[b].slice(0, y.length + 1)).toEqual([tgt.bosId, ...y]);
      expect(tout[b].slice(0, y.length + 1)).toEqual([...y, tgt.eosId]);
      expect(tLengths[b]).toBe(y.length + 1);
      expect(tin[b].slice(y.length + 1).every((v) => v === tgt.padId)).toBe(true);
      expect(srcRows[b].slice(0, p.sourceLength + 1)).toEqual([...src.encode(p.source), src.eosId]);
    });
    expect(batch.targetMask.toArray()).toEqual(tin.map((row, b) => row.map((_, t) => (t < tLengths[b] ? 1 : 0))));
    expect(batch.sourceLengths.toArray()).toEqual(pairs.map((p) => p.sourceLength + 1));
  });

  it('drives a shuffled DataLoader deterministically', () => {
    const make = () => {
      const data = new ToyTranslation({ maxLength: 20, seed: 0 });
      return new DataLoader(data.sample(64), { batchSize: 16, shuffle: true, seed: 0, collate: seq2seqCollate(data.sourceTokenizer, data.targetTokenizer) });
    };
    const a = [...make()].map((b) => b.sourceTokens.toArray());
    const b = [...make()].map((x) => x.sourceTokens.toArray());
    expect(a).toHaveLength(4);
    expect(b).toEqual(a);
  });

  it('bad items are typed errors', () => {
    const data = new ToyTranslation({ seed: 0 });
    const collate = seq2seqCollate(data.sourceTokenizer, data.targetTokenizer);
    expectSeqlabError(() => collate([]), 'INVALID_ARGUMENT', /non-empty array/);
    expectSeqlabError(() => collate([{ source: 'the dog', target: 3 as unknown as string }]), 'INVALID_ARGUMENT', /item 0/);
    expectSeqlabError(
      () => seq2seqCollate(data.sourceTokenizer, data.targetTokenizer, { sourceEos: 'no' as unknown as boolean }),
      'INVALID_ARGUMENT',
      /'sourceEos'/,
    );
  });
});

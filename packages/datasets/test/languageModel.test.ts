// Language-model batches: seeded random windows and contiguous truncated-BPTT streams.
import { BpttStream, CharTokenizer, loadCorpus, randomWindows } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

const ids = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 101);

describe('randomWindows', () => {
  it('gives [batch, seqLen] int32 inputs and targets shifted by one corpus token', () => {
    const { inputs, targets, offsets } = randomWindows(ids, { batchSize: 6, seqLen: 17, generator: new Generator(3) });
    expect(inputs.shape).toEqual([6, 17]);
    expect(targets.shape).toEqual([6, 17]);
    expect(inputs.dtype).toBe('int32');
    const x = inputs.dataSync();
    const y = targets.dataSync();
    for (let b = 0; b < 6; b++) {
      expect(offsets[b]).toBeGreaterThanOrEqual(0);
      expect(offsets[b] + 17).toBeLessThan(ids.length);
      for (let t = 0; t < 17; t++) {
        expect(x[b * 17 + t]).toBe(ids[offsets[b] + t]);
        expect(y[b * 17 + t]).toBe(ids[offsets[b] + t + 1]);
      }
    }
  });

  it('is identical for the same seed and differs for another', () => {
    const a = randomWindows(ids, { batchSize: 4, seqLen: 8, generator: new Generator(11) });
    const b = randomWindows(ids, { batchSize: 4, seqLen: 8, generator: new Generator(11) });
    const c = randomWindows(ids, { batchSize: 4, seqLen: 8, generator: new Generator(12) });
    expect(Array.from(b.inputs.dataSync())).toEqual(Array.from(a.inputs.dataSync()));
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect(Array.from(c.offsets)).not.toEqual(Array.from(a.offsets));
  });

  it('successive calls on one generator continue its stream', () => {
    const g = new Generator(5);
    const first = randomWindows(ids, { batchSize: 4, seqLen: 8, generator: g });
    const second = randomWindows(ids, { batchSize: 4, seqLen: 8, generator: g });
    expect(Array.from(second.offsets)).not.toEqual(Array.from(first.offsets));
  });

  it('reaches both ends of the corpus: every start in [0, N − seqLen − 1] is possible', () => {
    const small = Int32Array.from([0, 1, 2, 3, 4]);
    const { offsets } = randomWindows(small, { batchSize: 400, seqLen: 2, generator: new Generator(0) });
    expect(new Set(offsets)).toEqual(new Set([0, 1, 2]));
  });

  it('works on the tiny-shakespeare training split', () => {
    const text = loadCorpus('tinyshakespeare').train;
    const tok = CharTokenizer.fromText(text);
    const { inputs, targets } = randomWindows(tok.encode(text), { batchSize: 12, seqLen: 64, generator: new Generator(1337) });
    expect(inputs.shape).toEqual([12, 64]);
    const row = tok.decode(inputs.dataSync().subarray(0, 64));
    const next = tok.decode(targets.dataSync().subarray(0, 64));
    expect(text.includes(row)).toBe(true);
    expect(row.slice(1)).toBe(next.slice(0, 63));
  });

  it('bad input: empty corpus, seqLen not smaller than the corpus, batch size not positive', () => {
    const g = new Generator(0);
    expectSeqlabError(() => randomWindows(new Int32Array(0), { batchSize: 1, seqLen: 1, generator: g }), 'INVALID_ARGUMENT', /empty corpus/);
    expectSeqlabError(
      () => randomWindows(ids, { batchSize: 2, seqLen: 1000, generator: g }),
      'INVALID_ARGUMENT',
      /'seqLen' must be smaller than the corpus \(1000 tokens\)/,
      /received 1000/,
    );
    expectSeqlabError(() => randomWindows(ids, { batchSize: 2, seqLen: 5000, generator: g }), 'INVALID_ARGUMENT', /received 5000/);
    expectSeqlabError(
      () => randomWindows(ids, { batchSize: 0, seqLen: 8, generator: g }),
      'INVALID_ARGUMENT',
      /'batchSize' must be a positive integer; received 0/,
    );
    expectSeqlabError(() => randomWindows(ids, { batchSize: -3, seqLen: 8, generator: g }), 'INVALID_ARGUMENT', /'batchSize'/);
    expectSeqlabError(() => randomWindows(ids, { batchSize: 2.5, seqLen: 8, generator: g }), 'INVALID_ARGUMENT', /'batchSize'/);
    expectSeqlabError(() => randomWindows(ids, { batchSize: 2, seqLen: 0, generator: g }), 'INVALID_ARGUMENT', /'seqLen'/);
    expectSeqlabError(() => randomWindows(ids, { batchSize: 2, seqLen: 4, generator: 7 as unknown as Generator }), 'INVALID_ARGUMENT', /'generator'/);
    expectSeqlabError(() => randomWindows([1, 2.5, 3], { batchSize: 1, seqLen: 1, generator: g }), 'INVALID_ARGUMENT', /int32 token ids/, /index 1/);
  });
});

describe('BpttStream', () => {
  it('cuts the corpus into batchSize streams of floor((N − 1) / batchSize) tokens', () => {
    const stream = new BpttStream(ids, { batchSize: 7, seqLen: 10 });
    expect(stream.streamLength).toBe(142); // floor(999 / 7)
    expect(stream.length).toBe(15); // ceil(142 / 10)
    const shapes = [...stream].map((b) => b.inputs.shape);
    expect(shapes.slice(0, 14).every((s) => s[0] === 7 && s[1] === 10)).toBe(true);
    expect(shapes[14]).toEqual([7, 2]);
  });

  it('row b of batch i + 1 continues row b of batch i, and targets are the next tokens', () => {
    const stream = new BpttStream(ids, { batchSize: 4, seqLen: 9 });
    const L = stream.streamLength;
    const rows: number[][] = [[], [], [], []];
    const targetRows: number[][] = [[], [], [], []];
    for (const { inputs, targets } of stream) {
      const [B, T] = inputs.shape;
      const x = inputs.dataSync();
      const y = targets.dataSync();
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          rows[b].push(x[b * T + t]);
          targetRows[b].push(y[b * T + t]);
        }
    }
    for (let b = 0; b < 4; b++) {
      expect(rows[b]).toEqual(Array.from(ids.subarray(b * L, b * L + L)));
      expect(targetRows[b]).toEqual(Array.from(ids.subarray(b * L + 1, b * L + L + 1)));
    }
  });

  it('dropLast leaves out the short batch', () => {
    const stream = new BpttStream(ids, { batchSize: 7, seqLen: 10, dropLast: true });
    expect(stream.length).toBe(14);
    expect([...stream].every((b) => b.inputs.shape[1] === 10)).toBe(true);
  });

  it('is deterministic: two passes give the same batches', () => {
    const stream = new BpttStream(ids, { batchSize: 3, seqLen: 50 });
    const a = [...stream].map((b) => Array.from(b.inputs.dataSync()));
    const b = [...stream].map((x) => Array.from(x.inputs.dataSync()));
    expect(b).toEqual(a);
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new BpttStream([], { batchSize: 1, seqLen: 1 }), 'INVALID_ARGUMENT', /empty corpus/);
    expectSeqlabError(() => new BpttStream(ids, { batchSize: 2, seqLen: 1000 }), 'INVALID_ARGUMENT', /'seqLen' must be smaller than the corpus/);
    expectSeqlabError(() => new BpttStream(ids, { batchSize: 0, seqLen: 10 }), 'INVALID_ARGUMENT', /'batchSize' must be a positive integer/);
    expectSeqlabError(() => new BpttStream([1, 2, 3], { batchSize: 3, seqLen: 1 }), 'INVALID_ARGUMENT', /'batchSize' must be at most 2/);
    const stream = new BpttStream(ids, { batchSize: 2, seqLen: 100 });
    expectSeqlabError(() => stream.batch(stream.length), 'INVALID_ARGUMENT', /'index'/);
  });
});

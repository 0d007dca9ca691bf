// Sequence reversal: reversed targets, variable lengths with masks, baseline and determinism.
import { ReversalTask } from '@seqlab/datasets';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('ReversalTask', () => {
  it('reverses each row within its length, pads with 0 and masks the padding', () => {
    const task = new ReversalTask({ minLength: 3, maxLength: 12, numSymbols: 5, seed: 2 });
    expect(task.vocabSize).toBe(6);
    expect(task.baselineLoss).toBeCloseTo(Math.log(5), 12);
    const { inputs, targets, lengths, mask } = task.sample(50);
    expect(inputs.shape).toEqual([50, 12]);
    expect(targets.shape).toEqual([50, 12]);
    expect(lengths.shape).toEqual([50]);
    expect(mask.shape).toEqual([50, 12]);
    expect(lengths.dtype).toBe('int32');
    expect(mask.dtype).toBe('float32');
    const x = inputs.dataSync();
    const y = targets.dataSync();
    const n = lengths.dataSync();
    const m = mask.dataSync();
    for (let b = 0; b < 50; b++) {
      expect(n[b]).toBeGreaterThanOrEqual(3);
      expect(n[b]).toBeLessThanOrEqual(12);
      const row = Array.from(x.subarray(b * 12, b * 12 + n[b]));
      expect(row.every((s) => s >= 1 && s <= 5)).toBe(true);
      expect(Array.from(y.subarray(b * 12, b * 12 + n[b]))).toEqual([...row].reverse());
      for (let t = 0; t < 12; t++) {
        expect(m[b * 12 + t]).toBe(t < n[b] ? 1 : 0);
        if (t >= n[b]) {
          expect(x[b * 12 + t]).toBe(0);
          expect(y[b * 12 + t]).toBe(0);
        }
      }
    }
  });

  it('has a fixed length when minLength is omitted', () => {
    const { lengths, mask } = new ReversalTask({ maxLength: 7, seed: 0 }).sample(5);
    expect(Array.from(lengths.dataSync())).toEqual([7, 7, 7, 7, 7]);
    expect(Array.from(mask.dataSync()).every((v) => v === 1)).toBe(true);
  });

  it('is identical for the same seed', () => {
    const a = new ReversalTask({ minLength: 1, maxLength: 9, seed: 4 }).sample(6);
    const b = new ReversalTask({ minLength: 1, maxLength: 9, seed: 4 }).sample(6);
    expect(Array.from(b.inputs.dataSync())).toEqual(Array.from(a.inputs.dataSync()));
    expect(Array.from(b.lengths.dataSync())).toEqual(Array.from(a.lengths.dataSync()));
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new ReversalTask({ minLength: 8, maxLength: 4 }), 'INVALID_ARGUMENT', /'minLength' must be at most 'maxLength' \(4\); received 8/);
    expectSeqlabError(() => new ReversalTask({ maxLength: 4, numSymbols: 0 }), 'INVALID_ARGUMENT', /'numSymbols'/);
    expectSeqlabError(() => new ReversalTask({ maxLength: 4 }).sample(1.5), 'INVALID_ARGUMENT', /'batchSize'/);
  });
});

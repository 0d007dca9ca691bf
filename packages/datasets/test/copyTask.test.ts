// The copy task (Arjovsky et al. 2016) and its variable-delay version: layout, shapes, baselines, determinism.
import { CopyTask, VariableDelayCopyTask } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('CopyTask', () => {
  it('has T + 20 steps, 10 ids, and the baseline 10·ln 8 / (T + 20)', () => {
    for (const T of [1, 100, 500, 1000]) {
      const task = new CopyTask({ delay: T, seed: 0 });
      expect(task.sequenceLength).toBe(T + 20);
      expect(task.vocabSize).toBe(10);
      expect(task.delimiterId).toBe(9);
      expect(task.blankId).toBe(0);
      expect(task.baselineLoss).toBeCloseTo((10 * Math.log(8)) / (T + 20), 12);
    }
    expect(new CopyTask({ delay: 100 }).baselineLoss).toBeCloseTo(0.17329, 5);
  });

  it('lays out data, blanks, delimiter and echo as documented', () => {
    const T = 30;
    const task = new CopyTask({ delay: T, seed: 7 });
    const { inputs, targets } = task.sample(16);
    expect(inputs.shape).toEqual([16, T + 20]);
    expect(targets.shape).toEqual([16, T + 20]);
    expect(inputs.dtype).toBe('int32');
    const x = inputs.dataSync();
    const y = targets.dataSync();
    const W = T + 20;
    for (let b = 0; b < 16; b++) {
      const row = Array.from(x.subarray(b * W, (b + 1) * W));
      const out = Array.from(y.subarray(b * W, (b + 1) * W));
      const data = row.slice(0, 10);
      expect(data.every((s) => s >= 1 && s <= 8)).toBe(true);
      expect(row.slice(10, T + 9).every((s) => s === 0)).toBe(true); // T − 1 blanks
      expect(row.slice(10, T + 9).length).toBe(T - 1);
      expect(row[T + 9]).toBe(9);
      expect(row.slice(T + 10).every((s) => s === 0)).toBe(true);
      expect(out.slice(0, T + 10).every((s) => s === 0)).toBe(true);
      expect(out.slice(T + 10)).toEqual(data);
    }
  });

  it('draws the data symbols uniformly from 1–8', () => {
    const { inputs } = new CopyTask({ delay: 1, seed: 3 }).sample(4000);
    const counts = new Array(10).fill(0);
    const x = inputs.dataSync();
    for (let b = 0; b < 4000; b++) for (let i = 0; i < 10; i++) counts[x[b * 21 + i]]++;
    expect(counts[0]).toBe(0);
    expect(counts[9]).toBe(0);
    for (let s = 1; s <= 8; s++) expect(Math.abs(counts[s] / 40_000 - 1 / 8)).toBeLessThan(0.01);
  });

  it('the memoryless strategy scores exactly the baseline on sampled data', () => {
    // Blank where the target is blank (probability 1), uniform 1/8 over data symbols in the echo window.
    const T = 50;
    const task = new CopyTask({ delay: T, seed: 9 });
    const { targets } = task.sample(8);
    const y = targets.dataSync();
    let loss = 0;
    for (let i = 0; i < y.length; i++) if (i % (T + 20) >= T + 10) loss += Math.log(8);
    expect(loss / y.length).toBeCloseTo(task.baselineLoss, 12);
    expect(y.every((s, i) => (i % (T + 20) >= T + 10 ? s >= 1 && s <= 8 : s === 0))).toBe(true);
  });

  it('is identical for the same seed (or generator state), different for another', () => {
    const a = new CopyTask({ delay: 20, seed: 42 }).sample(5);
    const b = new CopyTask({ delay: 20, seed: 42 }).sample(5);
    const c = new CopyTask({ delay: 20, generator: new Generator(42) }).sample(5);
    const d = new CopyTask({ delay: 20, seed: 43 }).sample(5);
    expect(Array.from(b.inputs.dataSync())).toEqual(Array.from(a.inputs.dataSync()));
    expect(Array.from(c.inputs.dataSync())).toEqual(Array.from(a.inputs.dataSync()));
    expect(Array.from(d.inputs.dataSync())).not.toEqual(Array.from(a.inputs.dataSync()));
  });

  it('supports other copy lengths and alphabets', () => {
    const task = new CopyTask({ delay: 5, copyLength: 3, numDataSymbols: 4, seed: 0 });
    expect(task.sequenceLength).toBe(11);
    expect(task.vocabSize).toBe(6);
    expect(task.baselineLoss).toBeCloseTo((3 * Math.log(4)) / 11, 12);
    const x = Array.from(task.sample(1).inputs.dataSync());
    expect(x[7]).toBe(5);
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new CopyTask({ delay: 0 }), 'INVALID_ARGUMENT', /'delay' must be a positive integer; received 0/);
    expectSeqlabError(() => new CopyTask({ delay: 10, numDataSymbols: 1 }), 'INVALID_ARGUMENT', /'numDataSymbols' must be at least 2/);
    expectSeqlabError(() => new CopyTask({ delay: 10, seed: 1, generator: new Generator(1) }), 'INVALID_ARGUMENT', /either 'generator' or 'seed'/);
    expectSeqlabError(() => new CopyTask({ delay: 10, seed: 0.5 }), 'INVALID_ARGUMENT', /'seed'/);
    expectSeqlabError(() => new CopyTask({ delay: 10 }).sample(0), 'INVALID_ARGUMENT', /'batchSize' must be a positive integer; received 0/);
  });
});

describe('VariableDelayCopyTask', () => {
  it('draws a delay per row in [minDelay, maxDelay] and follows the copy layout for it', () => {
    const task = new VariableDelayCopyTask({ minDelay: 5, maxDelay: 40, seed: 1 });
    expect(task.sequenceLength).toBe(60);
    expect(task.baselineLoss).toBeCloseTo((10 * Math.log(8)) / 60, 12);
    const { inputs, targets, delays } = task.sample(200);
    expect(inputs.shape).toEqual([200, 60]);
    expect(targets.shape).toEqual([200, 60]);
    expect(delays.length).toBe(200);
    const x = inputs.dataSync();
    const y = targets.dataSync();
    for (let b = 0; b < 200; b++) {
      const T = delays[b];
      expect(T).toBeGreaterThanOrEqual(5);
      expect(T).toBeLessThanOrEqual(40);
      const row = Array.from(x.subarray(b * 60, (b + 1) * 60));
      const out = Array.from(y.subarray(b * 60, (b + 1) * 60));
      const data = row.slice(0, 10);
      expect(row.indexOf(9)).toBe(T + 9);
      expect(row.filter((s) => s === 9).length).toBe(1);
      expect(row.slice(10).filter((s) => s !== 0 && s !== 9).length).toBe(0);
      expect(out.slice(T + 10, T + 20)).toEqual(data);
      expect(out.filter((s) => s !== 0).length).toBe(10);
    }
    expect(new Set(delays).size).toBeGreaterThan(20);
    expect(Math.min(...delays)).toBe(5);
    expect(Math.max(...delays)).toBe(40);
  });

  it('is identical for the same seed', () => {
    const a = new VariableDelayCopyTask({ minDelay: 1, maxDelay: 9, seed: 5 }).sample(6);
    const b = new VariableDelayCopyTask({ minDelay: 1, maxDelay: 9, seed: 5 }).sample(6);
    expect(Array.from(b.delays)).toEqual(Array.from(a.delays));
    expect(Array.from(b.targets.dataSync())).toEqual(Array.from(a.targets.dataSync()));
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(
      () => new VariableDelayCopyTask({ minDelay: 10, maxDelay: 5 }),
      'INVALID_ARGUMENT',
      /'maxDelay' must be at least 'minDelay' \(10\); received 5/,
    );
    expectSeqlabError(() => new VariableDelayCopyTask({ minDelay: 0, maxDelay: 5 }), 'INVALID_ARGUMENT', /'minDelay'/);
    expectSeqlabError(() => new VariableDelayCopyTask({ minDelay: 1, maxDelay: 5 }).sample(-1), 'INVALID_ARGUMENT', /'batchSize'/);
  });
});

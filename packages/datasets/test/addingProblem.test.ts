// The adding problem: shapes, one marker per half, targets, the 1/6 baseline and determinism.
import { AddingProblem } from '@seqlab/datasets';
import { describe, expect, it } from 'vitest';
import { expectSeqlabError } from './helpers.js';

describe('AddingProblem', () => {
  it('gives [batch, T, 2] inputs and [batch, 1] targets', () => {
    const { inputs, targets, markerPositions } = new AddingProblem({ length: 50, seed: 0 }).sample(8);
    expect(inputs.shape).toEqual([8, 50, 2]);
    expect(targets.shape).toEqual([8, 1]);
    expect(inputs.dtype).toBe('float32');
    expect(targets.dtype).toBe('float32');
    expect(markerPositions.length).toBe(16);
  });

  it('marks exactly two steps, one in each half, and targets their sum', () => {
    for (const T of [2, 3, 10, 101]) {
      const { inputs, targets, markerPositions } = new AddingProblem({ length: T, seed: T }).sample(64);
      const x = inputs.dataSync();
      const y = targets.dataSync();
      const half = Math.floor(T / 2);
      for (let b = 0; b < 64; b++) {
        const marked: number[] = [];
        for (let t = 0; t < T; t++) {
          const value = x[(b * T + t) * 2];
          const marker = x[(b * T + t) * 2 + 1];
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(1);
          expect(marker === 0 || marker === 1).toBe(true);
          if (marker === 1) marked.push(t);
        }
        expect(marked.length).toBe(2);
        expect(marked[0]).toBeLessThan(half);
        expect(marked[1]).toBeGreaterThanOrEqual(half);
        expect(marked).toEqual([markerPositions[2 * b], markerPositions[2 * b + 1]]);
        expect(y[b]).toBeCloseTo(x[(b * T + marked[0]) * 2] + x[(b * T + marked[1]) * 2], 6);
      }
    }
  });

  it('reports the baseline MSE 1/6 (≈ 0.167), and predicting 1 scores it on sampled data', () => {
    const task = new AddingProblem({ length: 20, seed: 1 });
    expect(task.baselineMse).toBeCloseTo(1 / 6, 12);
    expect(task.baselineMse.toFixed(3)).toBe('0.167');
    const y = task.sample(40_000).targets.dataSync();
    let mse = 0;
    let mean = 0;
    for (const v of y) {
      mse += (v - 1) ** 2;
      mean += v;
    }
    // Standard error of this estimate is about 0.0006.
    expect(mse / y.length).toBeCloseTo(task.baselineMse, 2);
    expect(mean / y.length).toBeCloseTo(1, 2);
  });

  it('is identical for the same seed and continues its stream across calls', () => {
    const a = new AddingProblem({ length: 30, seed: 9 });
    const b = new AddingProblem({ length: 30, seed: 9 });
    const a1 = Array.from(a.sample(4).inputs.dataSync());
    expect(Array.from(b.sample(4).inputs.dataSync())).toEqual(a1);
    expect(Array.from(a.sample(4).inputs.dataSync())).not.toEqual(a1);
  });

  it('bad input is a typed error', () => {
    expectSeqlabError(() => new AddingProblem({ length: 1 }), 'INVALID_ARGUMENT', /'length' must be at least 2/);
    expectSeqlabError(() => new AddingProblem({ length: 0 }), 'INVALID_ARGUMENT', /'length' must be a positive integer/);
    expectSeqlabError(() => new AddingProblem(undefined as unknown as { length: number }), 'INVALID_ARGUMENT', /'length'/);
    expectSeqlabError(() => new AddingProblem({ length: 10 }).sample(0), 'INVALID_ARGUMENT', /'batchSize'/);
  });
});

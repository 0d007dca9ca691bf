// The tutorial's worked example (shared/goldens worked_example.json) in both conventions, via the runnable example.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module example without type declarations
import { workedExample } from '../examples/worked-example.mjs';
import { workedExampleGolden } from '@seqlab/test-utils/worked-example';

interface WorkedExample {
  outputs: Record<'h1' | 'h2' | 'h3', { data: number[] }>;
  alternatives: { column_vector_convention: { h_rounded_6dp: Record<'h1' | 'h2' | 'h3', number[]> } };
}

const golden: WorkedExample = workedExampleGolden;
const steps = ['h1', 'h2', 'h3'] as const;

describe('worked example "cat sat here"', () => {
  const result = workedExample() as { row: { formula: number[][]; rnn: number[][] }; column: { formula: number[][]; rnn: number[][] } };

  it('row vectors h = tanh(x·W_xh + h·W_hh + b_h) give the golden values, by formula and by RNN with transposed weights', () => {
    steps.forEach((name, t) => {
      for (let j = 0; j < 2; j++) {
        expect(result.row.formula[t][j]).toBeCloseTo(golden.outputs[name].data[j], 12);
        expect(result.row.rnn[t][j]).toBeCloseTo(golden.outputs[name].data[j], 12);
      }
    });
    expect(result.row.formula[0].map((v) => Number(v.toFixed(2)))).toEqual([0.32, 0.53]);
  });

  it('column vectors h = tanh(W_xh·x + W_hh·h + b_h) with the same matrices give the tutorial summary table', () => {
    steps.forEach((name, t) => {
      for (let j = 0; j < 2; j++) {
        expect(result.column.formula[t][j]).toBeCloseTo(golden.alternatives.column_vector_convention.h_rounded_6dp[name][j], 6);
        expect(result.column.rnn[t][j]).toBeCloseTo(result.column.formula[t][j], 12);
      }
    });
    expect(result.column.formula.map((h) => h.map((v) => Number(v.toFixed(2))))).toEqual([
      [0.37, 0.41],
      [0.76, 0.65],
      [0.74, 0.84],
    ]);
  });
});

// The gradcheck button's model check: it passes on the library cells and counts the whole Jacobian.
import { describe, expect, it } from 'vitest';
import { gradcheckStepModel, mergeReports } from '../src/lib/gradcheck-model.js';
import { initialGatedWeights } from '../src/lib/step-through.js';
import { workedExampleInputs } from '../src/lib/worked-example.js';

describe('gradcheckStepModel', () => {
  const inputs = workedExampleInputs();

  it.each(['row', 'column'] as const)('the tutorial RNN (%s convention) passes with a tiny relative error', (convention) => {
    const result = gradcheckStepModel({ kind: 'rnn', convention }, inputs);
    expect(result.passed).toBe(true);
    expect(result.failure).toBeNull();
    // outputs h_1..h_3 (6 values) × (inputs x (6) and h_0 (2), and weights W_ih 4, W_hh 4, b_ih 2, b_hh 2)
    expect(result.entries).toBe(6 * (6 + 2) + 6 * (4 + 4 + 2 + 2));
    expect(result.maxRelativeError).toBeLessThan(1e-6);
    expect(result.maxRelativeError).toBeGreaterThan(0);
    expect(result.checked).toBe('weight_ih, weight_hh, bias_ih, bias_hh, x_1…x_3 and h_0');
  });

  it.each(['lstm', 'gru'] as const)('%s with its initial weights passes', (kind) => {
    const result = gradcheckStepModel({ kind, weights: initialGatedWeights(kind, 2, 2, 0) }, inputs);
    expect(result.passed).toBe(true);
    // LSTM: 12 outputs (h and c) × (10 inputs + 4·2·2 + 4·2·2 + 8 + 8 weights); GRU: 6 × (8 + 3·2·2 + 3·2·2 + 6 + 6).
    expect(result.entries).toBe(kind === 'lstm' ? 12 * (10 + 48) : 6 * (8 + 36));
    // Central differences with eps 1e-6 carry about 1e-10 of rounding; against the atol floor that is ~1e-5 relative.
    expect(result.maxRelativeError).toBeLessThan(1e-4);
  });

  it('stays correct for edited weights that saturate tanh', () => {
    const edited = workedExampleInputs();
    edited.W_hh = [
      [4, -3],
      [2.5, 5],
    ];
    expect(gradcheckStepModel({ kind: 'rnn', convention: 'row' }, edited).passed).toBe(true);
  });
});

describe('mergeReports', () => {
  it('passes only when both pass, keeps the larger errors and the first failure', () => {
    const ok = { passed: true, maxAbsoluteError: 1e-9, maxRelativeError: 1e-8, entries: 4, failure: null };
    const bad = { passed: false, maxAbsoluteError: 0.5, maxRelativeError: 0.25, entries: 6, failure: 'gradcheck: d(output 0[1]) …' };
    expect(mergeReports(ok, bad)).toEqual({ passed: false, maxAbsoluteError: 0.5, maxRelativeError: 0.25, entries: 10, failure: bad.failure });
    expect(mergeReports(ok, { ...ok, maxRelativeError: Number.NaN }).maxRelativeError).toBeNaN();
  });
});

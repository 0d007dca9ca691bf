// The gradcheck button's model check: it passes on the library cells and counts the whole Jacobian.
import { describe, expect, it } from 'vitest';
import { gradcheckStepModel } from '../src/lib/gradcheck-model.js';
import { initialGatedWeights } from '../src/lib/step-through.js';
import { workedExampleInputs } from '../src/lib/worked-example-fixture.js';

describe('gradcheckStepModel', () => {
  const inputs = workedExampleInputs();

  it.each(['row', 'column'] as const)('the tutorial RNN (%s convention) passes with a tiny relative error', (convention) => {
    const result = gradcheckStepModel({ kind: 'rnn', convention }, inputs);
    expect(result.passed).toBe(true);
    expect(result.failure).toBeNull();
    expect(result.entries).toBe(6 * (6 + 2)); // outputs h_1..h_3 (6 values) × inputs x (6) and h_0 (2)
    expect(result.maxRelativeError).toBeLessThan(1e-6);
    expect(result.maxRelativeError).toBeGreaterThan(0);
    expect(result.checked).toBe('x_1…x_3 and h_0');
  });

  it.each(['lstm', 'gru'] as const)('%s with its initial weights passes', (kind) => {
    const result = gradcheckStepModel({ kind, weights: initialGatedWeights(kind, 2, 2, 0) }, inputs);
    expect(result.passed).toBe(true);
    expect(result.entries).toBe(kind === 'lstm' ? 12 * 10 : 6 * 8);
    expect(result.maxRelativeError).toBeLessThan(1e-6);
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

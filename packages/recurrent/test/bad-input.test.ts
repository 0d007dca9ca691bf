// Bad input to cells and layers: typed errors whose messages name the argument, the expectation and what was received.
import '@seqlab/autograd';
import { tensor, zeros, type SeqlabError } from '@seqlab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../src/index.js';

function errorOf(fn: () => unknown): SeqlabError {
  try {
    fn();
  } catch (e) {
    return e as SeqlabError;
  }
  throw new Error('expected an error');
}

function expectError(fn: () => unknown, code: string, ...fragments: string[]): void {
  const e = errorOf(fn);
  expect(e.code, e.message).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
}

describe('recurrent layers reject bad input', () => {
  const lstm = new LSTM(3, 4, { numLayers: 2, batchFirst: true });
  const x = zeros([2, 5, 3]);

  it('wrong input size names x, the expected inputSize and the received shape', () => {
    expectError(() => lstm.forward(zeros([2, 5, 7])), 'SHAPE_MISMATCH', "'x'", 'inputSize 3', '[2, 5, 7]');
    expectError(() => lstm.forward(zeros([2, 3, 5, 3])), 'SHAPE_MISMATCH', "'x'", '[2, 3, 5, 3]');
    expectError(() => new RNNCell(3, 4).forward(zeros([2, 5])), 'SHAPE_MISMATCH', "'x'", '[batch, 3]', '[2, 5]');
  });

  it('wrong h0 / c0 shape names the state and its layout', () => {
    expectError(() => lstm.forward(x, { h0: zeros([1, 2, 4]) }), 'SHAPE_MISMATCH', "'h0'", '[2, 2, 4]', '[1, 2, 4]');
    expectError(() => lstm.forward(x, { h0: zeros([2, 2, 4]), c0: zeros([2, 4]) }), 'SHAPE_MISMATCH', "'c0'", '[2, 2, 4]');
    // A batch-first h0 is a classic mistake: states are never batch-first.
    expectError(() => new GRU(3, 4, { batchFirst: true }).forward(zeros([3, 5, 3]), { h0: zeros([3, 1, 4]) }), 'SHAPE_MISMATCH', "'h0'", 'not batch-first');
    expectError(() => new GRUCell(3, 4).forward(zeros([2, 3]), zeros([3, 4])), 'SHAPE_MISMATCH', "'h'", '[2, 4]', '[3, 4]');
    expectError(() => new LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4]), zeros([2, 5])]), 'SHAPE_MISMATCH', "'c'");
  });

  it('lengths longer than the sequence, or not positive, name lengths and the index', () => {
    expectError(() => lstm.forward(x, { lengths: [5, 6] }), 'INVALID_ARGUMENT', "'lengths'", '[1, 5]', 'received 6 at index 1');
    expectError(() => lstm.forward(x, { lengths: [0, 5] }), 'INVALID_ARGUMENT', "'lengths'", 'received 0 at index 0');
    expectError(() => lstm.forward(x, { lengths: [2.5, 5] }), 'INVALID_ARGUMENT', "'lengths'");
    expectError(() => lstm.forward(x, { lengths: [5] }), 'SHAPE_MISMATCH', "'lengths'", 'one length per sequence (2)');
    expectError(() => lstm.forward(x, { lengths: tensor([5, 5]) }), 'INVALID_ARGUMENT', "'lengths'", 'int32');
  });

  it('any out-of-range length is rejected (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.oneof(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 6, max: 100 })),
        (lengths, at, bad) => {
          const broken = [...lengths];
          broken[at] = bad;
          expectError(() => lstm.forward(x, { lengths: broken }), 'INVALID_ARGUMENT', "'lengths'", `at index ${at}`);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('an empty batch or an empty sequence names x', () => {
    expectError(() => lstm.forward(zeros([0, 5, 3])), 'SHAPE_MISMATCH', "'x'", 'empty batch');
    expectError(() => lstm.forward(zeros([2, 0, 3])), 'SHAPE_MISMATCH', "'x'", 'at least one time step');
    expectError(() => new RNNCell(3, 4).forward(zeros([0, 3])), 'SHAPE_MISMATCH', "'x'", 'empty batch');
  });

  it('a dtype other than the parameters names x', () => {
    expectError(() => lstm.forward(zeros([2, 5, 3], 'float64')), 'DTYPE_MISMATCH', "'x'", 'float32');
    expectError(() => lstm.forward(x, { h0: zeros([2, 2, 4], 'float64') }), 'DTYPE_MISMATCH', "'h0'");
  });

  it('bad constructor options name the option', () => {
    expectError(() => new LSTM(3, 0), 'INVALID_ARGUMENT', "'hiddenSize'");
    expectError(() => new GRU(0, 3), 'INVALID_ARGUMENT', "'inputSize'");
    expectError(() => new RNN(3, 4, { numLayers: 0 }), 'INVALID_ARGUMENT', "'numLayers'");
    expectError(() => new RNN(3, 4, { dropout: 1.5 }), 'INVALID_ARGUMENT', "'dropout'");
    expectError(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as never }), 'INVALID_ARGUMENT', "'nonlinearity'");
    expectError(() => lstm.forward('x' as never), 'INVALID_ARGUMENT', "'x'", 'Tensor');
  });
});

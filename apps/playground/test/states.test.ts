// LSTM state view model: step-by-step states equal the layer's own sequence output, LSTMVis selection and matching.
import { describe, expect, it } from 'vitest';
import { noGrad } from '@seqlab/autograd';
import { LSTM, RecurrentLM } from '@seqlab/recurrent';
import { Generator, tensor } from '@seqlab/tensor-core';
import { absMax, cellsOnOver, formatStatesQuery, lstmStates, matchingSpans, parseStatesQuery } from '../src/lib/states.js';

describe('lstmStates', () => {
  const ids = [3, 1, 4, 1, 5, 9, 2, 6];

  it.each([1, 2])("with %i layer(s), records the top layer's h_t and c_t: they equal the LSTM's output sequence and final cell state", (numLayers) => {
    const lm = new RecurrentLM({ vocabSize: 10, embeddingDim: 4, hiddenSize: 6, numLayers }, { generator: new Generator(5) }).eval();
    const { hidden, cell } = lstmStates(lm, ids);
    expect([hidden.length, hidden[0].length, cell.length, cell[7].length]).toEqual([8, 6, 8, 6]);
    const rnn = lm.rnn as LSTM;
    const x = lm.embedding.forward(tensor(Int32Array.from(ids), [8, 1], 'int32'));
    const whole = noGrad(() => rnn.forward(x));
    const output = whole.output.toArray() as number[][][];
    hidden.forEach((h, t) => h.forEach((v, u) => expect(v).toBeCloseTo(output[t][0][u], 5)));
    const cN = whole.cN.toArray() as number[][][];
    cell[7].forEach((v, u) => expect(v).toBeCloseTo(cN[numLayers - 1][0][u], 5));
    // h = o·tanh(c), so |h| < 1 and |h| ≤ |tanh c|.
    hidden.forEach((h, t) => h.forEach((v, u) => expect(Math.abs(v)).toBeLessThanOrEqual(Math.abs(Math.tanh(cell[t][u])) + 1e-6)));
  });

  it('rejects a GRU model and an empty text', () => {
    const gru = new RecurrentLM({ vocabSize: 10, embeddingDim: 4, hiddenSize: 6, cell: 'gru' });
    expect(() => lstmStates(gru, ids)).toThrow(/lstmStates: argument 'lm' must be an LSTM language model; received cell 'gru'/);
    const lm = new RecurrentLM({ vocabSize: 10, embeddingDim: 4, hiddenSize: 6 });
    expect(() => lstmStates(lm, [])).toThrow(/at least one token/);
  });
});

describe('LSTMVis selection', () => {
  // 6 positions × 4 units.
  const states = [
    [0.9, 0.1, -0.5, 0.4],
    [0.8, 0.6, -0.6, 0.5],
    [0.7, 0.7, 0.2, 0.1],
    [0.1, 0.9, 0.3, 0.6],
    [0.9, 0.8, 0.1, 0.7],
    [0.95, 0.9, 0.0, 0.2],
  ];

  it('finds the units at or above the threshold over the whole span', () => {
    expect(cellsOnOver(states, 0, 3, 0.5)).toEqual([0]);
    expect(cellsOnOver(states, 1, 3, 0.5)).toEqual([0, 1]);
    expect(cellsOnOver(states, 3, 5, 0.5)).toEqual([1, 3]);
    expect(cellsOnOver(states, 1, 3, 0.95)).toEqual([]);
    expect(() => cellsOnOver(states, 3, 3, 0.5)).toThrow(/the span \[start, end\) must be a non-empty range within \[0, 6\); received \[3, 3\)/);
    expect(() => cellsOnOver(states, 4, 7, 0.5)).toThrow(/received \[4, 7\)/);
  });

  it('matches the maximal runs where every selected unit is on, at least minLength long', () => {
    expect(matchingSpans(states, [0, 1], 0.5)).toEqual([
      { start: 1, end: 3 },
      { start: 4, end: 6 },
    ]);
    expect(matchingSpans(states, [0, 1], 0.5, 3)).toEqual([]);
    expect(matchingSpans(states, [1, 3], 0.5)).toEqual([
      { start: 1, end: 2 },
      { start: 3, end: 5 },
    ]);
    expect(matchingSpans(states, [], 0.5)).toEqual([]);
  });

  it('gives the symmetric colour domain', () => {
    expect(absMax(states)).toBe(0.95);
    expect(absMax([[-2, 1]])).toBe(2);
  });
});

describe('state view URL state', () => {
  const defaults = { text: 'GREMIO:', which: 'hidden' as const, threshold: 0.3, start: 2, end: 7 };
  it('round-trips through the hash query', () => {
    const state = { text: 'To be,\nor not', which: 'cell' as const, threshold: 0.55, start: 3, end: 9 };
    expect(parseStatesQuery(new URLSearchParams(formatStatesQuery(state).toString()), defaults)).toEqual(state);
  });

  it('keeps the defaults for what is missing or invalid', () => {
    expect(parseStatesQuery(new URLSearchParams(''), defaults)).toEqual(defaults);
    expect(parseStatesQuery(new URLSearchParams('state=gates&threshold=2&span=9-3'), defaults)).toEqual(defaults);
    expect(parseStatesQuery(new URLSearchParams('threshold=abc&span=1-'), defaults)).toEqual(defaults);
  });
});

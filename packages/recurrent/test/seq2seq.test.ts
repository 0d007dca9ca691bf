// Seq2Seq: names, seeded teacher forcing, padded batches with lengths, greedy and beam-search decoding, learning a task.
import { Adam, crossEntropy } from '@seqlab/autograd';
import { argmax, Generator, logSoftmax, narrow, reshape, tensor, type Tensor } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { Seq2Seq, type DecodedSequence, type Seq2SeqConfig } from '../src/index.js';
import { expectClose } from './helpers.js';

const tight = { rtol: 1e-10, atol: 1e-12 };
const ids = (values: number[][]): Tensor => tensor(values, undefined, 'int32');

function model(config: Partial<Seq2SeqConfig> = {}, seed = 0): Seq2Seq {
  return new Seq2Seq(
    { sourceVocabSize: 9, targetVocabSize: 7, embeddingDim: 4, hiddenSize: 6, ...config },
    { generator: new Generator(seed), dtype: 'float64' },
  );
}

/** Same tokens and end, and the same log-probability up to rounding (batches of different sizes round differently). */
function expectSameDecoding(actual: DecodedSequence, expected: DecodedSequence): void {
  expect(actual.tokens).toEqual(expected.tokens);
  expect(actual.finished).toBe(expected.finished);
  expect(actual.logProbability).toBeCloseTo(expected.logProbability, 10);
}

/** log P(tokens, then end) under teacher forcing, for one source. */
function sequenceLogProbability(m: Seq2Seq, source: Tensor, tokens: number[], start: number, end: number | null): number {
  const inputs = [start, ...tokens];
  const outputs = end === null ? tokens : [...tokens, end];
  const logits = m.forward(source, ids([inputs.slice(0, outputs.length)]));
  const vocab = logits.shape[2];
  const logp = logSoftmax(reshape(logits, [outputs.length, vocab]), 1).dataSync();
  return outputs.reduce((s, v, t) => s + logp[t * vocab + v], 0);
}

describe.each([
  ['gru', false],
  ['gru', true],
  ['lstm', true],
  ['rnn', false],
] as const)('Seq2Seq %s, attention %s', (cell, attention) => {
  it('names parameters encoder.* and decoder.* as the PyTorch modules would', () => {
    const names = Object.keys(model({ cell, attention, numLayers: 2 }).stateDict());
    expect(names.slice(0, 2)).toEqual(['encoder.embedding.weight', 'encoder.rnn.weight_ih_l0']);
    expect(names).toContain('decoder.rnn.weight_hh_l1');
    expect(names.slice(-2)).toEqual(['decoder.out.weight', 'decoder.out.bias']);
    expect(names.includes('decoder.attention.key_proj.weight')).toBe(attention);
  });

  it('teacher forcing: ratio 1 feeds the targets, a seeded ratio repeats, ratio 0 feeds back the argmax', () => {
    const m = model({ cell, attention });
    const source = ids([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const target = ids([
      [1, 3, 4, 5, 6],
      [1, 6, 5, 4, 3],
    ]);
    const full = m.forward(source, target);
    expect([...full.shape]).toEqual([2, 5, 7]);
    // Prefixes: the logits at step t depend only on the targets before t.
    expectClose(narrow(m.forward(source, narrow(target, 1, 0, 3)), 1, 0, 3), narrow(full, 1, 0, 3), tight, 'prefix');
    const mixed = (seed: number): Tensor => m.forward(source, target, { teacherForcingRatio: 0.5, generator: new Generator(seed) });
    expectClose(mixed(3), mixed(3), { rtol: 0, atol: 0 }, 'same seed');
    const free = m.forward(source, target, { teacherForcingRatio: 0 });
    // With ratio 0 only the start token is read: the remaining targets do not matter.
    expectClose(
      m.forward(
        source,
        ids([
          [1, 0, 0, 0, 0],
          [1, 2, 2, 2, 2],
        ]),
        { teacherForcingRatio: 0 },
      ),
      free,
      tight,
      'free running',
    );
    const chosen = Array.from(argmax(free, 2).dataSync());
    const decoded = m.greedyDecode(source, { startToken: 1, endToken: 6, maxLength: 5 });
    decoded.forEach((d, b) => expect(d.tokens).toEqual(chosen.slice(b * 5, b * 5 + d.tokens.length)));
  });

  it('a padded batch with sourceLengths gives each source the result it gets alone', () => {
    const m = model({ cell, attention, numLayers: 2 });
    const padded = ids([
      [1, 2, 3, 4, 5],
      [6, 7, 0, 0, 0],
      [8, 1, 2, 0, 0],
    ]);
    const lengths = [5, 2, 3];
    const target = ids([
      [1, 3, 4],
      [1, 2, 2],
      [1, 5, 5],
    ]);
    const batched = m.forward(padded, target, { sourceLengths: lengths });
    lengths.forEach((n, b) => {
      const alone = m.forward(narrow(narrow(padded, 0, b, 1), 1, 0, n), narrow(target, 0, b, 1));
      expectClose(narrow(batched, 0, b, 1), alone, tight, `sequence ${b}`);
    });
    const greedy = m.greedyDecode(padded, { startToken: 1, endToken: 2, maxLength: 6, sourceLengths: lengths });
    const beams = m.beamSearch(padded, { startToken: 1, endToken: 2, maxLength: 6, sourceLengths: lengths, beamWidth: 3 });
    lengths.forEach((n, b) => {
      const source = narrow(narrow(padded, 0, b, 1), 1, 0, n);
      expectSameDecoding(greedy[b], m.greedyDecode(source, { startToken: 1, endToken: 2, maxLength: 6 })[0]);
      expectSameDecoding(beams[b], m.beamSearch(source, { startToken: 1, endToken: 2, maxLength: 6, beamWidth: 3 })[0]);
    });
  });

  it('beam search of width 1 is greedy decoding, and a wide beam finds the most likely sequence', () => {
    const m = model({ cell, attention, targetVocabSize: 4 }, 5);
    const source = ids([[3, 1, 4]]);
    const options = { startToken: 0, endToken: 3, maxLength: 3 };
    const [greedy] = m.greedyDecode(source, options);
    expectSameDecoding(m.beamSearch(source, { ...options, beamWidth: 1 })[0], greedy);
    // Exhaustive: every sequence of up to 3 tokens over {0, 1, 2}, ended by 3 or cut at maxLength.
    const sequences: { tokens: number[]; end: boolean }[] = [];
    const grow = (prefix: number[]): void => {
      if (prefix.length < 3) sequences.push({ tokens: prefix, end: true });
      if (prefix.length === 3) {
        sequences.push({ tokens: prefix, end: false });
        return;
      }
      for (let v = 0; v < 3; v++) grow([...prefix, v]);
    };
    grow([]);
    const scored = sequences.map((s) => ({ ...s, logp: sequenceLogProbability(m, source, s.tokens, 0, s.end ? 3 : null) }));
    const best = scored.reduce((a, b) => (b.logp > a.logp ? b : a));
    const [found] = m.beamSearch(source, { ...options, beamWidth: 64 });
    expect(found.tokens).toEqual(best.tokens);
    expect(found.finished).toBe(best.end);
    expect(found.logProbability).toBeCloseTo(best.logp, 10);
    expect(found.logProbability).toBeGreaterThanOrEqual(greedy.logProbability - 1e-12);
  });
});

describe('Seq2Seq training and bad input', () => {
  it('learns to reverse short digit strings with attention (greedy decoding exact on every training pair)', () => {
    // Tokens: 0 pad, 1 <bos>, 2 <eos>, 3..7 digits.
    const g = new Generator(11);
    const pairs = Array.from({ length: 12 }, () => {
      const n = g.int(2, 4);
      return Array.from({ length: n }, () => g.int(3, 7));
    });
    const width = 4;
    const source = tensor(
      pairs.map((p) => [...p, ...new Array(width - p.length).fill(0)]),
      undefined,
      'int32',
    );
    const lengths = pairs.map((p) => p.length);
    const inputs = tensor(
      pairs.map((p) => [1, ...[...p].reverse(), ...new Array(width - p.length).fill(0)]),
      undefined,
      'int32',
    );
    const outputs = tensor(
      pairs.map((p) => [...[...p].reverse(), 2, ...new Array(width - p.length).fill(0)]),
      undefined,
      'int32',
    );
    const m = new Seq2Seq({ sourceVocabSize: 8, targetVocabSize: 8, embeddingDim: 8, hiddenSize: 24, attention: true }, { generator: new Generator(0) });
    const optimizer = new Adam(m.parameters(), { lr: 0.02 });
    let loss = Infinity;
    for (let step = 0; step < 150 && loss > 0.01; step++) {
      const logits = m.forward(source, inputs, { sourceLengths: lengths });
      const l = crossEntropy(reshape(logits, [-1, 8]), reshape(outputs, [-1]), { ignoreIndex: 0 });
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    const decoded = m.greedyDecode(source, { startToken: 1, endToken: 2, maxLength: 6, sourceLengths: lengths });
    decoded.forEach((d, i) => {
      expect(d.tokens).toEqual([...pairs[i]].reverse());
      expect(d.finished).toBe(true);
    });
  }, 120_000);

  it('rejects bad sources, lengths and decoding options by name', () => {
    const m = model({ attention: true });
    const source = ids([[1, 2, 3]]);
    expect(() => m.forward(tensor([[1, 2]]), ids([[1]]))).toThrow(/'source'.*int32/);
    expect(() => m.forward(ids([[1, 9]]), ids([[1]]))).toThrow(/'source'.*\[0, 9\).*received 9/);
    expect(() => m.forward(source, ids([[1]]), { sourceLengths: [4] })).toThrow(/'sourceLengths'.*\[1, 3\]/);
    expect(() => m.forward(source, ids([[1], [2]]))).toThrow(/'targetInputs'.*batch 1/);
    expect(() => m.greedyDecode(source, { startToken: 7, endToken: 2, maxLength: 3 })).toThrow(/'startToken'/);
    expect(() => m.beamSearch(source, { startToken: 1, endToken: 2, maxLength: 0 })).toThrow(/'maxLength'/);
    expect(() => m.forward(source, ids([[1]]), { teacherForcingRatio: 2 })).toThrow(/'teacherForcingRatio'/);
  });
});

// RecurrentLM's decoding on the fused kernels without tensors: bitwise the logits of the tensor step (embedding,
// runDecoding, head) token after token, the same seeded tokens from generate, and the tensor path where it cannot run.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { sampleFromLogits } from '@seqlab/attention';
import { noGrad } from '@seqlab/autograd';
import { Generator, getBackend, isFusedEnabled, setBackend, setFusedEnabled, tensor, type Tensor } from '@seqlab/tensor-core';
import { RecurrentLM, type CellType } from '../src/index.js';
import { fusedRecurrentDecoding } from '../src/lm/recurrent-decoding.js';

const initial = getBackend().name;
const fusedInitially = isFusedEnabled();
afterEach(() => {
  setBackend(initial);
  setFusedEnabled(fusedInitially);
});

/** The tensor path's step, as RecurrentLM decoded before: embedding, the layers' runDecoding, head; the last row's logits. */
function tensorDecoding(model: RecurrentLM, backend: string): (ids: number[]) => number[] {
  let states: Tensor[][] | null = null;
  return (ids) =>
    noGrad(() => {
      const x = model.embedding.forward(tensor(Int32Array.from(ids), [ids.length, 1], { dtype: 'int32', backend }));
      const r = model.rnn.runDecoding(x, states, model.config.cell === 'lstm' ? 2 : 1);
      states = r.states;
      const V = model.config.vocabSize;
      return Array.from(
        model.head
          .forward(r.output)
          .dataSync()
          .subarray((ids.length - 1) * V, ids.length * V),
      );
    });
}

const model = (cell: CellType, backend: string): RecurrentLM =>
  new RecurrentLM({ vocabSize: 13, embeddingDim: 8, hiddenSize: 12, numLayers: 2, cell }, { generator: new Generator(7), backend });

describe.each(BACKENDS)('%s backend', (backend) => {
  it.each(['lstm', 'gru'] as CellType[])('%s: the fused decoding gives bitwise the tensor step logits and the same seeded tokens', (cell) => {
    setBackend(backend);
    const lm = model(cell, backend);
    lm.eval();
    const prompt = [3, 1, 12, 5];
    const session = noGrad(() => fusedRecurrentDecoding({ embedding: lm.embedding, rnn: lm.rnn, head: lm.head, cell }, Int32Array.from(prompt)));
    if (lm.head.weight.backend.fused?.lstmSequence === undefined) {
      expect(session).toBeNull();
      return;
    }
    expect(session).not.toBeNull();
    const reference = tensorDecoding(lm, backend);
    let logits = Array.from(session!.logits);
    expect(logits).toEqual(reference(prompt));
    // Draw with the sampler generate uses, from the tensor path's logits: generate must give these tokens.
    const generator = new Generator(11);
    const tokens: number[] = [];
    for (let i = 0; i < 24; i++) {
      const token = sampleFromLogits(logits, { temperature: 0.9 }, generator);
      tokens.push(token);
      const next = noGrad(() => Array.from(session!.next(token)));
      logits = reference([token]);
      expect(next).toEqual(logits);
    }
    expect(lm.generate(prompt, { length: 24, temperature: 0.9, seed: 11 })).toEqual(tokens);
  });

  it('decodes with tensors (null here) for the tanh RNN, a layer with fused off and fused paths switched off', () => {
    setBackend(backend);
    const prompt = Int32Array.of(1, 2);
    const rnn = model('rnn', backend);
    expect(fusedRecurrentDecoding({ embedding: rnn.embedding, rnn: rnn.rnn, head: rnn.head, cell: 'rnn' }, prompt)).toBeNull();
    const lstm = model('lstm', backend);
    const parts = { embedding: lstm.embedding, rnn: lstm.rnn, head: lstm.head, cell: 'lstm' as const };
    const greedy = lstm.generate([1, 2], { length: 6, temperature: 0 });
    lstm.rnn.fused = false;
    expect(fusedRecurrentDecoding(parts, prompt)).toBeNull();
    lstm.rnn.fused = true;
    setFusedEnabled(false);
    expect(fusedRecurrentDecoding(parts, prompt)).toBeNull();
    // The composed path rounds differently, but this small model's greedy tokens do not move.
    expect(lstm.generate([1, 2], { length: 6, temperature: 0 })).toEqual(greedy);
  });
});

it('float64 on the cpu backend: the fused decoding gives bitwise the tensor step logits', () => {
  const lm = new RecurrentLM(
    { vocabSize: 13, embeddingDim: 8, hiddenSize: 12, numLayers: 2 },
    { generator: new Generator(7), backend: 'cpu', dtype: 'float64' },
  );
  lm.eval();
  const session = noGrad(() => fusedRecurrentDecoding({ embedding: lm.embedding, rnn: lm.rnn, head: lm.head, cell: 'lstm' }, Int32Array.of(3, 1, 12)));
  expect(session!.logits).toBeInstanceOf(Float64Array);
  const reference = tensorDecoding(lm, 'cpu');
  expect(Array.from(session!.logits)).toEqual(reference([3, 1, 12]));
  for (const token of [4, 0, 9]) expect(Array.from(noGrad(() => session!.next(token)))).toEqual(reference([token]));
});

// Step-by-step decoding of RecurrentLM (the per-layer states carried between tokens) on every backend: greedy
// generation is the arg max of the full forward pass's last logits, for each cell type and two layers.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { Generator, getBackend, setBackend, tensor } from '@seqlab/tensor-core';
import { noGrad } from '@seqlab/autograd';
import { RecurrentLM, type CellType } from '../src/index.js';

const initial = getBackend().name;
afterEach(() => setBackend(initial));

describe.each(BACKENDS)('%s backend', (backend) => {
  it.each(['lstm', 'gru', 'rnn'] as CellType[])('%s, 2 layers: greedy tokens are the full pass arg max, token after token', (cell) => {
    setBackend(backend);
    const model = new RecurrentLM({ vocabSize: 9, embeddingDim: 4, hiddenSize: 6, numLayers: 2, cell }, { generator: new Generator(4), backend });
    const prompt = [4, 1, 7];
    const greedy = model.generate(prompt, { length: 10, temperature: 0 });
    const sequence = [...prompt];
    for (const token of greedy) {
      const { logits } = noGrad(() => model.forward(tensor(sequence, [1, sequence.length], { dtype: 'int32', backend })));
      expect(logits.backendName).toBe(backend);
      const last = Array.from(logits.dataSync()).slice(-9);
      expect(token).toBe(last.indexOf(Math.max(...last)));
      sequence.push(token);
    }
    // Seeded sampling reads the same logits: the same seed gives the same tokens.
    expect(model.generate(prompt, { length: 10, seed: 3 })).toEqual(model.generate(prompt, { length: 10, seed: 3 }));
  });
});

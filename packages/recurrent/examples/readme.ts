import { Adam } from '@seqlab/autograd';
import { BpttStream, CharTokenizer, loadCorpus } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { detachState, RecurrentLM, unigramCrossEntropy, type RecurrentState } from '@seqlab/recurrent';

// A character-level LSTM language model on the first 20,000 characters of Tiny Shakespeare.
const text = loadCorpus('tinyshakespeare').text.slice(0, 20_000);
const tok = CharTokenizer.fromText(text);
const train = tok.encode(text.slice(0, 18_000));
const heldOut = tok.encode(text.slice(18_000));

const model = new RecurrentLM(
  { vocabSize: tok.vocabSize, embeddingDim: 16, hiddenSize: 64, numLayers: 1, cell: 'lstm' },
  { generator: new Generator(0) },
);
const optimizer = new Adam(model.parameters(), { lr: 1e-2 });

// Stateful training with truncated BPTT: 8 contiguous streams read 32 characters at a time. The state is
// carried from chunk to chunk, and detached so that gradients stop at the chunk boundary.
for (let epoch = 0; epoch < 2; epoch++) {
  let state: RecurrentState | null = null;
  for (const { inputs, targets } of new BpttStream(train, { batchSize: 8, seqLen: 32, dropLast: true })) {
    const { loss, state: next } = model.loss(inputs, targets, state);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    state = detachState(next);
  }
}

// Held-out cross-entropy in nats and bits per character, against a unigram model of the training text.
export const score = model.evaluate(heldOut, { seqLen: 128, batchSize: 4 });
export const unigram = unigramCrossEntropy(train, heldOut, tok.vocabSize);
console.log(`held-out ${score.nats.toFixed(3)} nats = ${score.bitsPerChar.toFixed(3)} bits/char; unigram ${unigram.toFixed(3)} nats`);

// Sampling streams: each character is handed to onToken as soon as it is drawn. The same seed gives the same text.
export const sample = tok.decode(
  model.generate(tok.encode('ROMEO:'), {
    length: 80,
    temperature: 0.8,
    topK: 10,
    seed: 1,
    onToken: (id) => process.stdout.write(tok.decode([id])),
  }),
);

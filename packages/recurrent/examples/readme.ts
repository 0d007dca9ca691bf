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
    const { loss, state: next } = model.lossWithState(inputs, targets, state);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    state = detachState(next);
  }
}

// Held-out cross-entropy in nats and bits per character, against a unigram model of the training text; with
// carryState the held-out text is read as 4 streams, each one sequence, as in training.
export const score = model.evaluate(heldOut, { seqLen: 128, batchSize: 4, carryState: true });
export const unigram = unigramCrossEntropy(train, heldOut, tok.vocabSize);
console.log(`held-out ${score.nats.toFixed(3)} nats = ${score.bitsPerToken.toFixed(3)} bits/char; unigram ${unigram.toFixed(3)} nats`);

// Sampling: `generate` returns the text; `stream` yields the same characters one at a time, each as soon as it is
// drawn. The same seed gives the same text.
const sampling = { length: 80, temperature: 0.8, topK: 10, seed: 1 };
export const sample = tok.decode(model.generate(tok.encode('ROMEO:'), sampling));
export const printed = (async () => {
  for await (const id of model.stream(tok.encode('ROMEO:'), sampling)) process.stdout.write(tok.decode([id]));
})();

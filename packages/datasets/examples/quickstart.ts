import { Generator } from '@seqlab/tensor-core';
import { CharTokenizer, CopyTask, DataLoader, loadCorpus, randomWindows, seq2seqCollate, ToyTranslation } from '@seqlab/datasets';

// tiny-shakespeare ships inside the package: offline, first 90% of the characters for training.
const corpus = loadCorpus('tinyshakespeare');
const tokenizer = CharTokenizer.fromText(corpus.text);
console.log(corpus.train.length, corpus.validation.length, tokenizer.vocabSize); // 1003854 111540 65

// Seeded random windows for a character-level language model; targets are the inputs shifted by one.
const train = tokenizer.encode(corpus.train);
const { inputs, targets } = randomWindows(train, { batchSize: 12, seqLen: 64, generator: new Generator(1337) });
console.log(inputs.shape, targets.shape); // [12, 64] [12, 64]

// The copy task with T = 100 and its memoryless baseline 10·ln 8 / 120.
const copy = new CopyTask({ delay: 100, seed: 0 });
console.log(copy.sample(32).inputs.shape, copy.baselineLoss.toFixed(4)); // [32, 120] 0.1733

// Toy English→Spanish pairs, shuffled and padded for a seq2seq model.
const translation = new ToyTranslation({ minLength: 3, maxLength: 60, seed: 0 });
const loader = new DataLoader(translation.sample(256), {
  batchSize: 32,
  shuffle: true,
  seed: 0,
  collate: seq2seqCollate(translation.sourceTokenizer, translation.targetTokenizer),
});
for (const batch of loader) {
  // sourceTokens [32, S], targetInputs/targetOutputs [32, T], masks and lengths alongside
  console.log(batch.sourceTokens.shape[0], batch.targetMask.shape[0]); // 32 32
  break;
}

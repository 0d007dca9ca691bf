import { Generator, randn, tensor } from '@seqlab/tensor-core';
import { Adam } from '@seqlab/autograd';
import { MultiHeadAttention, TransformerLM } from '@seqlab/attention';

// Multi-head self-attention with a causal mask; per-head weights are ready for heatmaps.
const x = randn([2, 6, 16], { generator: new Generator(0) });
const mha = new MultiHeadAttention(16, 4, { batchFirst: true, generator: new Generator(1) });
export const { output, weights } = mha.forward(x, x, x, { isCausal: true, averageAttnWeights: false });
// output: [2, 6, 16]; weights: [2, 4, 6, 6]

// A character-level causal Transformer language model, trained for a few steps on a tiny text.
const text = 'attention is all you need. '.repeat(12);
const vocab = [...new Set(text)].sort();
const encode = (s: string): number[] => [...s].map((c) => vocab.indexOf(c));
const ids = encode(text);
const context = 32;
const lm = new TransformerLM(
  { vocabSize: vocab.length, contextLength: context, numLayers: 2, numHeads: 2, dModel: 32 },
  { generator: new Generator(2) },
);
const windows = (starts: number[]) => ({
  inputs: tensor(starts.map((s) => ids.slice(s, s + context)), undefined, 'int32'),
  targets: tensor(starts.map((s) => ids.slice(s + 1, s + context + 1)), undefined, 'int32'),
});
const heldOut = ids.slice(200, 297); // three windows of the context
export const before = lm.evaluate(heldOut);

const optimizer = new Adam(lm.parameters(), { lr: 1e-2 });
const sampler = new Generator(3);
for (let step = 0; step < 40; step++) {
  const { inputs, targets } = windows(Array.from({ length: 8 }, () => sampler.int(0, 190)));
  const loss = lm.loss(inputs, targets);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
export const after = lm.evaluate(heldOut);
console.log(`held-out loss: ${before.bitsPerToken.toFixed(2)} → ${after.bitsPerToken.toFixed(2)} bits per character`);

// Generation with a key/value cache: each new character costs one step. `stream` yields the same characters
// as `generate` one at a time, each as soon as it is drawn.
const sampling = { length: 40, temperature: 0.8, topK: 5, seed: 4 };
export const sample = lm.generate(encode('attention '), sampling).map((token) => vocab[token]).join('');
export const streamed = (async () => {
  let text = '';
  for await (const token of lm.stream(encode('attention '), sampling)) text += vocab[token];
  return text;
})();
console.log(`attention ${sample}`);

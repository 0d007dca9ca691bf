// Sampling text from a character language model with a seeded generator and a temperature, drawn by the library's one sampler.
import { sampleFromLogits } from '@seqlab/attention';
import { noGrad } from '@seqlab/autograd';
import { narrow, reshape, tensor, type Generator } from '@seqlab/tensor-core';
import type { SequenceModel } from '../shared/sequence-model.js';

/**
 * Draws `count` token ids after `prompt`, feeding the model the last `context` ids at each step; each token is
 * `sampleFromLogits(logits, { temperature }, generator)` of `@seqlab/attention`, the sampler the language models use.
 *
 * @example
 * ```ts
 * const ids = sampleTokens(model, tokenizer.encode('ROMEO:'), 120, 64, new Generator(1)); // 120 ids at temperature 0.8
 * ```
 */
export function sampleTokens(model: SequenceModel, prompt: Int32Array, count: number, context: number, generator: Generator, temperature = 0.8): Int32Array {
  const ids = Array.from(prompt);
  noGrad(() => {
    for (let i = 0; i < count; i++) {
      const window = ids.slice(-context);
      const x = tensor(Int32Array.from(window), [1, window.length], { dtype: 'int32' });
      const last = reshape(narrow(model.forward(x), 1, window.length - 1, 1), [-1]).dataSync();
      ids.push(sampleFromLogits(last, { temperature }, generator));
    }
  });
  return Int32Array.from(ids.slice(prompt.length));
}

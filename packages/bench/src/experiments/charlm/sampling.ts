// Sampling text from a character language model with a seeded generator and a temperature.
import { noGrad } from '@seqlab/autograd';
import { narrow, reshape, tensor, type Generator } from '@seqlab/tensor-core';
import type { SequenceModel } from '../models/sequence-model.js';

/** Draws `count` token ids after `prompt`, feeding the model the last `context` ids at each step. */
export function sampleTokens(model: SequenceModel, prompt: Int32Array, count: number, context: number, generator: Generator, temperature = 0.8): Int32Array {
  const ids = Array.from(prompt);
  const probs = new Float64Array(model.head.outFeatures);
  noGrad(() => {
    for (let i = 0; i < count; i++) {
      const window = ids.slice(-context);
      const x = tensor(Int32Array.from(window), [1, window.length], { dtype: 'int32' });
      const logits = model.forward(x);
      const last = reshape(narrow(logits, 1, window.length - 1, 1), [-1]).dataSync();
      let max = -Infinity;
      for (let j = 0; j < last.length; j++) max = Math.max(max, last[j] / temperature);
      let total = 0;
      for (let j = 0; j < last.length; j++) total += probs[j] = Math.exp(last[j] / temperature - max);
      let u = generator.uniform() * total;
      let chosen = last.length - 1;
      for (let j = 0; j < last.length; j++) {
        u -= probs[j];
        if (u <= 0) {
          chosen = j;
          break;
        }
      }
      ids.push(chosen);
    }
  });
  return Int32Array.from(ids.slice(prompt.length));
}

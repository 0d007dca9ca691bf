// RecurrentLM (every cell) and TransformerLM satisfy the one LanguageModel contract of @seqlab/attention, run from this package.
import { TransformerLM } from '@seqlab/attention';
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import * as recurrent from '../src/index.js';
import { RecurrentLM } from '../src/index.js';
import { describeLanguageModelContract } from '@seqlab/test-utils/suites';

describeLanguageModelContract([
  ...(['lstm', 'gru', 'rnn'] as const).map((cell) => ({
    name: `RecurrentLM (${cell})`,
    make: () =>
      new RecurrentLM({ vocabSize: 7, embeddingDim: 4, hiddenSize: 6, numLayers: 2, cell }, { generator: new Generator(3), dtype: 'float64' as const }),
    logits: (model: object, ids: Parameters<RecurrentLM['forward']>[0]) => (model as RecurrentLM).forward(ids).logits,
    digits: 10,
  })),
  {
    name: 'TransformerLM',
    make: () => new TransformerLM({ vocabSize: 7, contextLength: 8, numLayers: 1, numHeads: 2, dModel: 8, dFF: 16 }, { generator: new Generator(4) }),
    logits: (model, ids) => (model as TransformerLM).forward(ids),
    digits: 5,
  },
]);

describe('one sampler', () => {
  it('recurrent exports no sampler of its own: sampleFromLogits lives in @seqlab/attention only', () => {
    expect('sampleFromLogits' in recurrent).toBe(false);
    expect('checkSamplingOptions' in recurrent).toBe(false);
  });
});

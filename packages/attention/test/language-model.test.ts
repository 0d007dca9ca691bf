// TransformerLM, and a minimal model built on LanguageModelBase, satisfy the shared LanguageModel contract.
import { crossEntropy, Embedding } from '@seqlab/autograd';
import { LanguageModelBase, TransformerLM, type DecodingSession } from '@seqlab/attention';
import { Generator, reshape, type Tensor } from '@seqlab/tensor-core';
import { describeLanguageModelContract } from '@seqlab/test-utils/suites';

/** A bigram model: row t of the table is the logits of the token after t. The smallest LanguageModelBase. */
class BigramLM extends LanguageModelBase {
  readonly config = { vocabSize: 7 };
  readonly table = new Embedding(7, 7, { generator: new Generator(5), dtype: 'float64' });
  forward(ids: Tensor): Tensor {
    return this.table.forward(ids);
  }
  loss(inputs: Tensor, targets: Tensor): Tensor {
    return crossEntropy(reshape(this.forward(inputs), [-1, 7]), reshape(targets, [-1]));
  }
  protected startDecoding(prompt: Int32Array): DecodingSession {
    const row = (t: number) => this.table.weight.dataSync().subarray(t * 7, t * 7 + 7);
    return { logits: row(prompt[prompt.length - 1]), next: row };
  }
}

describeLanguageModelContract([
  {
    name: 'TransformerLM',
    make: () => new TransformerLM({ vocabSize: 7, contextLength: 8, numLayers: 2, numHeads: 2, dModel: 8, dFF: 16 }, { generator: new Generator(1) }),
    logits: (model, ids) => (model as TransformerLM).forward(ids),
    digits: 5,
  },
  { name: 'a LanguageModelBase bigram model', make: () => new BigramLM(), logits: (model, ids) => (model as BigramLM).forward(ids), digits: 10 },
]);

// seqlab's training steps through the public APIs: an LSTM language model (@seqlab/recurrent) and one Transformer
// encoder block (@seqlab/attention), each with a Linear head, cross-entropy and Adam (@seqlab/autograd).
import { TransformerEncoderLayer } from '@seqlab/attention';
import { Adam, crossEntropy, Embedding, Linear, type Module } from '@seqlab/autograd';
import { LSTM } from '@seqlab/recurrent';
import { Generator, randint, randn, reshape, type Tensor } from '@seqlab/tensor-core';
import type { TrainingStep } from './contender.js';
import type { LstmShape, TransformerShape } from './training-shapes.js';

/** A step over `modules`: zero the gradients, compute the loss, backward, Adam update, read the loss back. */
function adamStep(modules: readonly Module[], loss: () => Tensor, inputs: readonly Tensor[]): TrainingStep {
  const parameters = modules.flatMap((m) => [...m.parameters()]);
  const optimizer = new Adam(parameters, { lr: 1e-3 });
  return {
    note: null,
    run() {
      optimizer.zeroGrad();
      const l = loss();
      l.backward();
      optimizer.step();
      // Reading the loss makes the step's work complete before the clock stops.
      return l.item();
    },
    dispose() {
      for (const p of parameters) p.dispose();
      for (const t of inputs) t.dispose();
    },
  };
}

/** Embedding → LSTM (batch first) → Linear → cross-entropy on random next tokens, trained with Adam, on `backend`. */
export function seqlabLstmStep(backend: string, shape: LstmShape, seed: number): TrainingStep {
  const generator = new Generator(seed);
  const embedding = new Embedding(shape.vocabSize, shape.embeddingSize, { generator, backend });
  const lstm = new LSTM(shape.embeddingSize, shape.hiddenSize, { batchFirst: true, generator, backend });
  const head = new Linear(shape.hiddenSize, shape.vocabSize, { generator, backend });
  const ids = randint(0, shape.vocabSize, [shape.batch, shape.length], { generator, backend });
  const targets = randint(0, shape.vocabSize, [shape.batch * shape.length], { generator, backend });
  return adamStep(
    [embedding, lstm, head],
    () => {
      const { output } = lstm.forward(embedding.forward(ids));
      return crossEntropy(reshape(head.forward(output), [-1, shape.vocabSize]), targets);
    },
    [ids, targets],
  );
}

/** The benchmark's Transformer block: post-norm, ReLU feed-forward, no dropout, batch-first, on `backend`. */
export function benchTransformerBlock(shape: TransformerShape, generator: Generator, backend: string): TransformerEncoderLayer {
  const options = { dimFeedforward: shape.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend } as const;
  return new TransformerEncoderLayer(shape.dModel, shape.heads, options);
}

/** One Transformer encoder block on embedded input → Linear → cross-entropy, trained with Adam, on `backend`. */
export function seqlabTransformerStep(backend: string, shape: TransformerShape, seed: number): TrainingStep {
  const generator = new Generator(seed);
  const block = benchTransformerBlock(shape, generator, backend);
  const head = new Linear(shape.dModel, shape.vocabSize, { generator, backend });
  const inputs = randn([shape.batch, shape.length, shape.dModel], { generator, backend });
  const targets = randint(0, shape.vocabSize, [shape.batch * shape.length], { generator, backend });
  return adamStep(
    [block, head],
    () => {
      const h = block.forward(inputs, { isCausal: shape.causal });
      return crossEntropy(reshape(head.forward(h), [-1, shape.vocabSize]), targets);
    },
    [inputs, targets],
  );
}

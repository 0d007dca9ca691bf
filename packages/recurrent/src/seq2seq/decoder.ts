// The seq2seq decoder: one step from the previous token, optionally attending over the encoder states (Bahdanau).
import { AdditiveAttention } from '@seqlab/attention';
import { Embedding, Linear, Module } from '@seqlab/autograd';
import { concat, narrow, reshape, type Tensor } from '@seqlab/tensor-core';
import { createRecurrentLayer, runRecurrentLayer, type AnyRecurrentLayer, type CellType } from '../layers/recurrent-stack.js';
import type { RecurrentState } from '../state.js';
import type { EncoderMemory, Seq2SeqInitOptions } from './encoder.js';

/** One decoder step's result. */
export interface DecoderStep {
  /** Next-token logits `[batch, targetVocabSize]`. */
  readonly logits: Tensor;
  /** State after the step. */
  readonly state: RecurrentState;
  /** Attention weights over the source `[batch, sourceLength]`, or null without attention. */
  readonly attention: Tensor | null;
}

/**
 * The decoder of {@link Seq2Seq}. Without attention a step is `h = rnn(embed(y_{t−1}), h)`, `logits = out(h)`.
 * With attention (Bahdanau): the context `c = attention(h_{t−1}^top, encoder states)`, `h = rnn([embed(y_{t−1}); c], h)`
 * and `logits = out([h; c])`.
 *
 * @example
 * ```ts
 * const init = { generator: new Generator(0) };
 * const encoder = new Seq2SeqEncoder(10, 8, 16, 1, 'lstm', 0, init);
 * const decoder = new Seq2SeqDecoder(12, 8, 16, 1, 'lstm', 0, true, init); // with attention
 * const { memory: source, state } = encoder.forward(tensor([[3, 4, 5]], undefined, 'int32'), null);
 * const step = decoder.forward(tensor([1], undefined, 'int32'), state, source, decoder.projectKeys(source)); // 1: the start token
 * console.assert(step.logits.shape.join() === '1,12' && step.attention!.shape.join() === '1,3');
 * ```
 */
export class Seq2SeqDecoder extends Module {
  /** Target token embeddings. */
  readonly embedding: Embedding;
  /** The recurrent stack (time-major, one step per call). */
  readonly rnn: AnyRecurrentLayer;
  /** Additive attention over the encoder states, or null. */
  readonly attention: AdditiveAttention | null;
  /** Output projection to the target vocabulary. */
  readonly out: Linear;

  constructor(
    vocabSize: number,
    embeddingDim: number,
    hiddenSize: number,
    numLayers: number,
    cell: CellType,
    dropout: number,
    attention: boolean,
    init: Seq2SeqInitOptions,
  ) {
    super();
    this.embedding = new Embedding(vocabSize, embeddingDim, init);
    const contextSize = attention ? hiddenSize : 0;
    this.rnn = createRecurrentLayer(cell, embeddingDim + contextSize, hiddenSize, { ...init, numLayers, dropout });
    this.attention = attention ? new AdditiveAttention(hiddenSize, { ...init, keyDim: hiddenSize }) : null;
    this.out = new Linear(hiddenSize + contextSize, vocabSize, init);
  }

  /** `W_k·outputs + b` of the attention, computed once per source batch; null without attention. */
  projectKeys(memory: EncoderMemory): Tensor | null {
    return this.attention === null ? null : this.attention.projectKeys(memory.outputs);
  }

  /**
   * One step: `previous` int32 `[batch]` tokens (the start token first), the state, and the encoder memory with its
   * projected keys from {@link projectKeys}.
   */
  forward(previous: Tensor, state: RecurrentState, memory: EncoderMemory, projectedKeys: Tensor | null): DecoderStep {
    const batch = previous.shape[0];
    let input = this.embedding.forward(previous);
    let context: Tensor | null = null;
    let weights: Tensor | null = null;
    if (this.attention !== null) {
      const layers = state.h.shape[0];
      const query = reshape(narrow(state.h, 0, layers - 1, 1), [batch, state.h.shape[2]]);
      const a = this.attention.forward(query, memory.outputs, memory.outputs, { mask: memory.mask, projectedKeys: projectedKeys ?? undefined });
      context = a.context;
      weights = a.weights;
      input = concat([input, context], 1);
    }
    const r = runRecurrentLayer(this.rnn, reshape(input, [1, batch, input.shape[1]]), state);
    const h = reshape(r.output, [batch, r.output.shape[2]]);
    return { logits: this.out.forward(context === null ? h : concat([h, context], 1)), state: r.state, attention: weights };
  }
}

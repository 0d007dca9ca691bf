// The shapes of the training-step cases (issue 7): an LSTM language model and one Transformer encoder block.

/** LSTM language-model training step: embedding → LSTM → Linear → cross-entropy → backward → Adam step. */
export interface LstmShape {
  /** Sequences per batch. */
  readonly batch: number;
  /** Sequence length T. */
  readonly length: number;
  /** Vocabulary (embedding rows and output classes). */
  readonly vocabSize: number;
  /** Embedding width. */
  readonly embeddingSize: number;
  /** LSTM hidden width. */
  readonly hiddenSize: number;
}

/**
 * Transformer-block training step: one encoder block (post-norm, ReLU feed-forward, no dropout, causal mask) on
 * embedded input, a Linear head → cross-entropy → backward → Adam step.
 */
export interface TransformerShape {
  /** Sequences per batch. */
  readonly batch: number;
  /** Sequence length T. */
  readonly length: number;
  /** Model width d. */
  readonly dModel: number;
  /** Attention heads. */
  readonly heads: number;
  /** Feed-forward hidden width. */
  readonly ffnWidth: number;
  /** Output classes of the head. */
  readonly vocabSize: number;
  /** Mask future positions. */
  readonly causal: boolean;
}

/**
 * The LSTM shape: batch 32, embedding 128, hidden 256, vocabulary 65, T = 100.
 *
 * @example
 * ```ts
 * console.assert(LSTM_SHAPE.hiddenSize === 256 && tokensPerStep(LSTM_SHAPE) === 3200); // batch 32 × T 100
 * ```
 */
export const LSTM_SHAPE: LstmShape = { batch: 32, length: 100, vocabSize: 65, embeddingSize: 128, hiddenSize: 256 };

/**
 * The Transformer-block shape: d 256, 4 heads, feed-forward 1024, T = 100, batch 32, causal.
 *
 * @example
 * ```ts
 * console.assert(TRANSFORMER_SHAPE.dModel / TRANSFORMER_SHAPE.heads === 64 && TRANSFORMER_SHAPE.causal);
 * console.assert(tokensPerStep(TRANSFORMER_SHAPE) === 3200);
 * ```
 */
export const TRANSFORMER_SHAPE: TransformerShape = { batch: 32, length: 100, dModel: 256, heads: 4, ffnWidth: 1024, vocabSize: 65, causal: true };

/**
 * Tokens one training step processes.
 *
 * @example
 * ```ts
 * console.assert(tokensPerStep({ batch: 8, length: 50 }) === 400);
 * ```
 */
export function tokensPerStep(shape: { readonly batch: number; readonly length: number }): number {
  return shape.batch * shape.length;
}

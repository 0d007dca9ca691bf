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

/**
 * Useful floating-point operations of one LSTM LM forward pass over batch·T tokens: per token the matrix products,
 * 2·4H·(E + H) for the input and recurrent products and 2·H·V for the head. Excluded: the embedding lookup, gate
 * nonlinearities and other elementwise work. The inference rows' useful GFLOP/s divide this by the time.
 *
 * @example
 * ```ts
 * // batch 32 × T 100 tokens × (2·1024·(128 + 256) + 2·256·65) ≈ 2.62 GFLOP per forward pass
 * console.assert(Math.round(lstmForwardFlops(LSTM_SHAPE) / 1e7) === 262);
 * ```
 */
export function lstmForwardFlops(shape: LstmShape): number {
  const { embeddingSize: E, hiddenSize: H, vocabSize: V } = shape;
  return tokensPerStep(shape) * (2 * 4 * H * (E + H) + 2 * H * V);
}

/**
 * Useful floating-point operations of one LSTM LM training step (forward and backward), the count behind the
 * training-efficiency rows: {@link lstmForwardFlops} times 3 for forward plus backward (the input and the weight
 * gradient each cost a forward product). Excluded: the embedding lookup, gate nonlinearities and other elementwise
 * work, the loss and Adam.
 *
 * @example
 * ```ts
 * // batch 32 × T 100 tokens × 3 × (2·1024·(128 + 256) + 2·256·65) ≈ 7.87 GFLOP per step
 * console.assert(Math.round(lstmTrainingFlops(LSTM_SHAPE) / 1e7) === 787);
 * ```
 */
export function lstmTrainingFlops(shape: LstmShape): number {
  return 3 * lstmForwardFlops(shape);
}

/**
 * Useful floating-point operations of one Transformer-block forward pass without a head (the inference case): per
 * token 2·d·3d (q, k, v), 2·d·d (output projection), 2·2·d·f (feed-forward) and 2·2·T·d for attention's Q·Kᵀ and
 * A·V over all T keys (the causal mask not subtracted). Excluded: LayerNorm, softmax, the mask, ReLU, residual adds.
 *
 * @example
 * ```ts
 * // 3200 tokens × (2·256·(768 + 256 + 2048) + 4·100·256) ≈ 5.36 GFLOP per forward pass
 * console.assert(Math.round(transformerBlockForwardFlops(TRANSFORMER_SHAPE) / 1e7) === 536);
 * ```
 */
export function transformerBlockForwardFlops(shape: TransformerShape): number {
  const { dModel: d, ffnWidth: f, length: T } = shape;
  return tokensPerStep(shape) * (2 * d * (3 * d + d + 2 * f) + 4 * T * d);
}

/**
 * Useful floating-point operations of one Transformer-block training step (forward and backward): per token the
 * forward matrix products ({@link transformerBlockForwardFlops} plus the head), 2·d·3d (q, k, v), 2·d·d (output projection), 2·2·d·f (feed-forward), 2·d·V (head) and
 * 2·2·T·d for attention's Q·Kᵀ and A·V over all T keys (the causal mask is not subtracted, as nanoGPT's MFU
 * estimate counts it), times 3 for forward plus backward. Excluded: LayerNorm, softmax, the mask, ReLU, residual
 * adds, the loss and Adam.
 *
 * @example
 * ```ts
 * // 3200 tokens × 3 × (2·256·(768 + 256 + 2048) + 2·256·65 + 4·100·256) ≈ 16.4 GFLOP per step
 * console.assert(Math.round(transformerTrainingFlops(TRANSFORMER_SHAPE) / 1e8) === 164);
 * ```
 */
export function transformerTrainingFlops(shape: TransformerShape): number {
  return 3 * (transformerBlockForwardFlops(shape) + tokensPerStep(shape) * 2 * shape.dModel * shape.vocabSize);
}

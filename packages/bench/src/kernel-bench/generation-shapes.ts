// The models and lengths of the generation case: a character LSTM LM and nanoGPT's small CPU Transformer LM at batch 1.

/** The LSTM language model of the generation case and how much it generates. */
export interface GenerationLstmShape {
  /** Vocabulary (characters). */
  readonly vocabSize: number;
  /** Embedding width. */
  readonly embeddingSize: number;
  /** LSTM hidden width. */
  readonly hiddenSize: number;
  /** Stacked LSTM layers. */
  readonly layers: number;
  /** Prompt tokens read before the first generated one. */
  readonly prompt: number;
  /** Tokens generated per timed call. */
  readonly tokens: number;
}

/** The Transformer language model (`TransformerLM`) of the generation case and how much it generates. */
export interface GenerationTransformerShape {
  /** Vocabulary (characters). */
  readonly vocabSize: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** Attention heads. */
  readonly heads: number;
  /** Model width. */
  readonly dModel: number;
  /** Context length (learned positions). */
  readonly context: number;
  /** Prompt tokens read before the first generated one. */
  readonly prompt: number;
  /** Tokens generated per timed call; prompt + tokens stays within the context, so every token is one cached step. */
  readonly tokens: number;
}

/** Both models of the generation case. */
export interface GenerationShapes {
  /** The LSTM LM. */
  readonly lstm: GenerationLstmShape;
  /** The Transformer LM. */
  readonly transformer: GenerationTransformerShape;
}

/**
 * The generation case's LSTM LM: 65 characters, embedding 128, 2 layers of 256 (about 0.93 M parameters, the size of
 * the Transformer below), 200 tokens after an 8-token prompt.
 *
 * @example
 * ```ts
 * console.assert(GENERATION_LSTM_SHAPE.layers === 2 && GENERATION_LSTM_SHAPE.tokens === 200);
 * ```
 */
export const GENERATION_LSTM_SHAPE: GenerationLstmShape = { vocabSize: 65, embeddingSize: 128, hiddenSize: 256, layers: 2, prompt: 8, tokens: 200 };

/**
 * The generation case's Transformer LM: nanoGPT's small CPU configuration (the `charlm` preset and
 * `TransformerLM`'s `shakespeare-char-cpu`: 4 layers, 4 heads, width 128, context 64, 65 characters, about 0.8 M
 * parameters), 56 tokens after an 8-token prompt: the context filled exactly, every token one KV-cached step.
 *
 * @example
 * ```ts
 * const s = GENERATION_TRANSFORMER_SHAPE;
 * console.assert(s.prompt + s.tokens === s.context && s.dModel === 128);
 * ```
 */
export const GENERATION_TRANSFORMER_SHAPE: GenerationTransformerShape = { vocabSize: 65, layers: 4, heads: 4, dModel: 128, context: 64, prompt: 8, tokens: 56 };

// The CLI's model kinds and the plain-data spec a checkpoint stores to rebuild a model.
import type { TransformerLM } from '@seqlab/attention';
import type { RecurrentLM } from '@seqlab/recurrent';

/** Values of `--model`. */
export const MODEL_KINDS = ['rnn', 'lstm', 'gru', 'transformer'] as const;

/** One of {@link MODEL_KINDS}. */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Display names of the model kinds. */
export const MODEL_LABELS: Readonly<Record<ModelKind, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU', transformer: 'Transformer' };

/**
 * The character language models the CLI trains, samples and evaluates. Both implement the `LanguageModel`
 * interface of `@seqlab/attention` (`loss`, `generate`, `stream`, `evaluate`), which is all the CLI calls on them
 * beyond `Module`'s parameters and modes.
 *
 * @example
 * ```ts
 * const model: CharModel = buildModel({ kind: 'lstm', config: { vocabSize: 65, embeddingDim: 64, hiddenSize: 64, cell: 'lstm' } });
 * ```
 */
export type CharModel = RecurrentLM | TransformerLM;

/**
 * What a checkpoint stores to rebuild a model: the kind, and the defining package's own plain-data config
 * (vocabulary size, widths, layers, context...), passed back to that package unchanged.
 */
export interface ModelSpec {
  /** Which family built the model. */
  readonly kind: ModelKind;
  /** The model package's config object. */
  readonly config: Readonly<Record<string, unknown>>;
}

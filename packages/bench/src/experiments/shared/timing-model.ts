// The model the timing experiments (speed, memory) build for each family: the same vocabulary, widths and seed.
import { SequenceModel, type ModelKind } from './sequence-model.js';

/**
 * Vocabulary of the timing experiments' random token inputs (the size of a character-level vocabulary).
 *
 * @example
 * ```ts
 * console.assert(TIMING_VOCAB === 65);
 * ```
 */
export const TIMING_VOCAB = 65;

/** Widths and lengths the timing experiments build their models with. */
export interface TimingModelSizes {
  /** Embedding width. */
  readonly embeddingSize: number;
  /** Hidden (model) width. */
  readonly hiddenSize: number;
  /** Transformer heads. */
  readonly heads: number;
  /** The lengths the model will see (the positional table covers the longest). */
  readonly lengths: readonly number[];
}

/**
 * A `kind` model over {@link TIMING_VOCAB} tokens with the given widths, on the active backend.
 *
 * @example
 * ```ts
 * const model = timingModel('GRU', { embeddingSize: 8, hiddenSize: 16, heads: 2, lengths: [4, 8] }, 0);
 * console.assert(model.config.outputSize === TIMING_VOCAB && model.config.maxLength === 8);
 * ```
 */
export function timingModel(kind: ModelKind, s: TimingModelSizes, seed: number): SequenceModel {
  return new SequenceModel({
    kind,
    vocabSize: TIMING_VOCAB,
    embeddingSize: s.embeddingSize,
    hiddenSize: s.hiddenSize,
    outputSize: TIMING_VOCAB,
    heads: s.heads,
    maxLength: Math.max(...s.lengths),
    seed,
  });
}

// The character language model the CLI trains, samples and evaluates, whichever package defines it.
import type { Module } from '@seqlab/autograd';
import type { Tensor } from '@seqlab/tensor-core';

/** Values of `--model`. */
export const MODEL_KINDS = ['rnn', 'lstm', 'gru', 'transformer'] as const;

/** One of {@link MODEL_KINDS}. */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Display names of the model kinds. */
export const MODEL_LABELS: Readonly<Record<ModelKind, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU', transformer: 'Transformer' };

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

/** Sampling options of {@link LanguageModel.generate}. */
export interface SampleOptions {
  /** Tokens to sample after the prompt. */
  readonly length: number;
  /** Softmax temperature; lower is more conservative. */
  readonly temperature: number;
  /** Keep only the k most likely tokens (0 = all). */
  readonly topK: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = all). */
  readonly topP: number;
  /** Seed of the sampling generator. */
  readonly seed: number;
}

/** A trained or trainable character language model, as the CLI sees it. */
export interface LanguageModel {
  /** How to rebuild it. */
  readonly spec: ModelSpec;
  /** The module holding its parameters, under the PyTorch `state_dict` names. */
  readonly module: Module;
  /**
   * Mean next-token cross-entropy (nats per token, a scalar tensor on the tape) of predicting `targets` from
   * `inputs`, both int32 `[batch, seqLen]`, each row read from a fresh state.
   */
  loss(inputs: Tensor, targets: Tensor): Tensor;
  /**
   * Samples `options.length` tokens after `prompt`, calling `onToken` with each as soon as it is drawn, and
   * returns them all.
   */
  generate(prompt: Int32Array, options: SampleOptions, onToken: (id: number) => void): Promise<number[]>;
}

// The four language-model kinds (RNN, LSTM, GRU, Transformer) built from one plain-data spec, and one training step:
// the single definition that the seqlab CLI and the playground share, so a run in one reproduces in the other.
import { TransformerLM, type TransformerLMConfigInput } from '@seqlab/attention';
import { AdamW, clipGradNorm } from '@seqlab/autograd';
import { Generator, InvalidArgumentError, manualSeed, type Tensor } from '@seqlab/tensor-core';
import { RecurrentLM, type RecurrentLMConfig } from './recurrent-lm.js';

/**
 * The language-model kinds, as the CLI's `--model` names them.
 *
 * @example
 * ```ts
 * LANGUAGE_MODEL_KINDS.join(); // "rnn,lstm,gru,transformer"
 * ```
 */
export const LANGUAGE_MODEL_KINDS = ['rnn', 'lstm', 'gru', 'transformer'] as const;

/** One of {@link LANGUAGE_MODEL_KINDS}. */
export type LanguageModelKind = (typeof LANGUAGE_MODEL_KINDS)[number];

/**
 * Display names of the kinds.
 *
 * @example
 * ```ts
 * LANGUAGE_MODEL_LABELS.lstm; // "LSTM"
 * ```
 */
export const LANGUAGE_MODEL_LABELS: Readonly<Record<LanguageModelKind, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU', transformer: 'Transformer' };

/**
 * A language model of any kind. Both classes implement the `LanguageModel` interface of `@seqlab/attention`
 * (`loss`, `generate`, `stream`, `evaluate`) besides `Module`'s parameters and modes.
 *
 * @example
 * ```ts
 * const model: AnyLanguageModel = buildLanguageModel(languageModelSpec('gru', { vocabSize: 10, hiddenSize: 16, numLayers: 1, numHeads: 1, contextLength: 32 }));
 * ```
 */
export type AnyLanguageModel = RecurrentLM | TransformerLM;

/**
 * What a checkpoint stores to rebuild a model: the kind, and the defining class's own plain-data config
 * (vocabulary size, widths, layers, context...), passed back to that class unchanged.
 */
export interface LanguageModelSpec {
  /** Which family built the model. */
  readonly kind: LanguageModelKind;
  /** The model class's config object. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The sizes a user chooses for a new model (the CLI's `--hidden`, `--layers`, `--heads`, `--seq`). */
export interface LanguageModelSize {
  /** Tokens in the vocabulary. */
  readonly vocabSize: number;
  /** Hidden state width (recurrent) or model width d_model (Transformer); also the embedding width. */
  readonly hiddenSize: number;
  /** Stacked recurrent layers or Transformer blocks. */
  readonly numLayers: number;
  /** Attention heads (Transformer only). */
  readonly numHeads: number;
  /** Longest sequence the model reads at once (the Transformer's context length; the training window). */
  readonly contextLength: number;
}

/**
 * Default number of layers of each kind.
 *
 * @example
 * ```ts
 * DEFAULT_LANGUAGE_MODEL_LAYERS.transformer; // 2
 * ```
 */
export const DEFAULT_LANGUAGE_MODEL_LAYERS: Readonly<Record<LanguageModelKind, number>> = { rnn: 1, lstm: 1, gru: 1, transformer: 2 };

/**
 * Default AdamW learning rate of each kind.
 *
 * @example
 * ```ts
 * DEFAULT_LANGUAGE_MODEL_LR.lstm; // 0.003
 * ```
 */
export const DEFAULT_LANGUAGE_MODEL_LR: Readonly<Record<LanguageModelKind, number>> = { rnn: 2e-3, lstm: 3e-3, gru: 3e-3, transformer: 1e-3 };

/**
 * The spec of a new `kind` model of the given size. Recurrent: embeddings as wide as the hidden state, no dropout.
 * Transformer: `hiddenSize` is the width d_model, the context is `contextLength`, the MLP is 4·d_model wide, no
 * dropout, and the head shares the token embedding (as nanoGPT).
 *
 * @example
 * ```ts
 * const spec = languageModelSpec('lstm', { vocabSize: 65, hiddenSize: 64, numLayers: 1, numHeads: 1, contextLength: 64 });
 * spec.config.cell; // "lstm"
 * ```
 */
export function languageModelSpec(kind: LanguageModelKind, size: LanguageModelSize): LanguageModelSpec {
  if (!(LANGUAGE_MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidArgumentError(`languageModelSpec: argument 'kind' must be one of ${LANGUAGE_MODEL_KINDS.join(', ')}; received ${JSON.stringify(kind)}`);
  }
  if (kind === 'transformer') {
    const config: TransformerLMConfigInput = {
      vocabSize: size.vocabSize,
      contextLength: size.contextLength,
      numLayers: size.numLayers,
      numHeads: size.numHeads,
      dModel: size.hiddenSize,
      dropout: 0,
    };
    return { kind, config: { ...config } };
  }
  const config: RecurrentLMConfig = {
    vocabSize: size.vocabSize,
    embeddingDim: size.hiddenSize,
    hiddenSize: size.hiddenSize,
    numLayers: size.numLayers,
    cell: kind,
    dropout: 0,
  };
  return { kind, config: { ...config } };
}

/**
 * The spec of `model`: its kind and its config with every default filled in.
 *
 * @example
 * ```ts
 * const spec = languageModelSpec('gru', { vocabSize: 10, hiddenSize: 8, numLayers: 1, numHeads: 1, contextLength: 16 });
 * languageModelSpecOf(buildLanguageModel(spec)).kind; // "gru"
 * ```
 */
export function languageModelSpecOf(model: AnyLanguageModel): LanguageModelSpec {
  return model instanceof TransformerLM ? { kind: 'transformer', config: { ...model.config } } : { kind: model.config.cell, config: { ...model.config } };
}

/**
 * Builds the model `spec` describes, with initial weights from `generator` (the default generator when absent, as
 * when a checkpoint's weights are loaded next). A config the model class rejects throws its typed error.
 *
 * @example
 * ```ts
 * const spec = languageModelSpec('transformer', { vocabSize: 10, hiddenSize: 16, numLayers: 1, numHeads: 2, contextLength: 16 });
 * const model = buildLanguageModel(spec, new Generator(0));
 * ```
 */
export function buildLanguageModel(spec: LanguageModelSpec, generator?: Generator): AnyLanguageModel {
  if (spec.kind === 'transformer') return new TransformerLM(spec.config as unknown as TransformerLMConfigInput, { generator });
  if (!(LANGUAGE_MODEL_KINDS as readonly string[]).includes(spec.kind)) {
    throw new InvalidArgumentError(`buildLanguageModel: spec.kind must be one of ${LANGUAGE_MODEL_KINDS.join(', ')}; received ${JSON.stringify(spec.kind)}`);
  }
  if (spec.config.cell !== spec.kind) {
    throw new InvalidArgumentError(
      `buildLanguageModel: a '${spec.kind}' model must have config.cell '${spec.kind}'; received ${JSON.stringify(spec.config.cell)}`,
    );
  }
  return new RecurrentLM(spec.config as unknown as RecurrentLMConfig, { generator });
}

/** Optimizer settings and seed of a new training run. */
export interface LanguageModelTrainingOptions {
  /** Seed of the weights and (on a separate stream) of the batch sampler. */
  readonly seed: number;
  /** AdamW learning rate. */
  readonly lr: number;
  /** AdamW decoupled weight decay. */
  readonly weightDecay: number;
}

/** A new training run: the seeded model, AdamW over its parameters, and the generator that draws its batches. */
export interface LanguageModelTraining {
  /** The model, weights drawn from the seed. */
  readonly model: AnyLanguageModel;
  /** AdamW over the model's parameters. */
  readonly optimizer: AdamW;
  /** Draws the batch windows (pass it to `randomWindows` of `@seqlab/datasets`); see {@link languageModelBatchSampler}. */
  readonly sampler: Generator;
}

/**
 * The generator that draws a run's batches: a far-away stream of `seed`, so batches do not reuse the numbers that
 * initialised the weights.
 *
 * @example
 * ```ts
 * const sampler = languageModelBatchSampler(7);
 * ```
 */
export function languageModelBatchSampler(seed: number): Generator {
  return new Generator(seed).split();
}

/**
 * AdamW over `model`'s parameters with the given learning rate and weight decay.
 *
 * @example
 * ```ts
 * const optimizer = languageModelOptimizer(model, { lr: 3e-3, weightDecay: 0.01 });
 * ```
 */
export function languageModelOptimizer(model: AnyLanguageModel, options: Pick<LanguageModelTrainingOptions, 'lr' | 'weightDecay'>): AdamW {
  return new AdamW(model.parameters(), { lr: options.lr, weightDecay: options.weightDecay });
}

/**
 * Starts a training run of the model `spec` describes: seeds the process-wide generator with `seed` (so anything
 * that falls back to it is seeded too), draws the weights from `new Generator(seed)`, and creates AdamW and the
 * batch sampler. The same spec and options give the same weights and batches everywhere (CLI, browser, any backend).
 *
 * @example
 * ```ts
 * const spec = languageModelSpec('lstm', { vocabSize: 65, hiddenSize: 64, numLayers: 1, numHeads: 1, contextLength: 64 });
 * const { model, optimizer, sampler } = startLanguageModelTraining(spec, { seed: 0, lr: 3e-3, weightDecay: 0.01 });
 * ```
 */
export function startLanguageModelTraining(spec: LanguageModelSpec, options: LanguageModelTrainingOptions): LanguageModelTraining {
  manualSeed(options.seed);
  const model = buildLanguageModel(spec, new Generator(options.seed));
  return { model, optimizer: languageModelOptimizer(model, options), sampler: languageModelBatchSampler(options.seed) };
}

/** What one {@link languageModelTrainStep} did. */
export interface LanguageModelStepResult {
  /** The batch's mean cross-entropy in nats per token, before the update. */
  readonly loss: number;
  /** Total gradient norm before clipping (NaN when the loss was not finite and no gradient was computed). */
  readonly gradNorm: number;
  /** Whether the optimizer updated the weights: false when the loss or the gradient norm was not finite. */
  readonly applied: boolean;
}

/**
 * One optimizer step on a batch of windows (`inputs` and `targets`, int32 `[batch, seqLen]`): cross-entropy,
 * backward, gradients clipped to total norm `clipNorm`, AdamW step, gradients cleared. A loss or gradient norm that
 * is not finite leaves the weights untouched (`applied: false`), so the caller decides how to report divergence.
 *
 * @example
 * ```ts
 * const batch = randomWindows(trainIds, { batchSize: 16, seqLen: 64, generator: sampler }); // @seqlab/datasets
 * const { loss, gradNorm } = languageModelTrainStep(model, optimizer, batch, { clipNorm: 1 });
 * ```
 */
export function languageModelTrainStep(
  model: AnyLanguageModel,
  optimizer: AdamW,
  batch: { readonly inputs: Tensor; readonly targets: Tensor },
  options: { readonly clipNorm: number },
): LanguageModelStepResult {
  const loss = model.loss(batch.inputs, batch.targets);
  const lossValue = loss.item();
  if (!Number.isFinite(lossValue)) return { loss: lossValue, gradNorm: Number.NaN, applied: false };
  loss.backward();
  const gradNorm = clipGradNorm(model.parameters(), options.clipNorm);
  if (!Number.isFinite(gradNorm)) {
    optimizer.zeroGrad();
    return { loss: lossValue, gradNorm, applied: false };
  }
  optimizer.step();
  optimizer.zeroGrad();
  return { loss: lossValue, gradNorm, applied: true };
}

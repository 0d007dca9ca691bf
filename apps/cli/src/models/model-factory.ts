// Building a model of any kind from its size (a new run) or from its spec (a checkpoint), and the spec of a model.
import { TransformerLM, type TransformerLMConfigInput } from '@seqlab/attention';
import { RecurrentLM, type RecurrentLMConfig } from '@seqlab/recurrent';
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import type { ModelSize } from './model-size.js';
import type { CharModel, ModelKind, ModelSpec } from './model-spec.js';

/**
 * The spec of a new `kind` model of the given size. Recurrent: embeddings as wide as the hidden state, no dropout.
 * Transformer: `hiddenSize` is the width d_model, the context is the training window, the MLP is 4·d_model wide,
 * no dropout, and the head shares the token embedding (as nanoGPT).
 */
export function modelSpecFor(kind: ModelKind, size: ModelSize): ModelSpec {
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
 * specOf(buildModel(spec)); // spec, with the model package's defaults filled in
 * ```
 */
export function specOf(model: CharModel): ModelSpec {
  return model instanceof TransformerLM ? { kind: 'transformer', config: { ...model.config } } : { kind: model.config.cell, config: { ...model.config } };
}

/**
 * Builds the model `spec` describes, with initial weights from `generator` (the default generator when absent,
 * as when a checkpoint's weights are loaded next). A config the model package rejects throws its typed error.
 */
export function buildModel(spec: ModelSpec, generator?: Generator): CharModel {
  if (spec.kind === 'transformer') return new TransformerLM(spec.config as unknown as TransformerLMConfigInput, { generator });
  if (spec.config.cell !== spec.kind) {
    throw new InvalidArgumentError(`model config: a '${spec.kind}' model must have cell '${spec.kind}'; received ${JSON.stringify(spec.config.cell)}`);
  }
  return new RecurrentLM(spec.config as unknown as RecurrentLMConfig, { generator });
}

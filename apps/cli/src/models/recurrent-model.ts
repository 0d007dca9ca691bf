// RNN, LSTM and GRU language models: @seqlab/recurrent's RecurrentLM behind the CLI's LanguageModel interface.
import { RecurrentLM, type RecurrentLMConfig } from '@seqlab/recurrent';
import type { Generator } from '@seqlab/tensor-core';
import { collectTokens } from './collect-tokens.js';
import type { LanguageModel, ModelSpec } from './language-model.js';
import type { ModelSize } from './model-size.js';

/** The recurrent kinds, which are also RecurrentLM's cell names. */
export type RecurrentKind = 'rnn' | 'lstm' | 'gru';

/** The RecurrentLM config of a new model: embeddings as wide as the hidden state, no dropout. */
export function recurrentSpec(kind: RecurrentKind, size: ModelSize): ModelSpec {
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

/** Builds the RecurrentLM `spec` describes; weights from `generator` (loaded from a checkpoint afterwards otherwise). */
export function recurrentModel(spec: ModelSpec, generator?: Generator): LanguageModel {
  const lm = new RecurrentLM(spec.config as unknown as RecurrentLMConfig, { generator });
  return {
    spec: { kind: spec.kind, config: { ...lm.config } },
    module: lm,
    loss: (inputs, targets) => lm.loss(inputs, targets).loss,
    generate: async (prompt, options, onToken) =>
      collectTokens(
        // RecurrentLM takes no topK for "all tokens"; the CLI's 0 means that.
        lm.stream(prompt, { length: options.length, temperature: options.temperature, topK: options.topK > 0 ? options.topK : undefined, topP: options.topP, seed: options.seed }),
        onToken,
      ),
  };
}

// The causal Transformer language model: @seqlab/attention's TransformerLM behind the CLI's LanguageModel interface.
import { TransformerLM, type TransformerLMConfigInput } from '@seqlab/attention';
import type { Generator } from '@seqlab/tensor-core';
import { collectTokens } from './collect-tokens.js';
import type { LanguageModel, ModelSpec } from './language-model.js';
import type { ModelSize } from './model-size.js';

/**
 * The TransformerLM config of a new model: `hiddenSize` is the width d_model, the context is the training window,
 * the MLP is 4·d_model wide, no dropout, and the head shares the token embedding (as nanoGPT).
 */
export function transformerSpec(size: ModelSize): ModelSpec {
  const config: TransformerLMConfigInput = {
    vocabSize: size.vocabSize,
    contextLength: size.contextLength,
    numLayers: size.numLayers,
    numHeads: size.numHeads,
    dModel: size.hiddenSize,
    dropout: 0,
  };
  return { kind: 'transformer', config: { ...config } };
}

/** Builds the TransformerLM `spec` describes; weights from `generator` (loaded from a checkpoint afterwards otherwise). */
export function transformerModel(spec: ModelSpec, generator?: Generator): LanguageModel {
  const lm = new TransformerLM(spec.config as unknown as TransformerLMConfigInput, { generator });
  return {
    spec: { kind: 'transformer', config: { ...lm.config } },
    module: lm,
    loss: (inputs, targets) => lm.loss(inputs, targets),
    generate: async (prompt, options, onToken) =>
      collectTokens(
        lm.stream(prompt, { length: options.length, temperature: options.temperature, topK: options.topK, topP: options.topP, seed: options.seed }),
        onToken,
      ),
  };
}

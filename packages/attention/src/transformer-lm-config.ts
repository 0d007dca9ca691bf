// The causal language model's plain-data config, its defaults and nanoGPT-like presets.
import { checkPositiveInt, InvalidArgumentError } from '@seqlab/tensor-core';

/** Everything needed to rebuild a {@link TransformerLM}; plain data, so a checkpoint can store it as JSON. */
export interface TransformerLMConfig {
  /** Number of token ids. */
  readonly vocabSize: number;
  /** Longest sequence the model reads (nanoGPT's `block_size`); also the size of the position table. */
  readonly contextLength: number;
  /** Transformer blocks. */
  readonly numLayers: number;
  /** Attention heads per block. */
  readonly numHeads: number;
  /** Model width (nanoGPT's `n_embd`). */
  readonly dModel: number;
  /** Hidden width of the MLP. */
  readonly dFF: number;
  /** Dropout on embeddings, attention weights and residual branches, in training mode. */
  readonly dropout: number;
  /** Biases in the linear layers and LayerNorms. */
  readonly bias: boolean;
  /** LayerNorm epsilon. */
  readonly layerNormEps: number;
  /** The output head shares the token embedding matrix (weight tying, as GPT-2). */
  readonly tieWeights: boolean;
}

/** A config with only some fields given; {@link resolveLMConfig} fills in the rest. */
export type TransformerLMConfigInput = Partial<TransformerLMConfig> & Pick<TransformerLMConfig, 'vocabSize'>;

/** Name of a preset in {@link TRANSFORMER_LM_PRESETS}. */
export type TransformerLMPreset = 'gpt2' | 'gpt2-medium' | 'gpt2-large' | 'gpt2-xl' | 'shakespeare-char' | 'shakespeare-char-cpu' | 'tiny';

/**
 * Sizes after nanoGPT's configurations (vocabulary included where it is part of the model's identity):
 * `gpt2` (124M), `gpt2-medium` (350M), `gpt2-large` (774M) and `gpt2-xl` (1558M) with GPT-2's 50257 tokens and
 * 1024 positions; `shakespeare-char` (nanoGPT's `train_shakespeare_char.py`: 6 layers, 6 heads, 384 wide,
 * context 256, dropout 0.2, 65 characters); `shakespeare-char-cpu` (the README's laptop run: 4 layers, 4 heads,
 * 128 wide, context 64, no dropout); and `tiny` (2 layers, 2 heads, 64 wide, context 64) for tests and demos.
 *
 * @example
 * ```ts
 * const config = resolveLMConfig(TRANSFORMER_LM_PRESETS['shakespeare-char']);
 * console.assert(config.numLayers === 6 && config.dModel === 384 && config.dFF === 1536);
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 }); // a preset with some fields replaced
 * ```
 */
export const TRANSFORMER_LM_PRESETS: Readonly<Record<TransformerLMPreset, TransformerLMConfigInput>> = {
  gpt2: { vocabSize: 50257, contextLength: 1024, numLayers: 12, numHeads: 12, dModel: 768, dropout: 0 },
  'gpt2-medium': { vocabSize: 50257, contextLength: 1024, numLayers: 24, numHeads: 16, dModel: 1024, dropout: 0 },
  'gpt2-large': { vocabSize: 50257, contextLength: 1024, numLayers: 36, numHeads: 20, dModel: 1280, dropout: 0 },
  'gpt2-xl': { vocabSize: 50257, contextLength: 1024, numLayers: 48, numHeads: 25, dModel: 1600, dropout: 0 },
  'shakespeare-char': { vocabSize: 65, contextLength: 256, numLayers: 6, numHeads: 6, dModel: 384, dropout: 0.2 },
  'shakespeare-char-cpu': { vocabSize: 65, contextLength: 64, numLayers: 4, numHeads: 4, dModel: 128, dropout: 0 },
  tiny: { vocabSize: 65, contextLength: 64, numLayers: 2, numHeads: 2, dModel: 64, dropout: 0 },
};

/**
 * Fills in defaults (context 256, 4 layers, 4 heads, width 128, `dFF = 4·dModel`, dropout 0, bias, eps 1e-5,
 * tied weights) and validates the result; throws INVALID_ARGUMENT naming the bad field.
 *
 * @example
 * ```ts
 * const config = resolveLMConfig({ vocabSize: 65, dModel: 64 });
 * console.assert(config.contextLength === 256 && config.numHeads === 4 && config.dFF === 256 && config.tieWeights);
 * try {
 *   resolveLMConfig({ vocabSize: 65, dModel: 30, numHeads: 4 }); // 30 is not divisible by 4
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function resolveLMConfig(input: TransformerLMConfigInput): TransformerLMConfig {
  if (typeof input !== 'object' || input === null)
    throw new InvalidArgumentError(`TransformerLM: argument 'config' must be an object; received ${String(input)}`);
  const dModel = input.dModel ?? 128;
  const config: TransformerLMConfig = {
    vocabSize: input.vocabSize,
    contextLength: input.contextLength ?? 256,
    numLayers: input.numLayers ?? 4,
    numHeads: input.numHeads ?? 4,
    dModel,
    dFF: input.dFF ?? 4 * dModel,
    dropout: input.dropout ?? 0,
    bias: input.bias ?? true,
    layerNormEps: input.layerNormEps ?? 1e-5,
    tieWeights: input.tieWeights ?? true,
  };
  for (const key of ['vocabSize', 'contextLength', 'numLayers', 'numHeads', 'dModel', 'dFF'] as const) {
    checkPositiveInt('TransformerLM', key, config[key], 'config');
  }
  if (config.dModel % config.numHeads !== 0) {
    throw new InvalidArgumentError(`TransformerLM: config 'dModel' (${config.dModel}) must be divisible by 'numHeads' (${config.numHeads})`);
  }
  if (typeof config.dropout !== 'number' || !(config.dropout >= 0 && config.dropout < 1)) {
    throw new InvalidArgumentError(`TransformerLM: config 'dropout' must be in [0, 1); received ${String(config.dropout)}`);
  }
  if (typeof config.bias !== 'boolean' || typeof config.tieWeights !== 'boolean') {
    throw new InvalidArgumentError(
      `TransformerLM: config 'bias' and 'tieWeights' must be booleans; received ${String(config.bias)}, ${String(config.tieWeights)}`,
    );
  }
  if (typeof config.layerNormEps !== 'number' || !(config.layerNormEps >= 0)) {
    throw new InvalidArgumentError(`TransformerLM: config 'layerNormEps' must be a non-negative number; received ${String(config.layerNormEps)}`);
  }
  const known = new Set(Object.keys(config));
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new InvalidArgumentError(`TransformerLM: unknown config field(s) ${unknown.map((k) => `'${k}'`).join(', ')}`);
  return config;
}

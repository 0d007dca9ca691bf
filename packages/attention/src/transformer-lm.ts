// TransformerLM: a GPT-style causal language model (nanoGPT's structure and names) with KV-cached streaming generation.
import {
  defaultGenerator,
  DTypeMismatchError,
  formatShape,
  type Generator,
  InvalidArgumentError,
  reshape,
  ShapeMismatchError,
  tensor,
  Tensor,
} from '@seqlab/tensor-core';
import { crossEntropy, inferenceScope, init, noGrad, parameter } from '@seqlab/autograd';
import { GPTBody } from './gpt-body.js';
import { KeyValueCache } from './kv-cache.js';
import { fusedTransformerDecoding } from './transformer-decoding.js';
import { LMHead } from './lm-head.js';
import { LanguageModelBase, type DecodingSession, type GenerateOptions } from './language-model.js';
import {
  resolveLMConfig,
  TRANSFORMER_LM_PRESETS,
  type TransformerLMConfig,
  type TransformerLMConfigInput,
  type TransformerLMPreset,
} from './transformer-lm-config.js';

/** Options of the {@link TransformerLM} constructor. */
export interface TransformerLMOptions {
  /** Source of the initial values and dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
}

/** Options of {@link TransformerLM.forward}. */
export interface TransformerLMForwardOptions {
  /**
   * Keys and values of earlier positions: the input continues the cached sequence (its first token is at position
   * `cache.length`), and its own keys and values are appended.
   */
  cache?: KeyValueCache;
}

/**
 * What {@link TransformerLM.forwardWithWeights} returns: the logits and every layer's attention weights.
 *
 * @example
 * ```ts
 * const { logits, attentionWeights } = lm.forwardWithWeights(tensor([[1, 2, 3]], undefined, 'int32'));
 * attentionWeights[0].shape; // [1, numHeads, 3, 3]: layer 0, one softmax row per query position
 * ```
 */
export interface TransformerLMOutputWithWeights {
  /** Next-token logits `[B, T, vocabSize]`, the same as {@link TransformerLM.forward} gives. */
  readonly logits: Tensor;
  /**
   * One tensor per layer, first layer first: `[B, numHeads, T, cached + T]`, the weights after the causal mask and
   * the softmax (zero above the diagonal), per head (PyTorch's `need_weights=True, average_attn_weights=False`).
   */
  readonly attentionWeights: Tensor[];
}

/**
 * Options of {@link TransformerLM.generate} and {@link TransformerLM.stream}: the shared {@link GenerateOptions} and the cache switch.
 *
 * @example
 * ```ts
 * lm.generate([1, 2, 3], { length: 20, temperature: 0, useCache: false }); // greedy, recomputing the window each step
 * ```
 */
export interface TransformerGenerateOptions extends GenerateOptions {
  /** Reuse cached keys and values so each token costs one step (default true); false recomputes the whole window. */
  useCache?: boolean;
}

/**
 * A decoder-only (GPT) Transformer language model with nanoGPT's structure: token and learned position
 * embeddings, `numLayers` pre-norm blocks of causal self-attention and a GELU MLP, a final LayerNorm and a linear
 * head (tied to the token embedding by default). Parameter names are the `state_dict` of nanoGPT's `GPT` module
 * (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`, ..., `lm_head.weight`; see the README), and the
 * initialisation is nanoGPT's: N(0, 0.02) weights, zero biases, N(0, 0.02/√(2·numLayers)) residual projections.
 *
 * `config` is plain data, so a checkpoint can store it and rebuild the model. Sequences longer than
 * `contextLength` are rejected with a typed error; generation slides the window instead. It implements the shared
 * {@link LanguageModel} contract (`loss`, `generate`, `stream`, `evaluate`) like `RecurrentLM`.
 *
 * @example
 * ```ts
 * const lm = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(0) });
 * const logits = lm.forward(tensor([[1, 2, 3]], undefined, 'int32')); // [1, 3, 20]
 * const tokens = lm.generate([1, 2, 3], { length: 10, temperature: 0.8, topK: 5, seed: 1 });
 * for await (const token of lm.stream([1, 2, 3], { length: 10, seed: 1 })) console.log(token);
 * ```
 */
export class TransformerLM extends LanguageModelBase<TransformerGenerateOptions> {
  /** The model's sizes, with every default filled in. */
  readonly config: TransformerLMConfig;
  /** Embeddings, blocks and final norm (nanoGPT's `transformer`). */
  readonly transformer: GPTBody;
  /** The output head (nanoGPT's `lm_head`, no bias). */
  readonly lm_head: LMHead;

  constructor(config: TransformerLMConfigInput, options: TransformerLMOptions = {}) {
    super();
    this.config = resolveLMConfig(config);
    const c = this.config;
    const generator = options.generator ?? defaultGenerator();
    this.transformer = new GPTBody(c, generator);
    const headWeight = c.tieWeights ? this.transformer.wte.weight : parameter(init.normal([c.vocabSize, c.dModel], 0, 0.02, { generator }));
    this.lm_head = new LMHead(headWeight);
    // nanoGPT's _init_weights, then the scaled residual projections of GPT-2.
    for (const [name, p] of this.namedParameters()) {
      if (name.endsWith('.bias')) p.assign(init.zerosInit([...p.shape]));
      else if (name.endsWith('c_proj.weight')) p.assign(init.normal([...p.shape], 0, 0.02 / Math.sqrt(2 * c.numLayers), { generator }));
      else if (!name.includes('.ln_')) p.assign(init.normal([...p.shape], 0, 0.02, { generator }));
    }
  }

  /** A model sized by a nanoGPT-like preset (see {@link TRANSFORMER_LM_PRESETS}), with `overrides` applied. */
  static fromPreset(name: TransformerLMPreset, overrides: Partial<TransformerLMConfig> = {}, options: TransformerLMOptions = {}): TransformerLM {
    const preset = TRANSFORMER_LM_PRESETS[name];
    if (preset === undefined) {
      throw new InvalidArgumentError(
        `TransformerLM.fromPreset: unknown preset '${String(name)}'; expected one of ${Object.keys(TRANSFORMER_LM_PRESETS).join(', ')}`,
      );
    }
    return new TransformerLM({ ...preset, ...overrides }, options);
  }

  private checkIds(op: string, ids: unknown): Tensor {
    if (!(ids instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'ids' must be an int32 Tensor [batch, length]; received ${typeof ids}`);
    if (ids.dtype !== 'int32') throw new DTypeMismatchError(`${op}: argument 'ids' must be int32 token ids; received ${ids.dtype}`);
    if (ids.rank !== 2 || ids.shape[1] === 0)
      throw new ShapeMismatchError(`${op}: argument 'ids' must have shape [batch, length] with length ≥ 1; received ${formatShape(ids.shape)}`);
    return ids;
  }

  /**
   * Next-token logits `[B, T, vocabSize]` for int32 token ids `[B, T]`. With `cache`, the ids continue the cached
   * sequence. Throws INVALID_ARGUMENT when the sequence (with the cached positions) exceeds `contextLength`.
   */
  forward(ids: Tensor, options: TransformerLMForwardOptions = {}): Tensor {
    return this.run('TransformerLM.forward', ids, options);
  }

  /**
   * {@link forward}, also returning each layer's attention weights `[B, numHeads, T, cached + T]` (for attention
   * views and probes). The logits are the same as `forward`'s; in training mode with dropout, the weights are the
   * dropped-out ones the values were averaged with.
   */
  forwardWithWeights(ids: Tensor, options: TransformerLMForwardOptions = {}): TransformerLMOutputWithWeights {
    const attentionWeights: Tensor[] = [];
    const logits = this.run('TransformerLM.forwardWithWeights', ids, options, attentionWeights);
    return { logits, attentionWeights };
  }

  private run(op: string, ids: Tensor, options: TransformerLMForwardOptions, weightsOut?: Tensor[]): Tensor {
    this.checkIds(op, ids);
    const cache = options.cache;
    if (cache !== undefined && (!(cache instanceof KeyValueCache) || cache.layers.length !== this.config.numLayers)) {
      throw new InvalidArgumentError(`${op}: option 'cache' must be a KeyValueCache of ${this.config.numLayers} layers (use model.createCache())`);
    }
    const offset = cache?.length ?? 0;
    const T = ids.shape[1];
    if (offset + T > this.config.contextLength) {
      throw new InvalidArgumentError(
        `${op}: a sequence of ${offset + T} tokens${offset > 0 ? ` (${offset} cached + ${T} new)` : ''} is longer than the model's context of ${this.config.contextLength}`,
      );
    }
    if (cache !== undefined && offset > 0 && cache.batch !== ids.shape[0]) {
      throw new ShapeMismatchError(`${op}: the cache holds a batch of ${String(cache.batch)} but 'ids' has ${ids.shape[0]} rows`);
    }
    const logits = (): Tensor => this.lm_head.forward(this.transformer.forward(ids, offset, cache, weightsOut));
    // Without gradients, cache or weights to hand out, the intermediates are temporaries, kept in backend memory and
    // disposed at the end (a cache or the weights keep tensors made here).
    return cache === undefined && weightsOut === undefined ? inferenceScope(ids.backend, logits) : logits();
  }

  /** An empty key/value cache for this model. */
  createCache(): KeyValueCache {
    return new KeyValueCache(this.config.numLayers);
  }

  /** Mean cross-entropy (nats) of predicting `targets` `[B, T]` from `ids` `[B, T]`; entries equal to `ignoreIndex` (-100) are skipped. */
  loss(ids: Tensor, targets: Tensor, options: { ignoreIndex?: number } = {}): Tensor {
    const logits = this.forward(ids);
    const [B, T, V] = logits.shape;
    if (!(targets instanceof Tensor) || targets.rank !== 2 || targets.shape[0] !== B || targets.shape[1] !== T) {
      throw new ShapeMismatchError(
        `TransformerLM.loss: argument 'targets' must have shape ${formatShape([B, T])}; received ${targets instanceof Tensor ? formatShape(targets.shape) : typeof targets}`,
      );
    }
    return crossEntropy(reshape(logits, [B * T, V]), reshape(targets, [B * T]), { ignoreIndex: options.ignoreIndex ?? -100 });
  }

  /** The context length: {@link evaluate} windows are at most this long, and by default this long. */
  protected override get contextLength(): number {
    return this.config.contextLength;
  }

  /** Logits of the last position after feeding `ids` (continuing `cache` when given), as a plain array. */
  private lastLogits(ids: readonly number[], cache: KeyValueCache | undefined): Float32Array | Float64Array {
    const logits = noGrad(() => this.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32'), { cache }));
    const V = this.config.vocabSize;
    const flat = logits.dataSync() as Float32Array | Float64Array;
    return flat.subarray((ids.length - 1) * V, ids.length * V);
  }

  /**
   * Generation after `prompt` (see {@link generate} and {@link stream} for the sampling). With the cache (default)
   * the prompt is processed once and each further token costs one step; once the context is full the window slides
   * by one token and is re-encoded from the last `contextLength` tokens, as nanoGPT's `generate` crops its input.
   */
  protected startDecoding(prompt: Int32Array, options: TransformerGenerateOptions): DecodingSession {
    // With the cache, on the kernels without tensors where the backend allows; the same logits either way.
    const fused = (options.useCache ?? true) ? fusedTransformerDecoding(this, prompt) : null;
    if (fused !== null) return fused;
    const ctx = this.config.contextLength;
    const tokens = Array.from(prompt);
    let cache = (options.useCache ?? true) ? this.createCache() : undefined;
    return {
      logits: this.lastLogits(tokens.slice(-ctx), cache),
      next: (token) => {
        tokens.push(token);
        if (cache === undefined) return this.lastLogits(tokens.slice(-ctx), undefined);
        if (cache.length >= ctx) {
          cache = this.createCache();
          return this.lastLogits(tokens.slice(-ctx), cache);
        }
        return this.lastLogits([token], cache);
      },
    };
  }
}

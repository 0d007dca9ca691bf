// nanoGPT's CausalSelfAttention: one packed q/k/v projection, causal multi-head attention, an output projection, and a KV cache.
import { InvalidArgumentError, type Generator, type Tensor } from '@seqlab/tensor-core';
import { Dropout, Linear, Module } from '@seqlab/autograd';
import { attend } from './attention-core.js';
import type { HeadView } from './attention-spec.js';
import { headView } from './head-views.js';
import type { KeyValueCache } from './kv-cache.js';
import { NO_MASK } from './masks.js';

/** Sizes and options of {@link CausalSelfAttention}. */
export interface CausalSelfAttentionOptions {
  /** Dropout on the attention weights and on the output, in training mode. */
  dropout: number;
  /** Biases in both projections. */
  bias: boolean;
  /** Source of the initial values and dropout masks. */
  generator?: Generator;
}

/**
 * Causal multi-head self-attention as nanoGPT writes it: `c_attn` (`[3E, E]`, rows W_q; W_k; W_v, the same layout
 * as `in_proj_weight`) projects `[B, T, E]` inputs, each position attends to itself and the positions before it,
 * and `c_proj` (`[E, E]`) mixes the heads, followed by dropout. Given a {@link KeyValueCache}, the new positions
 * also attend to every cached one and their keys and values are appended to the cache.
 *
 * @example
 * ```ts
 * const attn = new CausalSelfAttention(16, 4, { dropout: 0, bias: true, generator: new Generator(0) });
 * attn.forward(randn([2, 5, 16])).shape; // [2, 5, 16]
 * // Incrementally: the prompt, then one new position that attends to all four.
 * const cache = new KeyValueCache(1);
 * attn.forward(randn([1, 3, 16]), cache);
 * const y = attn.forward(randn([1, 1, 16]), cache);
 * console.assert(y.shape[1] === 1 && cache.length === 4);
 * ```
 */
export class CausalSelfAttention extends Module {
  /** Heads. */
  readonly numHeads: number;
  /** Model width E. */
  readonly dModel: number;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** `E → 3E`. */
  readonly c_attn: Linear;
  /** `E → E`. */
  readonly c_proj: Linear;
  /** Dropout after `c_proj`. */
  readonly resid_dropout: Dropout;
  private readonly generator: Generator | undefined;

  constructor(dModel: number, numHeads: number, options: CausalSelfAttentionOptions) {
    super();
    if (dModel % numHeads !== 0) throw new InvalidArgumentError(`CausalSelfAttention: 'dModel' (${dModel}) must be divisible by 'numHeads' (${numHeads})`);
    this.numHeads = numHeads;
    this.dModel = dModel;
    this.dropout = options.dropout;
    this.generator = options.generator;
    this.c_attn = new Linear(dModel, 3 * dModel, { bias: options.bias, generator: options.generator });
    this.c_proj = new Linear(dModel, dModel, { bias: options.bias, generator: options.generator });
    this.resid_dropout = new Dropout(options.dropout, { generator: options.generator });
  }

  /**
   * `x` is `[B, T, E]`; with `cache`, `layer` names this layer's entry in it. When `weightsOut` is given, this call's
   * attention weights `[B, numHeads, T, cached + T]` (per head, after the causal mask and softmax, as PyTorch's
   * `need_weights=True, average_attn_weights=False`) are appended to it.
   */
  forward(x: Tensor, cache?: KeyValueCache, layer = 0, weightsOut?: Tensor[]): Tensor {
    const [B, T] = x.shape;
    const E = this.dModel,
      H = this.numHeads,
      D = E / H;
    const qkv = this.c_attn.forward(x);
    // Without a cache q, k and v are column blocks of the one projection; with one, k and v come from the cache.
    const inputs =
      cache === undefined
        ? { sources: [qkv], views: [0, E, 2 * E].map((column) => headView(qkv, { source: 0, column }, D, true)) as [HeadView, HeadView, HeadView], cached: 0 }
        : cache.appendProjections(layer, qkv, D);
    const cached = inputs.cached;
    const S = cached + T;
    const { output, weights } = attend({
      op: 'CausalSelfAttention.forward',
      batch: B,
      heads: H,
      queryLength: T,
      keyLength: S,
      headDim: D,
      valueDim: D,
      sources: inputs.sources,
      views: inputs.views,
      mask: NO_MASK,
      causalOffset: cached,
      scale: 1 / Math.sqrt(D),
      dropout: this.training ? this.dropout : 0,
      generator: this.generator,
      returnWeights: weightsOut !== undefined,
      outputLayout: 'batchFirst',
    });
    if (weightsOut !== undefined && weights !== null) weightsOut.push(weights);
    return this.resid_dropout.forward(this.c_proj.forward(output));
  }
}

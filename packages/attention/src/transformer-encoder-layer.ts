// TransformerEncoderLayer: self-attention and feed-forward blocks with residuals, post-norm or pre-norm, as PyTorch's.
import { add, type Tensor } from '@seqlab/tensor-core';
import { Dropout, inferenceScope, LayerNorm, Linear, Module } from '@seqlab/autograd';
import { MultiHeadAttention } from './multi-head-attention.js';
import { feedForward } from './feed-forward.js';
import { resolveLayerOptions, type ResolvedLayerOptions, type TransformerLayerOptions } from './transformer-options.js';

/** Options of {@link TransformerEncoderLayer.forward}. */
export interface EncoderLayerCallOptions {
  /** `[L, L]` (or `[B·nhead, L, L]`) bool (`true` = masked) or additive float mask, e.g. `generateSquareSubsequentMask(L)`. */
  srcMask?: Tensor | null;
  /** `[B, L]` bool, `true` = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Mask future positions (with or without `srcMask`). Default false. */
  isCausal?: boolean;
}

/**
 * One Transformer encoder layer, as `torch.nn.TransformerEncoderLayer`. Post-norm (default):
 * `x = norm1(x + SA(x)); y = norm2(x + FF(x))`; pre-norm (`normFirst`): `x = x + SA(norm1(x)); y = x + FF(norm2(x))`,
 * with `FF(x) = linear2(dropout(act(linear1(x))))` and dropout after each block. State dict names are PyTorch's:
 * `self_attn.in_proj_weight`, `self_attn.in_proj_bias`, `self_attn.out_proj.*`, `linear1.*`, `linear2.*`,
 * `norm1.*`, `norm2.*`.
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 64, batchFirst: true, normFirst: true });
 * layer.forward(randn([2, 10, 16]), { isCausal: true }).shape; // [2, 10, 16]
 * ```
 */
export class TransformerEncoderLayer extends Module {
  /** Model width. */
  readonly dModel: number;
  /** Number of attention heads. */
  readonly nhead: number;
  /** Every option, defaults filled in (used to clone the layer). */
  readonly options: ResolvedLayerOptions;
  /** Self-attention. */
  readonly self_attn: MultiHeadAttention;
  /** `dModel → dimFeedforward`. */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** `dimFeedforward → dModel`. */
  readonly linear2: Linear;
  /** Norm around the attention block. */
  readonly norm1: LayerNorm;
  /** Norm around the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout after attention. */
  readonly dropout1: Dropout;
  /** Dropout after the feed-forward block. */
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const o = resolveLayerOptions('TransformerEncoderLayer', dModel, nhead, options);
    this.dModel = dModel;
    this.nhead = nhead;
    this.options = o;
    const p = { generator: o.generator, dtype: o.dtype, backend: o.backend };
    this.self_attn = new MultiHeadAttention(dModel, nhead, { ...p, dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { ...p, bias: o.bias });
    this.dropout = new Dropout(o.dropout, { generator: o.generator });
    this.linear2 = new Linear(o.dimFeedforward, dModel, { ...p, bias: o.bias });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype, backend: o.backend });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype, backend: o.backend });
    this.dropout1 = new Dropout(o.dropout, { generator: o.generator });
    this.dropout2 = new Dropout(o.dropout, { generator: o.generator });
  }

  /** A new layer with the same options and a copy of this one's weights (PyTorch's deepcopy in `_get_clones`). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  private selfAttention(x: Tensor, options: EncoderLayerCallOptions): Tensor {
    const { output } = this.self_attn.forward(x, x, x, {
      attnMask: options.srcMask,
      keyPaddingMask: options.srcKeyPaddingMask,
      isCausal: options.isCausal,
      needWeights: false,
    });
    return this.dropout1.forward(output);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2.forward(feedForward(this.options.activation, this, x));
  }

  /** Encodes `src` (`[L, B, dModel]`, `[B, L, dModel]` with `batchFirst`, or `[L, dModel]`); same shape out. */
  forward(src: Tensor, options: EncoderLayerCallOptions = {}): Tensor {
    // Without gradients the intermediates are temporaries, kept in backend memory and disposed at the end.
    return inferenceScope(src.backend, () => {
      let x = src;
      if (this.options.normFirst) {
        x = add(x, this.selfAttention(this.norm1.forward(x), options));
        return add(x, this.feedForward(this.norm2.forward(x)));
      }
      // norm(x + sublayer(x)): the residual sum is fused into the norm.
      x = this.norm1.forward(x, this.selfAttention(x, options));
      return this.norm2.forward(x, this.feedForward(x));
    });
  }
}

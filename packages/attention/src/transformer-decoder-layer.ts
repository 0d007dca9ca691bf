// TransformerDecoderLayer: masked self-attention, cross-attention over the memory and feed-forward, as PyTorch's.
import { add, type Tensor } from '@seqlab/tensor-core';
import { Dropout, inferenceScope, LayerNorm, Linear, Module } from '@seqlab/autograd';
import { MultiHeadAttention } from './multi-head-attention.js';
import { feedForward } from './feed-forward.js';
import { resolveLayerOptions, type ResolvedLayerOptions, type TransformerLayerOptions } from './transformer-options.js';

/** Options of {@link TransformerDecoderLayer.forward}. */
export interface DecoderLayerCallOptions {
  /** `[T, T]` (or `[B·nhead, T, T]`) mask of the self-attention, e.g. `generateSquareSubsequentMask(T)`. */
  tgtMask?: Tensor | null;
  /** `[T, S]` (or `[B·nhead, T, S]`) mask of the cross-attention. */
  memoryMask?: Tensor | null;
  /** `[B, T]` bool, `true` = padding in the target. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[B, S]` bool, `true` = padding in the memory (source). */
  memoryKeyPaddingMask?: Tensor | null;
  /** Mask future target positions in the self-attention. Default false. */
  tgtIsCausal?: boolean;
  /** Causal mask on the cross-attention (rarely wanted). Default false. */
  memoryIsCausal?: boolean;
}

/**
 * One Transformer decoder layer, as `torch.nn.TransformerDecoderLayer`. Post-norm (default):
 * `x = norm1(x + SA(x)); x = norm2(x + MHA(x, memory)); y = norm3(x + FF(x))`; pre-norm (`normFirst`):
 * `x = x + SA(norm1(x)); x = x + MHA(norm2(x), memory); y = x + FF(norm3(x))`. State dict names are PyTorch's:
 * `self_attn.*`, `multihead_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*`.
 *
 * @example
 * ```ts
 * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 64, batchFirst: true });
 * layer.forward(randn([2, 7, 16]), randn([2, 9, 16]), { tgtIsCausal: true }).shape; // [2, 7, 16]
 * ```
 */
export class TransformerDecoderLayer extends Module {
  /** Model width. */
  readonly dModel: number;
  /** Number of attention heads. */
  readonly nhead: number;
  /** Every option, defaults filled in (used to clone the layer). */
  readonly options: ResolvedLayerOptions;
  /** Masked self-attention over the target. */
  readonly self_attn: MultiHeadAttention;
  /** Cross-attention from the target to the memory. */
  readonly multihead_attn: MultiHeadAttention;
  /** `dModel → dimFeedforward`. */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** `dimFeedforward → dModel`. */
  readonly linear2: Linear;
  /** Norm around the self-attention block. */
  readonly norm1: LayerNorm;
  /** Norm around the cross-attention block. */
  readonly norm2: LayerNorm;
  /** Norm around the feed-forward block. */
  readonly norm3: LayerNorm;
  /** Dropout after self-attention. */
  readonly dropout1: Dropout;
  /** Dropout after cross-attention. */
  readonly dropout2: Dropout;
  /** Dropout after the feed-forward block. */
  readonly dropout3: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const o = resolveLayerOptions('TransformerDecoderLayer', dModel, nhead, options);
    this.dModel = dModel;
    this.nhead = nhead;
    this.options = o;
    const p = { generator: o.generator, dtype: o.dtype, backend: o.backend };
    const attention = { ...p, dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst };
    this.self_attn = new MultiHeadAttention(dModel, nhead, attention);
    this.multihead_attn = new MultiHeadAttention(dModel, nhead, attention);
    this.linear1 = new Linear(dModel, o.dimFeedforward, { ...p, bias: o.bias });
    this.dropout = new Dropout(o.dropout, { generator: o.generator });
    this.linear2 = new Linear(o.dimFeedforward, dModel, { ...p, bias: o.bias });
    const norm = { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype, backend: o.backend };
    this.norm1 = new LayerNorm(dModel, norm);
    this.norm2 = new LayerNorm(dModel, norm);
    this.norm3 = new LayerNorm(dModel, norm);
    this.dropout1 = new Dropout(o.dropout, { generator: o.generator });
    this.dropout2 = new Dropout(o.dropout, { generator: o.generator });
    this.dropout3 = new Dropout(o.dropout, { generator: o.generator });
  }

  /** A new layer with the same options and a copy of this one's weights. */
  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  private selfAttention(x: Tensor, o: DecoderLayerCallOptions): Tensor {
    const { output } = this.self_attn.forward(x, x, x, {
      attnMask: o.tgtMask,
      keyPaddingMask: o.tgtKeyPaddingMask,
      isCausal: o.tgtIsCausal,
      needWeights: false,
    });
    return this.dropout1.forward(output);
  }

  private crossAttention(x: Tensor, memory: Tensor, o: DecoderLayerCallOptions): Tensor {
    const { output } = this.multihead_attn.forward(x, memory, memory, {
      attnMask: o.memoryMask,
      keyPaddingMask: o.memoryKeyPaddingMask,
      isCausal: o.memoryIsCausal,
      needWeights: false,
    });
    return this.dropout2.forward(output);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout3.forward(feedForward(this.options.activation, this, x));
  }

  /** Decodes `tgt` `[T, B, dModel]` against `memory` `[S, B, dModel]` (batch first with `batchFirst`); same shape as `tgt`. */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerCallOptions = {}): Tensor {
    // Without gradients the intermediates are temporaries, kept in backend memory and disposed at the end.
    return inferenceScope(tgt.backend, () => {
      let x = tgt;
      if (this.options.normFirst) {
        x = add(x, this.selfAttention(this.norm1.forward(x), options));
        x = add(x, this.crossAttention(this.norm2.forward(x), memory, options));
        return add(x, this.feedForward(this.norm3.forward(x)));
      }
      // norm(x + sublayer(x)): the residual sums are fused into the norms.
      x = this.norm1.forward(x, this.selfAttention(x, options));
      x = this.norm2.forward(x, this.crossAttention(x, memory, options));
      return this.norm3.forward(x, this.feedForward(x));
    });
  }
}

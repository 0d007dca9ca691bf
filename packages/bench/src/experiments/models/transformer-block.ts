// A pre-norm Transformer block (self-attention, optional cross-attention, feed-forward) built from
// @seqlab/attention's MultiHeadAttention and @seqlab/autograd's layers, for the experiments' matched-width models.
import { MultiHeadAttention } from '@seqlab/attention';
import { LayerNorm, Linear, Module } from '@seqlab/autograd';
import { add, gelu, type Generator, type Tensor } from '@seqlab/tensor-core';

/** Sizes of a {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** Model width d. */
  width: number;
  /** Attention heads (must divide `width`). */
  heads: number;
  /** Feed-forward hidden width. Default 4·width. */
  ffnWidth?: number;
  /** Add a cross-attention sub-layer over an encoder memory (a decoder block). Default false. */
  crossAttention?: boolean;
  /** Source of the initial weights. */
  generator?: Generator;
}

/** What a block returns besides its output when asked for the attention weights. */
export interface BlockAttention {
  /** Self-attention weights per head, `[batch, heads, length, length]`. */
  readonly selfWeights: Tensor | null;
}

/** Inputs besides `x` of {@link TransformerBlock.forward}. */
export interface TransformerBlockCallOptions {
  /** Mask future positions. Default false. */
  causal?: boolean;
  /** Encoder output `[batch, S, width]` for the cross-attention of a decoder block. */
  memory?: Tensor;
  /** `[batch, S]`, true = padding in `memory`. */
  memoryPadding?: Tensor | null;
  /** `[batch, length]`, true = padding in `x`. */
  keyPadding?: Tensor | null;
  /** Return the self-attention weights per head. Default false. */
  needWeights?: boolean;
}

/** What {@link TransformerBlock.forward} returns. */
export interface TransformerBlockOutput {
  /** `[batch, length, width]`. */
  readonly output: Tensor;
  /** The attention weights when asked for. */
  readonly attention: BlockAttention;
}

/**
 * x + SelfAttn(LN(x)) [+ CrossAttn(LN(x), memory)] + FFN(LN(x)), GELU in the feed-forward layer.
 *
 * @example
 * ```ts
 * const block = new TransformerBlock({ width: 8, heads: 2, generator: new Generator(0) });
 * const x = randn([2, 5, 8], { generator: new Generator(1) }); // [batch, length, width]
 * const { output, attention } = block.forward(x, { causal: true, needWeights: true });
 * console.assert(output.shape.join() === '2,5,8' && attention.selfWeights?.shape.join() === '2,2,5,5');
 * ```
 */
export class TransformerBlock extends Module {
  /** Layer norm before self-attention. */
  readonly norm1: LayerNorm;
  /** Self-attention (batch first). */
  readonly self_attn: MultiHeadAttention;
  /** Layer norm before cross-attention (decoder blocks only). */
  readonly norm_cross: LayerNorm | null;
  /** Attention over the encoder memory (decoder blocks only). */
  readonly cross_attn: MultiHeadAttention | null;
  /** Layer norm before the feed-forward layer. */
  readonly norm2: LayerNorm;
  /** Feed-forward expansion, width → ffnWidth. */
  readonly linear1: Linear;
  /** Feed-forward projection back to the width. */
  readonly linear2: Linear;

  constructor(options: TransformerBlockOptions) {
    super();
    const { width, heads, generator } = options;
    const ffn = options.ffnWidth ?? 4 * width;
    this.norm1 = new LayerNorm(width);
    this.self_attn = new MultiHeadAttention(width, heads, { batchFirst: true, generator });
    this.norm_cross = options.crossAttention ? new LayerNorm(width) : null;
    this.cross_attn = options.crossAttention ? new MultiHeadAttention(width, heads, { batchFirst: true, generator }) : null;
    this.norm2 = new LayerNorm(width);
    this.linear1 = new Linear(width, ffn, { generator });
    this.linear2 = new Linear(ffn, width, { generator });
  }

  /**
   * Runs the block on `x` `[batch, length, width]`; `causal` masks future positions; `memory` `[batch, S, width]`
   * feeds the cross-attention of a decoder block; `memoryPadding` `[batch, S]` (true = padding) masks it.
   */
  forward(x: Tensor, options: TransformerBlockCallOptions = {}): TransformerBlockOutput {
    const h = this.norm1.forward(x);
    const needWeights = options.needWeights ?? false;
    const self = this.self_attn.forward(h, h, h, {
      isCausal: options.causal ?? false,
      keyPaddingMask: options.keyPadding ?? null,
      needWeights,
      averageAttnWeights: false,
    });
    let y = add(x, self.output);
    if (this.cross_attn !== null && this.norm_cross !== null && options.memory !== undefined) {
      const q = this.norm_cross.forward(y);
      const cross = this.cross_attn.forward(q, options.memory, options.memory, { keyPaddingMask: options.memoryPadding ?? null, needWeights: false });
      y = add(y, cross.output);
    }
    const ff = this.linear2.forward(gelu(this.linear1.forward(this.norm2.forward(y))));
    return { output: add(y, ff), attention: { selfWeights: needWeights ? (self.weights ?? null) : null } };
  }
}

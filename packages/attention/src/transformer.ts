// Transformer: the encoder-decoder model of "Attention Is All You Need", with PyTorch's structure, names and initialisation.
import { checkPositiveInt, type Tensor } from '@seqlab/tensor-core';
import { init, LayerNorm, Module } from '@seqlab/autograd';
import { TransformerDecoder } from './transformer-decoder.js';
import { TransformerDecoderLayer } from './transformer-decoder-layer.js';
import { TransformerEncoder } from './transformer-encoder.js';
import { TransformerEncoderLayer } from './transformer-encoder-layer.js';
import type { TransformerLayerOptions } from './transformer-options.js';

/** Options of {@link Transformer}; the defaults are PyTorch's. */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width. Default 512. */
  dModel?: number;
  /** Attention heads. Default 8. */
  nhead?: number;
  /** Encoder layers. Default 6. */
  numEncoderLayers?: number;
  /** Decoder layers. Default 6. */
  numDecoderLayers?: number;
}

/** Options of {@link Transformer.forward}. */
export interface TransformerCallOptions {
  /** Encoder self-attention mask `[S, S]`. */
  srcMask?: Tensor | null;
  /** Decoder self-attention mask `[T, T]`, usually `generateSquareSubsequentMask(T)`. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask `[T, S]`. */
  memoryMask?: Tensor | null;
  /** `[B, S]` bool, `true` = source padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** `[B, T]` bool, `true` = target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[B, S]` bool, `true` = source padding seen by the cross-attention (usually `srcKeyPaddingMask`). */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal encoder self-attention. Default false. */
  srcIsCausal?: boolean;
  /** Causal decoder self-attention (instead of passing `tgtMask`). Default false. */
  tgtIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer, as `torch.nn.Transformer`: an encoder of `numEncoderLayers` layers with a final
 * LayerNorm, a decoder of `numDecoderLayers` layers with a final LayerNorm, and every matrix parameter
 * initialised Xavier-uniform. It maps embedded sequences to decoder features; embeddings, positional encodings
 * and the output projection are the caller's, as in PyTorch. State dict names: `encoder.layers.0.*`,
 * `encoder.norm.*`, `decoder.layers.0.*`, `decoder.norm.*`.
 *
 * @example
 * ```ts
 * const model = new Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, batchFirst: true });
 * const out = model.forward(randn([2, 9, 16]), randn([2, 7, 16]), { tgtMask: generateSquareSubsequentMask(7) });
 * out.shape; // [2, 7, 16]
 * ```
 */
export class Transformer extends Module {
  /** Model width. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether inputs are batch first. */
  readonly batchFirst: boolean;
  /** The encoder stack with its final norm. */
  readonly encoder: TransformerEncoder;
  /** The decoder stack with its final norm. */
  readonly decoder: TransformerDecoder;

  constructor(options: TransformerOptions = {}) {
    super();
    const dModel = options.dModel ?? 512;
    const nhead = options.nhead ?? 8;
    const layers = { encoder: options.numEncoderLayers ?? 6, decoder: options.numDecoderLayers ?? 6 };
    for (const [name, n] of [
      ['numEncoderLayers', layers.encoder],
      ['numDecoderLayers', layers.decoder],
    ] as const) {
      checkPositiveInt('Transformer', name, n, 'option');
    }
    const normOptions = { eps: options.layerNormEps ?? 1e-5, bias: options.bias ?? true, dtype: options.dtype, backend: options.backend };
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = options.batchFirst ?? false;
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, options), layers.encoder, { norm: new LayerNorm(dModel, normOptions) });
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, options), layers.decoder, { norm: new LayerNorm(dModel, normOptions) });
    // PyTorch's _reset_parameters: Xavier-uniform for every parameter with more than one dimension.
    for (const p of this.parameters()) {
      if (p.rank > 1) p.assign(init.xavierUniform([...p.shape], { generator: options.generator, dtype: p.dtype, backend: p.backendName }));
    }
  }

  /** Encodes `src` (`[S, B, dModel]`, or batch first); the result is the decoder's `memory`. */
  encode(src: Tensor, options: Pick<TransformerCallOptions, 'srcMask' | 'srcKeyPaddingMask' | 'srcIsCausal'> = {}): Tensor {
    return this.encoder.forward(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.srcIsCausal });
  }

  /** Decodes `tgt` (`[T, B, dModel]`, or batch first) against an encoded `memory`. */
  decode(tgt: Tensor, memory: Tensor, options: Omit<TransformerCallOptions, 'srcMask' | 'srcKeyPaddingMask' | 'srcIsCausal'> = {}): Tensor {
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask,
      memoryMask: options.memoryMask,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask,
      tgtIsCausal: options.tgtIsCausal,
    });
  }

  /** `decode(tgt, encode(src))`: decoder features `[T, B, dModel]` (or batch first). */
  forward(src: Tensor, tgt: Tensor, options: TransformerCallOptions = {}): Tensor {
    return this.decode(tgt, this.encode(src, options), options);
  }
}

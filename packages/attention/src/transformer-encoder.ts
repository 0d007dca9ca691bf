// TransformerEncoder: a stack of identical encoder layers (cloned, as PyTorch deep-copies them) and an optional final norm.
import { checkPositiveInt, InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { inferenceScope, LayerNorm, Module } from '@seqlab/autograd';
import { TransformerEncoderLayer, type EncoderLayerCallOptions } from './transformer-encoder-layer.js';

/** Options of {@link TransformerEncoder.forward}. */
export interface EncoderCallOptions {
  /** Self-attention mask for every layer (see {@link EncoderLayerCallOptions.srcMask}). */
  mask?: Tensor | null;
  /** `[B, L]` bool, `true` = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Mask future positions. Default false. */
  isCausal?: boolean;
}

/**
 * `numLayers` copies of `encoderLayer` applied in turn, then `norm` if given, as `torch.nn.TransformerEncoder`.
 * Each layer starts as a copy of `encoderLayer`'s weights (PyTorch deep-copies the layer). State dict names:
 * `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`, `norm.bias`.
 *
 * @example
 * ```ts
 * const encoder = new TransformerEncoder(new TransformerEncoderLayer(16, 4, { batchFirst: true }), 2, { norm: new LayerNorm(16) });
 * encoder.forward(randn([3, 10, 16])).shape; // [3, 10, 16]
 * ```
 */
export class TransformerEncoder extends Module {
  /** The layers, named `layers.0`, `layers.1`, ... */
  readonly layers: TransformerEncoderLayer[];
  /** Final norm, or null. */
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: { norm?: LayerNorm | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) {
      throw new InvalidArgumentError(`TransformerEncoder: argument 'encoderLayer' must be a TransformerEncoderLayer; received ${typeof encoderLayer}`);
    }
    checkPositiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = Array.from({ length: numLayers }, () => encoderLayer.clone());
    this.norm = options.norm ?? null;
  }

  /** Encodes `src` through every layer. */
  forward(src: Tensor, options: EncoderCallOptions = {}): Tensor {
    const layerOptions: EncoderLayerCallOptions = { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal };
    // Without gradients each layer's output stays in backend memory for the next (see inferenceScope).
    return inferenceScope(src.backend, () => {
      let x = src;
      for (const layer of this.layers) x = layer.forward(x, layerOptions);
      return this.norm === null ? x : this.norm.forward(x);
    });
  }
}

// TransformerDecoder: a stack of identical decoder layers (cloned) and an optional final norm.
import { checkPositiveInt, InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { inferenceScope, LayerNorm, Module } from '@seqlab/autograd';
import { TransformerDecoderLayer, type DecoderLayerCallOptions } from './transformer-decoder-layer.js';

/**
 * `numLayers` copies of `decoderLayer` applied in turn, then `norm` if given, as `torch.nn.TransformerDecoder`.
 * State dict names: `layers.0.self_attn.*`, `layers.0.multihead_attn.*`, ..., `norm.weight`, `norm.bias`.
 *
 * @example
 * ```ts
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(16, 4, { batchFirst: true }), 2);
 * decoder.forward(randn([3, 7, 16]), randn([3, 9, 16]), { tgtIsCausal: true }).shape; // [3, 7, 16]
 * ```
 */
export class TransformerDecoder extends Module {
  /** The layers, named `layers.0`, `layers.1`, ... */
  readonly layers: TransformerDecoderLayer[];
  /** Final norm, or null. */
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options: { norm?: LayerNorm | null } = {}) {
    super();
    if (!(decoderLayer instanceof TransformerDecoderLayer)) {
      throw new InvalidArgumentError(`TransformerDecoder: argument 'decoderLayer' must be a TransformerDecoderLayer; received ${typeof decoderLayer}`);
    }
    checkPositiveInt('TransformerDecoder', 'numLayers', numLayers);
    this.layers = Array.from({ length: numLayers }, () => decoderLayer.clone());
    this.norm = options.norm ?? null;
  }

  /** Decodes `tgt` against `memory` through every layer. */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerCallOptions = {}): Tensor {
    // Without gradients each layer's output stays in backend memory for the next (see inferenceScope).
    return inferenceScope(tgt.backend, () => {
      let x = tgt;
      for (const layer of this.layers) x = layer.forward(x, memory, options);
      return this.norm === null ? x : this.norm.forward(x);
    });
  }
}

// nanoGPT's `transformer` ModuleDict: token and position embeddings, dropout, the block stack and the final norm.
import { add, arange, type Generator, type Tensor } from '@seqlab/tensor-core';
import { Dropout, Embedding, LayerNorm, Module } from '@seqlab/autograd';
import type { KeyValueCache } from './kv-cache.js';
import { TransformerBlock } from './transformer-block.js';
import type { TransformerLMConfig } from './transformer-lm-config.js';

/**
 * The embedding and block stack, named as nanoGPT's `transformer` ModuleDict.
 *
 * @example
 * ```ts
 * const body = new GPTBody(resolveLMConfig({ vocabSize: 10, contextLength: 8, numLayers: 1, numHeads: 2, dModel: 16 }));
 * const h = body.forward(tensor([[1, 2, 3]], undefined, 'int32'), 0); // tokens at positions 0, 1, 2
 * console.assert(h.shape.join() === '1,3,16');
 * ```
 */
export class GPTBody extends Module {
  /** Token embedding `[vocabSize, dModel]`. */
  readonly wte: Embedding;
  /** Position embedding `[contextLength, dModel]`. */
  readonly wpe: Embedding;
  /** Dropout on the summed embeddings. */
  readonly drop: Dropout;
  /** The blocks, `h.0`, `h.1`, ... */
  readonly h: TransformerBlock[];
  /** Final norm. */
  readonly ln_f: LayerNorm;

  constructor(config: TransformerLMConfig, generator?: Generator) {
    super();
    this.wte = new Embedding(config.vocabSize, config.dModel, { generator });
    this.wpe = new Embedding(config.contextLength, config.dModel, { generator });
    this.drop = new Dropout(config.dropout, { generator });
    this.h = Array.from({ length: config.numLayers }, () => new TransformerBlock(config, generator));
    this.ln_f = new LayerNorm(config.dModel, { eps: config.layerNormEps, bias: config.bias });
  }

  /**
   * Hidden states `[B, T, dModel]` of tokens `[B, T]` starting at position `offset`; with `weightsOut`, each block's
   * attention weights `[B, numHeads, T, offset + T]` are appended to it, first block first.
   */
  forward(ids: Tensor, offset: number, cache?: KeyValueCache, weightsOut?: Tensor[]): Tensor {
    const T = ids.shape[1];
    const positions = arange(offset, offset + T, 1, { dtype: 'int32', backend: ids.backendName });
    let x = this.drop.forward(add(this.wte.forward(ids), this.wpe.forward(positions)));
    this.h.forEach((block, layer) => {
      x = block.forward(x, cache, layer, weightsOut);
    });
    return this.ln_f.forward(x);
  }
}

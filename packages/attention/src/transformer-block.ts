// A pre-norm GPT block (nanoGPT's Block and MLP): x + attn(ln_1(x)), then x + mlp(ln_2(x)).
import { add, gelu, type Generator, type Tensor } from '@seqlab/tensor-core';
import { Dropout, LayerNorm, Linear, Module } from '@seqlab/autograd';
import { CausalSelfAttention } from './causal-self-attention.js';
import type { KeyValueCache } from './kv-cache.js';
import type { TransformerLMConfig } from './transformer-lm-config.js';

/**
 * The feed-forward block: `dropout(c_proj(gelu(c_fc(x))))`.
 *
 * @example
 * ```ts
 * const mlp = new MLP(resolveLMConfig({ vocabSize: 10, dModel: 16 })); // dFF = 64
 * console.assert(mlp.c_fc.outFeatures === 64);
 * mlp.forward(randn([2, 3, 16])).shape; // [2, 3, 16]
 * ```
 */
export class MLP extends Module {
  /** `dModel → dFF`. */
  readonly c_fc: Linear;
  /** `dFF → dModel`. */
  readonly c_proj: Linear;
  /** Dropout on the output. */
  readonly dropout: Dropout;

  constructor(config: TransformerLMConfig, generator?: Generator) {
    super();
    this.c_fc = new Linear(config.dModel, config.dFF, { bias: config.bias, generator });
    this.c_proj = new Linear(config.dFF, config.dModel, { bias: config.bias, generator });
    this.dropout = new Dropout(config.dropout, { generator });
  }

  /** Applies the block to `[..., dModel]`. */
  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(gelu(this.c_fc.forward(x))));
  }
}

/**
 * One pre-norm Transformer block with causal self-attention, named as nanoGPT's `Block`: `ln_1`, `attn`, `ln_2`, `mlp`.
 *
 * @example
 * ```ts
 * const block = new TransformerBlock(resolveLMConfig({ vocabSize: 10, numHeads: 2, dModel: 16 }), new Generator(0));
 * const y = block.forward(randn([2, 5, 16])); // x + attn(ln_1(x)), then + mlp(ln_2(·))
 * console.assert(y.shape.join() === '2,5,16');
 * ```
 */
export class TransformerBlock extends Module {
  /** Norm before attention. */
  readonly ln_1: LayerNorm;
  /** Causal self-attention. */
  readonly attn: CausalSelfAttention;
  /** Norm before the MLP. */
  readonly ln_2: LayerNorm;
  /** Feed-forward block. */
  readonly mlp: MLP;

  constructor(config: TransformerLMConfig, generator?: Generator) {
    super();
    const norm = { eps: config.layerNormEps, bias: config.bias };
    this.ln_1 = new LayerNorm(config.dModel, norm);
    this.attn = new CausalSelfAttention(config.dModel, config.numHeads, { dropout: config.dropout, bias: config.bias, generator });
    this.ln_2 = new LayerNorm(config.dModel, norm);
    this.mlp = new MLP(config, generator);
  }

  /** `[B, T, dModel]` in and out; `cache`, `layer` and `weightsOut` as in {@link CausalSelfAttention.forward}. */
  forward(x: Tensor, cache?: KeyValueCache, layer = 0, weightsOut?: Tensor[]): Tensor {
    const h = add(x, this.attn.forward(this.ln_1.forward(x), cache, layer, weightsOut));
    return add(h, this.mlp.forward(this.ln_2.forward(h)));
  }
}

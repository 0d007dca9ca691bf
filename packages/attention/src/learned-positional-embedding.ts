// Learned absolute positional embeddings: one trained vector per position, added to the inputs.
import { checkPositiveInt, add, type Tensor } from '@seqlab/tensor-core';
import { Dropout, init, Module, parameter, type Parameter } from '@seqlab/autograd';
import { positionsFor, type PositionalEncodingOptions } from './positional-encoding.js';

/** Options of {@link LearnedPositionalEmbedding}. */
export interface LearnedPositionalEmbeddingOptions extends PositionalEncodingOptions {
  /** Standard deviation of the initial values. Default 1, as `nn.Embedding`. */
  initStd?: number;
}

/**
 * A learned positional embedding: `weight` `[maxLen, dModel]` (as an `nn.Embedding(maxLen, dModel)` indexed by
 * position), added to `[L, B, d]` inputs (or `[B, L, d]` with `batchFirst`, or `[L, d]`), then dropout.
 * Sequences longer than `maxLen` (with their offset) are rejected with a typed error.
 *
 * @example
 * ```ts
 * const pos = new LearnedPositionalEmbedding(16, { maxLen: 64, batchFirst: true });
 * pos.forward(randn([2, 10, 16])).shape; // [2, 10, 16]
 * ```
 */
export class LearnedPositionalEmbedding extends Module {
  /** Model width. */
  readonly dModel: number;
  /** Longest supported sequence. */
  readonly maxLen: number;
  /** Whether inputs are batch first. */
  readonly batchFirst: boolean;
  /** `[maxLen, dModel]`. */
  readonly weight: Parameter;
  /** Dropout after the addition. */
  readonly dropout: Dropout;

  constructor(dModel: number, options: LearnedPositionalEmbeddingOptions = {}) {
    super();
    for (const [name, v] of [
      ['dModel', dModel],
      ['maxLen', options.maxLen ?? 5000],
    ] as const) {
      checkPositiveInt('LearnedPositionalEmbedding', name, v);
    }
    this.dModel = dModel;
    this.maxLen = options.maxLen ?? 5000;
    this.batchFirst = options.batchFirst ?? false;
    this.weight = parameter(
      init.normal([this.maxLen, dModel], 0, options.initStd ?? 1, { generator: options.generator, dtype: options.dtype, backend: options.backend }),
    );
    this.dropout = new Dropout(options.dropout ?? 0, { generator: options.generator });
  }

  /** `x + weight[offset .. offset + L]`. */
  forward(x: Tensor, offset = 0): Tensor {
    return this.dropout.forward(add(x, positionsFor('LearnedPositionalEmbedding.forward', this.weight, x, this.batchFirst, offset)));
  }
}

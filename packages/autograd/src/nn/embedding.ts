// Embedding: a lookup table of vectors indexed by int32 ids; its gradient is a scatter-add into the used rows.
import { checkPositiveInt, embedding, type DType, type Generator, type Tensor } from '@seqlab/tensor-core';
import { normal } from '../init/initializers.js';
import { Module } from './module.js';
import { parameter, type Parameter } from './parameter.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Source of the initial values. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/**
 * Lookup table `weight[numEmbeddings, embeddingDim]`, initialised from N(0, 1) as `torch.nn.Embedding`.
 * `forward(ids)` maps int32 ids of any shape to vectors (shape `[...ids.shape, embeddingDim]`); rows used several
 * times receive the sum of their gradients.
 *
 * @example
 * ```ts
 * const emb = new Embedding(10, 4);
 * emb.forward(tensor([[1, 2], [3, 1]], undefined, 'int32')).shape; // [2, 2, 4]
 * ```
 */
export class Embedding extends Module {
  /** Vocabulary size. */
  readonly numEmbeddings: number;
  /** Vector size. */
  readonly embeddingDim: number;
  /** `[numEmbeddings, embeddingDim]`. */
  readonly weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      checkPositiveInt('Embedding', name, v);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.weight = parameter(normal([numEmbeddings, embeddingDim], 0, 1, options));
  }

  /** Vectors of `ids` (int32, values in [0, numEmbeddings)). */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}

// The language model's output head: logits = h·Wᵀ, where W may be the tied token embedding matrix.
import { matmul, type Tensor } from '@seqlab/tensor-core';
import { Module, type Parameter } from '@seqlab/autograd';

/**
 * The output projection `logits = h·Wᵀ`; with tied weights `weight` is the token embedding matrix itself.
 *
 * @example
 * ```ts
 * const head = new LMHead(parameter(randn([10, 16]))); // 10 tokens, width 16
 * const logits = head.forward(randn([2, 3, 16]));
 * console.assert(logits.shape.join() === '2,3,10');
 * ```
 */
export class LMHead extends Module {
  /** `[vocabSize, dModel]`. */
  readonly weight: Parameter;

  constructor(weight: Parameter) {
    super();
    this.weight = weight;
  }

  /** Logits `[..., vocabSize]` of hidden states `[..., dModel]`. */
  forward(h: Tensor): Tensor {
    return matmul(h, this.weight, { transB: true });
  }
}

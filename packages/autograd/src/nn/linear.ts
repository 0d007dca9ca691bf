// Linear: y = x·Wᵀ + b with PyTorch's [out, in] weight layout and default initialisation.
import { checkPositiveInt, InvalidArgumentError, type DType, type Generator, type LinearActivation, type Tensor } from '@seqlab/tensor-core';
import { kaimingUniform, uniform } from '../init/initializers.js';
import { linear } from './linear-op.js';
import { Module } from './module.js';
import { parameter, type Parameter } from './parameter.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  /** Source of the initial values. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

function checkFeatures(name: string, value: unknown): number {
  return checkPositiveInt('Linear', name, value);
}

/**
 * Fully connected layer `y = x·Wᵀ + b`, as `torch.nn.Linear`: `weight` is `[outFeatures, inFeatures]`, `bias` is
 * `[outFeatures]`, and `x` may have any number of leading dimensions. Initialised as PyTorch does: weight by
 * Kaiming-uniform with a = √5 and bias from U(−1/√inFeatures, 1/√inFeatures), both bounds being 1/√inFeatures.
 *
 * @example
 * ```ts
 * const layer = new Linear(3, 2, { generator: new Generator(0) });
 * layer.forward(ones([5, 3])).shape; // [5, 2]
 * layer.forward(ones([5, 3]), 'relu'); // relu(x·Wᵀ + b) in one fused op
 * ```
 */
export class Linear extends Module {
  /** Input size. */
  readonly inFeatures: number;
  /** Output size. */
  readonly outFeatures: number;
  /** `[outFeatures, inFeatures]`. */
  readonly weight: Parameter;
  /** `[outFeatures]`, or null without bias. */
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkFeatures('inFeatures', inFeatures);
    this.outFeatures = checkFeatures('outFeatures', outFeatures);
    const init = { generator: options.generator, dtype: options.dtype, backend: options.backend };
    this.weight = parameter(kaimingUniform([outFeatures, inFeatures], { ...init, a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias = options.bias === false ? null : parameter(uniform([outFeatures], -bound, bound, init));
  }

  /**
   * `x` is `[..., inFeatures]`; the result is `[..., outFeatures]`, passed through `activation` (`'relu'`: the ReLU
   * applied as the product is stored, on backends with the fused Linear kernel; see {@link linear}).
   */
  forward(x: Tensor, activation: LinearActivation = 'none'): Tensor {
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new InvalidArgumentError(`Linear.forward: argument 'x' must have last dimension ${this.inFeatures}; received shape [${x.shape.join(', ')}]`);
    }
    return linear(x, this.weight, this.bias, { activation });
  }
}

// LayerNorm over the trailing dimensions: the backend's fused kernels when it has them, else composed from ops (biased variance, eps inside the square root).
import { InvalidArgumentError, ones, zeros, type DType, type Tensor } from '@seqlab/tensor-core';
import { Module } from './module.js';
import { parameter, type Parameter } from './parameter.js';
import { addLayerNorm, layerNorm } from './layer-norm-op.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance inside the square root. Default 1e-5. */
  eps?: number;
  /** Learn a per-element scale (`weight`, init 1) and shift (`bias`, init 0). Default true. */
  elementwiseAffine?: boolean;
  /** Learn the shift when affine. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
  /**
   * Run on the backend's fused LayerNorm kernels when it has them (the cpu and wasm backends do): one pass
   * forward and one backward instead of a dozen composed ops each way. Default true; both give the same numbers.
   */
  fused?: boolean;
}

/**
 * Layer normalisation, as `torch.nn.LayerNorm`: `(x − mean) / √(var + eps) · weight + bias` where mean and the
 * biased variance are taken over the last `normalizedShape.length` dimensions.
 *
 * @example
 * ```ts
 * const norm = new LayerNorm(6);
 * norm.forward(randn([2, 6])).shape; // [2, 6]
 * norm.forward(x, sublayer(x)); // norm(x + sublayer(x)), the residual sum fused into the norm
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing shape that is normalised. */
  readonly normalizedShape: readonly number[];
  /** Variance epsilon. */
  readonly eps: number;
  /** Scale of `normalizedShape`, or null without affine. */
  readonly weight: Parameter | null;
  /** Shift of `normalizedShape`, or null. */
  readonly bias: Parameter | null;
  /** Whether `forward` uses the backend's fused kernels when there are some. */
  readonly fused: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InvalidArgumentError(`LayerNorm: argument 'normalizedShape' must be positive integers; received ${JSON.stringify(normalizedShape)}`);
    }
    const eps = options.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0))
      throw new InvalidArgumentError(`LayerNorm: option 'eps' must be a non-negative number; received ${String(eps)}`);
    const fused = options.fused ?? true;
    if (typeof fused !== 'boolean') throw new InvalidArgumentError(`LayerNorm: option 'fused' must be a boolean; received ${typeof fused}`);
    this.normalizedShape = shape;
    this.eps = eps;
    this.fused = fused;
    const opts = { dtype: options.dtype ?? 'float32', backend: options.backend };
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? parameter(ones(shape, opts)) : null;
    this.bias = affine && (options.bias ?? true) ? parameter(zeros(shape, opts)) : null;
  }

  /**
   * Normalises `x`, whose trailing dimensions must equal `normalizedShape`; with `residual` (shaped like `x`),
   * normalises `x + residual` (a post-norm Transformer's `norm(x + sublayer(x))`) in one fused call where the
   * backend has one.
   */
  forward(x: Tensor, residual?: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new InvalidArgumentError(
        `LayerNorm.forward: argument 'x' must end with dimensions [${this.normalizedShape.join(', ')}]; received shape [${x.shape.join(', ')}]`,
      );
    }
    if (residual === undefined) return layerNorm(x, this.weight, this.bias, k, this.eps, this.fused);
    return addLayerNorm(x, residual, this.weight, this.bias, k, this.eps, this.fused);
  }
}

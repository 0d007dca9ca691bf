// RMSprop with momentum and the centred variant, as torch.optim.RMSprop.
import { add, div, mul, sqrt, square, sub, zerosLike, type Tensor } from '@seqlab/tensor-core';
import { checkHyper, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link RMSprop}. */
export type RMSpropOptions = {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** Added to the denominator after the square root. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalise by the estimated variance (subtracting the squared mean gradient). Default false. */
  centered: boolean;
};

/**
 * RMSprop, as `torch.optim.RMSprop`: `sq = α·sq + (1−α)·g²`, `avg = √(sq − ḡ²) + eps` (centred) or `√sq + eps`,
 * then `p −= lr·g/avg`, or with momentum `buf = μ·buf + g/avg; p −= lr·buf`. State: `square_avg`, `grad_avg`,
 * `momentum_buffer`, `step`.
 *
 * @example
 * ```ts
 * const w = tensor([1, -1]).requiresGrad_();
 * const opt = new RMSprop([w], { lr: 0.01, momentum: 0.9 });
 * sum(mul(w, w)).backward();
 * opt.step();
 * console.assert(w.dataSync()[0] < 1 && w.dataSync()[1] > -1);
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** `'RMSprop'`, written out so state dicts keep the name in minified builds. */
  override get typeName(): string {
    return 'RMSprop';
  }

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<RMSpropOptions>[], options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...options });
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    checkHyper('RMSprop', 'lr', g.lr, 0);
    checkHyper('RMSprop', 'alpha', g.alpha, 0);
    checkHyper('RMSprop', 'eps', g.eps, 0);
    checkHyper('RMSprop', 'weightDecay', g.weightDecay, 0);
    checkHyper('RMSprop', 'momentum', g.momentum, 0);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<RMSpropOptions>, s: ParamState): void {
    s.step = ((s.step as number | undefined) ?? 0) + 1;
    const d = g.weightDecay !== 0 ? add(grad, mul(p, g.weightDecay)) : grad;
    const sq = add(mul((s.square_avg as Tensor | undefined) ?? zerosLike(p), g.alpha), mul(square(d), 1 - g.alpha));
    s.square_avg = sq;
    let avg: Tensor;
    if (g.centered) {
      const ga = add(mul((s.grad_avg as Tensor | undefined) ?? zerosLike(p), g.alpha), mul(d, 1 - g.alpha));
      s.grad_avg = ga;
      avg = add(sqrt(sub(sq, square(ga))), g.eps);
    } else avg = add(sqrt(sq), g.eps);
    if (g.momentum > 0) {
      const buf = add(mul((s.momentum_buffer as Tensor | undefined) ?? zerosLike(p), g.momentum), div(d, avg));
      s.momentum_buffer = buf;
      p.assign(sub(p, mul(buf, g.lr)));
    } else p.assign(sub(p, mul(div(d, avg), g.lr)));
  }
}

// Adagrad with learning-rate decay, as torch.optim.Adagrad.
import { add, div, fullLike, mul, sqrt, square, sub, type Tensor } from '@seqlab/tensor-core';
import { checkHyper, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link Adagrad}. */
export type AdagradOptions = {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t−1)·lrDecay). Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the squared-gradient sum. Default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator after the square root. Default 1e-10. */
  eps: number;
};

/**
 * Adagrad, as `torch.optim.Adagrad`: `sum += g²; p −= lr_t · g / (√sum + eps)` with
 * `lr_t = lr / (1 + (t−1)·lrDecay)`. State: `step`, `sum`.
 *
 * @example
 * ```ts
 * const w = tensor([1, -1]).requiresGrad_();
 * const opt = new Adagrad([w], { lr: 0.1 });
 * sum(mul(w, w)).backward();
 * opt.step(); // the first step moves each element by lr against its gradient's sign
 * console.assert(Math.abs(w.dataSync()[0] - 0.9) < 1e-6 && Math.abs(w.dataSync()[1] + 0.9) < 1e-6);
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** `'Adagrad'`, written out so state dicts keep the name in minified builds. */
  override get typeName(): string {
    return 'Adagrad';
  }

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<AdagradOptions>[], options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, ...options });
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    checkHyper('Adagrad', 'lr', g.lr, 0);
    checkHyper('Adagrad', 'lrDecay', g.lrDecay, 0);
    checkHyper('Adagrad', 'weightDecay', g.weightDecay, 0);
    checkHyper('Adagrad', 'initialAccumulatorValue', g.initialAccumulatorValue, 0);
    checkHyper('Adagrad', 'eps', g.eps, 0);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdagradOptions>, s: ParamState): void {
    const step = ((s.step as number | undefined) ?? 0) + 1;
    s.step = step;
    const d = g.weightDecay !== 0 ? add(grad, mul(p, g.weightDecay)) : grad;
    const lr = g.lr / (1 + (step - 1) * g.lrDecay);
    const sum = add((s.sum as Tensor | undefined) ?? fullLike(p, g.initialAccumulatorValue), square(d));
    s.sum = sum;
    p.assign(sub(p, mul(div(d, add(sqrt(sum), g.eps)), lr)));
  }
}

// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD.
import { InvalidArgumentError, add, mul, sub, type Tensor } from '@seqlab/tensor-core';
import { checkHyper, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link SGD}. */
export type SGDOptions = {
  /** Learning rate. */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening of the momentum's gradient term. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Maximise the objective instead. Default false. */
  maximize: boolean;
};

/**
 * SGD with PyTorch's update: `g += wd·p`; with momentum, `buf = g` at the first step and
 * `buf = μ·buf + (1−dampening)·g` after, then `g = g + μ·buf` (Nesterov) or `g = buf`; finally `p −= lr·g`.
 * The state holds `momentum_buffer`.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  /** `'SGD'`, written out so state dicts keep the name in minified builds. */
  override get typeName(): string {
    return 'SGD';
  }

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<SGDOptions>[], options: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    checkHyper('SGD', 'lr', g.lr, 0);
    checkHyper('SGD', 'momentum', g.momentum, 0);
    checkHyper('SGD', 'dampening', g.dampening, 0);
    checkHyper('SGD', 'weightDecay', g.weightDecay, 0);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new InvalidArgumentError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0; received momentum ${g.momentum}, dampening ${g.dampening}`);
    }
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, s: ParamState): void {
    let d = g.maximize ? mul(grad, -1) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    if (g.momentum !== 0) {
      const previous = s.momentum_buffer as Tensor | undefined;
      const buf = previous === undefined ? d : add(mul(previous, g.momentum), mul(d, 1 - g.dampening));
      s.momentum_buffer = buf;
      d = g.nesterov ? add(d, mul(buf, g.momentum)) : buf;
    }
    p.assign(sub(p, mul(d, g.lr)));
  }
}

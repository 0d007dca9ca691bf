// Adam and AdamW (decoupled weight decay), as torch.optim.Adam/AdamW, with a backend's fused step when it has one.
import { add, div, InvalidArgumentError, maximum, mul, sqrt, square, sub, Tensor, zerosLike } from '@seqlab/tensor-core';
import { fusedOrComposed } from '../engine/fused-op.js';
import { checkHyper, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';

// The fused step's contract lives in tensor-core next to the other fused kernels; re-exported as part of this API.
export type { AdamStepHyperparameters, FusedAdamStep } from '@seqlab/tensor-core';

/** Hyper-parameters of {@link Adam} and {@link AdamW}. */
export type AdamOptions = {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates of the first and second moment estimates. Default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator after the square root. Default 1e-8. */
  eps: number;
  /** Weight decay: an L2 term in the gradient (Adam) or a decoupled shrink of the weights (AdamW). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). Default false. */
  amsgrad: boolean;
  /** Maximise the objective instead. Default false. */
  maximize: boolean;
};

/** Shared Adam/AdamW machinery; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  /** Whether weight decay shrinks the weights directly (AdamW) instead of entering the gradient (Adam). */
  protected abstract readonly decoupled: boolean;
  /**
   * Set to false to force the composed path even when the backend has a fused `adamStep` (for comparisons); the
   * global switch is tensor-core's `setFusedEnabled`.
   */
  fused = true;

  protected validate(g: ParamGroup<AdamOptions>): void {
    const op = this.typeName;
    checkHyper(op, 'lr', g.lr, 0);
    checkHyper(op, 'eps', g.eps, 0);
    checkHyper(op, 'weightDecay', g.weightDecay, 0);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) {
      throw new InvalidArgumentError(`${op}: option 'betas' must be a pair [beta1, beta2]; received ${JSON.stringify(g.betas)}`);
    }
    checkHyper(op, 'betas[0]', g.betas[0], 0, 1);
    checkHyper(op, 'betas[1]', g.betas[1], 0, 1);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, s: ParamState): void {
    const [beta1, beta2] = g.betas;
    const step = ((s.step as number | undefined) ?? 0) + 1;
    s.step = step;
    const m = (s.exp_avg as Tensor | undefined) ?? zerosLike(p);
    const v = (s.exp_avg_sq as Tensor | undefined) ?? zerosLike(p);
    const hyper = { lr: g.lr, beta1, beta2, eps: g.eps, weightDecay: g.weightDecay, decoupledWeightDecay: this.decoupled, step };
    fusedOrComposed(
      p.backend,
      ['adamStep'],
      this.fused && !g.amsgrad && !g.maximize && p.dtype === 'float32',
      ({ adamStep }) => {
        const out = adamStep(p, grad, m, v, hyper);
        s.exp_avg = out.expAvg;
        s.exp_avg_sq = out.expAvgSq;
        p.assign(out.param);
        // Only p views the new parameter storage and only the state holds the moments (stateOf, stateDict and
        // loadStateDict hand out and take in aliases), so the old storages are released now unless someone kept a
        // view: a backend keeping them outside JS (wasm's resident memory, GPU textures) reuses them next step.
        out.param.dispose();
        m.dispose();
        v.dispose();
      },
      () => this.composedUpdate(p, grad, m, v, g, s),
    );
  }

  /** The composed reference every fused `adamStep` must equal (AMSGrad and maximize included). */
  private composedUpdate(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, g: ParamGroup<AdamOptions>, s: ParamState): void {
    const [beta1, beta2] = g.betas;
    const step = s.step as number;
    let d = g.maximize ? mul(grad, -1) : grad;
    let value: Tensor = p;
    if (g.weightDecay !== 0) {
      if (this.decoupled) value = mul(p, 1 - g.lr * g.weightDecay);
      else d = add(d, mul(p, g.weightDecay));
    }
    const m2 = add(mul(m, beta1), mul(d, 1 - beta1));
    const v2 = add(mul(v, beta2), mul(square(d), 1 - beta2));
    s.exp_avg = m2;
    s.exp_avg_sq = v2;
    let second = v2;
    if (g.amsgrad) {
      const previousMax = s.max_exp_avg_sq as Tensor | undefined;
      second = previousMax === undefined ? v2 : maximum(previousMax, v2);
      s.max_exp_avg_sq = second;
    }
    const stepSize = g.lr / (1 - beta1 ** step);
    const denom = add(div(sqrt(second), Math.sqrt(1 - beta2 ** step)), g.eps);
    p.assign(sub(value, mul(div(m2, denom), stepSize)));
  }
}

/**
 * Adam, as `torch.optim.Adam`: bias-corrected first and second moments, eps added after the square root, and an
 * optional L2 `weightDecay` in the gradient. State per parameter: `step`, `exp_avg`, `exp_avg_sq`
 * (and `max_exp_avg_sq` with AMSGrad). Uses the backend's fused `adamStep` when there is one.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends AdamBase {
  /** `'Adam'`, written out so state dicts keep the name in minified builds. */
  override get typeName(): string {
    return 'Adam';
  }

  protected readonly decoupled = false;

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/**
 * AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay (`p *= 1 − lr·weightDecay` before the Adam
 * update; default weightDecay 0.01).
 *
 * @example
 * ```ts
 * const model = new Linear(4, 2);
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * mseLoss(model.forward(ones([3, 4])), zeros([3, 2])).backward();
 * opt.step();
 * opt.zeroGrad();
 * console.assert(opt.stateOf(model.weight).step === 1 && model.weight.grad === null);
 * ```
 */
export class AdamW extends AdamBase {
  /** `'AdamW'`, written out so state dicts keep the name in minified builds. */
  override get typeName(): string {
    return 'AdamW';
  }

  protected readonly decoupled = true;

  constructor(params: Iterable<Tensor> | readonly ParamGroupInput<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false, ...options });
  }
}

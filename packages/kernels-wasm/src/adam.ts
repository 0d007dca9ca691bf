// The fused one-pass Adam / AdamW update offered in the wasm backend's `fused` table.
import { DTypeMismatchError, InvalidArgumentError, ShapeMismatchError, formatShape, type TensorInfo } from '@seqlab/tensor-core';
import { ptr, ptrForUpdate, runtime } from './context.js';
import { framed } from './framed.js';

/** Hyper-parameters of one {@link adamUpdate} step (PyTorch's names and defaults in `torch.optim.Adam/AdamW`). */
export interface AdamStep {
  /** Learning rate. */
  lr: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Weight decay (default 0). */
  weightDecay?: number;
  /** 1-based step number, for the bias corrections 1 - β^step. */
  step: number;
  /** true: AdamW (decay applied to the parameter directly); false: Adam (decay added to the gradient as L2). */
  decoupled?: boolean;
}

// The step on staged storages; param, m and v are copied back into their storages when the call returns.
function adamStep(param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, options: AdamStep): void {
  const named: [string, TensorInfo][] = [['param', param], ['grad', grad], ['m', m], ['v', v]];
  for (const [name, t] of named) {
    if (t.dtype !== 'float32') throw new DTypeMismatchError(`adamUpdate: argument '${name}' must be float32; received ${t.dtype}`);
    if (t.size !== param.size) {
      throw new ShapeMismatchError(`adamUpdate: argument '${name}' must have ${param.size} elements like 'param' ${formatShape(param.shape)}; received shape ${formatShape(t.shape)}`);
    }
  }
  const { lr, step } = options;
  const beta1 = options.beta1 ?? 0.9, beta2 = options.beta2 ?? 0.999, eps = options.eps ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0, decoupled = options.decoupled ?? false;
  const checks: [string, number, boolean][] = [
    ['lr', lr, lr >= 0],
    ['beta1', beta1, beta1 >= 0 && beta1 < 1],
    ['beta2', beta2, beta2 >= 0 && beta2 < 1],
    ['eps', eps, eps >= 0],
    ['weightDecay', weightDecay, weightDecay >= 0],
    ['step', step, Number.isInteger(step) && step >= 1],
  ];
  for (const [name, value, ok] of checks) {
    if (typeof value !== 'number' || !ok) throw new InvalidArgumentError(`adamUpdate: option '${name}' is out of range; received ${String(value)}`);
  }
  const stepSize = lr / (1 - beta1 ** step);
  const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** step);
  runtime().exports.adamF32(
    ptrForUpdate(param), ptr(grad), ptrForUpdate(m), ptrForUpdate(v), param.size,
    beta1, beta2, eps, decoupled ? 0 : weightDecay, decoupled ? lr * weightDecay : 0, stepSize, invSqrtBc2,
  );
}

/**
 * One Adam or AdamW step **in place** on float32 storages of equal size, reading each element once:
 *
 * ```text
 * g     = grad + (decoupled ? 0 : weightDecay·param)
 * m     = β1·m + (1-β1)·g
 * v     = β2·v + (1-β2)·g²
 * param = param·(1 - (decoupled ? lr·weightDecay : 0)) - lr/(1-β1^step) · m / (sqrt(v)/sqrt(1-β2^step) + eps)
 * ```
 *
 * exactly as `torch.optim.Adam` / `AdamW` (foreach=False, amsgrad=False) in float32. `param`, `m` and `v` are
 * overwritten (their wasm copies, then their JS storages when the call returns), so every tensor viewing them
 * (reshapes included) sees the new values; `grad` is only read.
 * Callers own the moments: zero-filled tensors of the parameter's shape before step 1.
 */
export const adamUpdate: (param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, options: AdamStep) => void = framed('adamUpdate', adamStep);

// Contract of the fused one-pass Adam / AdamW step a backend may offer in `Backend.fused.adamStep` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/** Hyper-parameters handed to a backend's fused {@link FusedAdamStep} (t is the step number after incrementing, from 1). */
export interface AdamStepHyperparameters {
  /** Learning rate. */
  readonly lr: number;
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** Denominator epsilon (added after the square root). */
  readonly eps: number;
  /** Weight decay. */
  readonly weightDecay: number;
  /** True for AdamW: `p *= 1 − lr·wd` first; false for Adam: `g += wd·p`. */
  readonly decoupledWeightDecay: boolean;
  /** Step number t ≥ 1, for the bias corrections 1 − β^t. */
  readonly step: number;
}

/** Handles of the new storages a {@link FusedAdamStep} returns. */
export interface AdamStepResult<H = DataHandle> {
  /** The updated parameter p'. */
  readonly param: H;
  /** The updated first moment m'. */
  readonly expAvg: H;
  /** The updated second moment v'. */
  readonly expAvgSq: H;
}

/**
 * Contract of the optional fused kernel `backend.fused.adamStep`: one pass over a float32 parameter computing
 *
 * ```text
 * g  = grad + (decoupled ? 0 : wd·param)
 * m' = β1·m + (1−β1)·g          v' = β2·v + (1−β2)·g²
 * p' = param·(decoupled ? 1 − lr·wd : 1) − lr/(1−β1^t) · m' / (√v' / √(1−β2^t) + eps)
 * ```
 *
 * It must not modify its inputs (tensors are immutable values and may be shared) and returns new storages for
 * p', m' and v'. `@seqlab/autograd`'s Adam and AdamW use it for float32 parameters when AMSGrad and maximize are off.
 */
export type FusedAdamStep = (param: TensorInfo, grad: TensorInfo, expAvg: TensorInfo, expAvgSq: TensorInfo, hyper: AdamStepHyperparameters) => AdamStepResult;

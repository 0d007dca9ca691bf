// Contract of the fused cross-entropy kernels a backend may offer in `Backend.fused` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/**
 * Result of {@link CrossEntropyKernel}: `[N]` storages of the logits' dtype. `logSum` is only read back by
 * {@link CrossEntropyBackwardKernel}; callers wrap both as `[N]` tensors so that the ordinary storage management
 * frees them.
 */
export interface CrossEntropyResult<H = DataHandle> {
  /** Each row's loss, `w_n·(log Σ_c e^(x_nc − m_n) − (x_nt − m_n))` with `m_n` the row's largest logit and `t` its target. */
  readonly losses: H;
  /** Each row's `log Σ_c e^(x_nc − m_n)` (the log-softmax normaliser, relative to the row's largest logit). */
  readonly logSum: H;
}

/**
 * Cross-entropy of the rows of `logits` (`[N, C]`, row-major and contiguous, float32 or float64) against one class
 * per row, as `torch.nn.functional.cross_entropy(logits, targets, reduction='none')` with per-row weights: row n's
 * loss is `weights[n]·(−log softmax(logits[n])[targets[n]])`, the log-softmax max-shifted so no exponential
 * overflows, its sum accumulated in float64. `targets` (`[N]` int32) are already checked to lie in `[0, C)`
 * (an ignored row points at any valid class and has weight 0); `weights` (`[N]`, the logits' dtype) are the class
 * weight of each row's target, 1 without class weights, 0 for ignored rows. Pure: the inputs are not modified.
 */
export type CrossEntropyKernel = (logits: TensorInfo, targets: TensorInfo, weights: TensorInfo) => CrossEntropyResult;

/** Result of {@link CrossEntropyBackwardKernel}: a storage of the logits' dtype and shape. */
export interface CrossEntropyBackwardResult<H = DataHandle> {
  /** Gradient with respect to the logits. */
  readonly dLogits: H;
}

/**
 * Backward of {@link CrossEntropyKernel} from its saved `logSum`: with `s_n = dLosses[n]·weights[n]`, row n of the
 * gradient is `s_n·(softmax(logits[n]) − onehot(targets[n]))`, the softmax taken as `e^(x_nc − m_n − logSum[n])`.
 * `dLosses` is `[N]`; the other arguments are the forward call's.
 */
export type CrossEntropyBackwardKernel = (
  dLosses: TensorInfo,
  logits: TensorInfo,
  targets: TensorInfo,
  weights: TensorInfo,
  logSum: TensorInfo,
) => CrossEntropyBackwardResult;

/** The fused cross-entropy kernels, forward and backward, as a backend implements them. */
export interface FusedCrossEntropyKernels {
  /** See {@link CrossEntropyKernel}. */
  readonly crossEntropy: CrossEntropyKernel;
  /** See {@link CrossEntropyBackwardKernel}. */
  readonly crossEntropyBackward: CrossEntropyBackwardKernel;
}

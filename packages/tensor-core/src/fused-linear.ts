// Contract of the fused Linear kernels (matmul with a bias and activation epilogue, and its backward) and of the fused
// feed-forward block (two of them with a ReLU between) a backend may offer in `Backend.fused` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/** The activation a fused Linear applies in its epilogue: none, or `max(0, ·)`. */
export type LinearActivation = 'none' | 'relu';

/** Result of {@link LinearKernel}: the handle of a new storage of the input's dtype. */
export interface LinearResult<H = DataHandle> {
  /** `[..., out]`: `act(x·weightᵀ + bias)`. */
  readonly output: H;
}

/**
 * `act(x·weightᵀ + bias)`, as `torch.nn.functional.linear` followed by the activation (PyTorch's `addmm` with a ReLU
 * epilogue): `x` is `[..., in]`, `weight` `[out, in]` (PyTorch's layout), `bias` `[out]` or null. All float32 or all
 * float64, row-major and contiguous, on the backend that owns the kernel; the caller has validated every shape
 * (`in ≥ 1`). The bias and the activation are applied as the product is stored, so no intermediate is written.
 * Pure: the inputs are not modified.
 */
export type LinearKernel = (x: TensorInfo, weight: TensorInfo, bias: TensorInfo | null, activation: LinearActivation) => LinearResult;

/** Result of {@link LinearBackwardKernel}: handles of new storages of the input's dtype. */
export interface LinearBackwardResult<H = DataHandle> {
  /** Gradient with respect to `x`, shaped like `x`; null when not asked for (`needInputGrad` false). */
  readonly dx: H | null;
  /** `[out, in]`: the gradient of the weight. */
  readonly dWeight: H;
  /** `[out]`: `Σ_rows g`, the gradient of the bias (whether or not the forward had one). */
  readonly dBias: H;
}

/**
 * Backward of {@link LinearKernel}: with `g = dOutput` (`'none'`) or `g = dOutput·[output > 0]` (`'relu'`, from the
 * forward's saved `output`), `dx = g·weight`, `dWeight = gᵀ·x` and `dBias = Σ_rows g`. `dOutput` and `output` are
 * `[..., out]`, `x` `[..., in]`; for `'none'` `output` may be null. `needInputGrad` false skips `dx` (an input that
 * needs no gradient, such as a model's first layer's), which is then null.
 */
export type LinearBackwardKernel = (
  dOutput: TensorInfo,
  x: TensorInfo,
  weight: TensorInfo,
  output: TensorInfo | null,
  activation: LinearActivation,
  needInputGrad: boolean,
) => LinearBackwardResult;

/** Result of {@link FeedForwardKernel}: handles of new storages of the input's dtype. */
export interface FeedForwardResult<H = DataHandle> {
  /** `[..., in]`: `relu(x·w1ᵀ + b1)·w2ᵀ + b2`. */
  readonly output: H;
  /** `[..., hidden]`: `relu(x·w1ᵀ + b1)`, which the backward pass reads (null unless asked for). */
  readonly hidden: H | null;
}

/**
 * A Transformer's feed-forward block `relu(x·w1ᵀ + b1)·w2ᵀ + b2` in one call (two {@link LinearKernel}s whose hidden
 * activation never leaves the kernel unless `saveHidden` asks for it): `x` is `[..., in]`, `w1` `[hidden, in]`, `w2`
 * `[in2, hidden]` (PyTorch's layouts), biases `[hidden]` / `[in2]` or null; same dtype, backend and layout rules as
 * {@link LinearKernel}. Pure.
 */
export type FeedForwardKernel = (
  x: TensorInfo,
  w1: TensorInfo,
  b1: TensorInfo | null,
  w2: TensorInfo,
  b2: TensorInfo | null,
  saveHidden: boolean,
) => FeedForwardResult;

/** Result of {@link FeedForwardBackwardKernel}: handles of new storages of the input's dtype. */
export interface FeedForwardBackwardResult<H = DataHandle> {
  /** Gradient with respect to `x`; null when not asked for. */
  readonly dx: H | null;
  /** `[hidden, in]`. */
  readonly dW1: H;
  /** `[hidden]` (whether or not the forward had a bias). */
  readonly db1: H;
  /** `[in2, hidden]`. */
  readonly dW2: H;
  /** `[in2]` (whether or not the forward had a bias). */
  readonly db2: H;
}

/**
 * Backward of {@link FeedForwardKernel} from the saved `hidden`: {@link LinearBackwardKernel} of the second Linear
 * (`'none'`), then of the first (`'relu'`, masked by `hidden > 0`), the hidden gradient kept inside the kernel.
 */
export type FeedForwardBackwardKernel = (
  dOutput: TensorInfo,
  x: TensorInfo,
  w1: TensorInfo,
  w2: TensorInfo,
  hidden: TensorInfo,
  needInputGrad: boolean,
) => FeedForwardBackwardResult;

/** The fused Linear kernels, as a backend lists them in `Backend.fused`. */
export interface FusedLinearKernels {
  /** Forward pass; see {@link LinearKernel}. */
  linear: LinearKernel;
  /** Backward pass; see {@link LinearBackwardKernel}. */
  linearBackward: LinearBackwardKernel;
  /** The feed-forward block forward; see {@link FeedForwardKernel}. */
  feedForward: FeedForwardKernel;
  /** Its backward; see {@link FeedForwardBackwardKernel}. */
  feedForwardBackward: FeedForwardBackwardKernel;
}

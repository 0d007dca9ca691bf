// Contract of the fused Linear kernels (matmul with a bias and activation epilogue, and its backward) a backend may offer in `Backend.fused` (types only).
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

/** The fused Linear kernels, as a backend lists them in `Backend.fused`. */
export interface FusedLinearKernels {
  /** Forward pass; see {@link LinearKernel}. */
  linear: LinearKernel;
  /** Backward pass; see {@link LinearBackwardKernel}. */
  linearBackward: LinearBackwardKernel;
}

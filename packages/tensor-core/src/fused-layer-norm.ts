// Contract of the fused LayerNorm-over-the-last-axis kernels a backend may offer in `Backend.fused` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/**
 * Result of {@link LayerNormKernel}: handles of new storages of the input's dtype. `mean` and `rstd` are only read
 * back by {@link LayerNormBackwardKernel}; callers wrap them as `[rows]` tensors so that the ordinary storage
 * management frees them.
 */
export interface LayerNormResult<H = DataHandle> {
  /** The normalised output, shaped like `x`. */
  readonly output: H;
  /** `[rows]`: the mean of each row of `x` (rows = `x.size / D`). */
  readonly mean: H;
  /** `[rows]`: `1 / √(var + eps)` of each row, with the biased variance. */
  readonly rstd: H;
}

/**
 * LayerNorm over the last axis of `x` (`[..., D]`), as `torch.nn.functional.layer_norm(x, [D], weight, bias,
 * eps)`: `y = (x − mean)·rstd·weight + bias` with `rstd = 1/√(var + eps)` and the biased variance. The row mean
 * and variance are accumulated in float64 whatever the dtype. `x`, `weight` (`[D]` or null for a scale of 1) and
 * `bias` (`[D]` or null for a shift of 0) are float32 or float64, all the same dtype, row-major and contiguous, on
 * the backend that owns the kernel; the caller has validated every shape (`D ≥ 1`). Pure: the inputs are not
 * modified.
 */
export type LayerNormKernel = (x: TensorInfo, weight: TensorInfo | null, bias: TensorInfo | null, eps: number) => LayerNormResult;

/** Result of {@link LayerNormBackwardKernel}: handles of new storages of the input's dtype. */
export interface LayerNormBackwardResult<H = DataHandle> {
  /** Gradient with respect to `x`, shaped like `x`. */
  readonly dx: H;
  /** `[D]`: `Σ_rows dOutput·x̂`, the gradient of the scale (whether or not the forward had one). */
  readonly dWeight: H;
  /** `[D]`: `Σ_rows dOutput`, the gradient of the shift (whether or not the forward had one). */
  readonly dBias: H;
}

/**
 * Backward of {@link LayerNormKernel} from the saved row statistics: with `x̂ = (x − mean)·rstd` and
 * `g = dOutput·weight` (`dOutput` when `weight` is null), `dx = rstd·(g − mean(g) − x̂·mean(g·x̂))` per row, the
 * row means accumulated in float64. `dOutput` and `x` are `[..., D]`; `mean` and `rstd` are the `[rows]` results of
 * the forward call on the same `x`, `weight` and eps.
 */
export type LayerNormBackwardKernel = (
  dOutput: TensorInfo,
  x: TensorInfo,
  weight: TensorInfo | null,
  mean: TensorInfo,
  rstd: TensorInfo,
) => LayerNormBackwardResult;

/** Result of {@link AddLayerNormKernel}: handles of new storages of the input's dtype. */
export interface AddLayerNormResult<H = DataHandle> extends LayerNormResult<H> {
  /** `x + residual`, what the backward pass normalised (null unless asked for). */
  readonly sum: H | null;
}

/**
 * LayerNorm of a residual sum, `layerNorm(x + residual)` as {@link LayerNormKernel} (the post-norm Transformer's
 * `norm(x + sublayer(x))`), in one call: `residual` is shaped like `x`. `saveSum` asks for the sum too (the
 * backward pass, {@link LayerNormBackwardKernel}, normalises it again). Pure: the inputs are not modified.
 */
export type AddLayerNormKernel = (
  x: TensorInfo,
  residual: TensorInfo,
  weight: TensorInfo | null,
  bias: TensorInfo | null,
  eps: number,
  saveSum: boolean,
) => AddLayerNormResult;

/** The fused LayerNorm kernels, as a backend lists them in `Backend.fused`. */
export interface FusedLayerNormKernels {
  /** Forward pass; see {@link LayerNormKernel}. */
  layerNorm: LayerNormKernel;
  /** Backward pass; see {@link LayerNormBackwardKernel}. */
  layerNormBackward: LayerNormBackwardKernel;
  /** LayerNorm of a residual sum; see {@link AddLayerNormKernel}. */
  addLayerNorm: AddLayerNormKernel;
}

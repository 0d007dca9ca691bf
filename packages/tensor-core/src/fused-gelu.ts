// Contract of the fused GELU gradient a backend may offer in `Backend.fused` (types only).
import type { DataHandle, TensorInfo } from './backend.js';

/** Result of {@link GeluBackwardKernel}: a storage of `x`'s dtype and shape. */
export interface GeluBackwardResult<H = DataHandle> {
  /** Gradient with respect to `x`. */
  readonly dx: H;
}

/**
 * The gradient of GELU in one pass, `dx = dOutput·gelu'(x)`: with `tanh` false the exact form's
 * `gelu'(x) = Φ(x) + x·φ(x)`; with `tanh` true the derivative of `½x(1 + tanh u)`, `u = √(2/π)·(x + 0.044715·x³)`,
 * that is `½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)`. `dOutput` and `x` are float32 or float64, of
 * the same shape and dtype, row-major and contiguous, on the backend that owns the kernel. Pure: the inputs are not
 * modified.
 */
export type GeluBackwardKernel = (dOutput: TensorInfo, x: TensorInfo, tanh: boolean) => GeluBackwardResult;

/** The fused GELU kernels, as a backend implements them. */
export interface FusedGeluKernels {
  /** See {@link GeluBackwardKernel}. */
  readonly geluBackward: GeluBackwardKernel;
}

// The fused LayerNorm fast path: a customOp around the backend's `layerNorm` / `layerNormBackward` kernels.
import { fusedKernel, reshape, type FusedTensorKernel, type Tensor } from '@seqlab/tensor-core';
import { customOp } from '../engine/custom-op.js';
import { isGradEnabled } from '../engine/grad-mode.js';

/** The fused LayerNorm kernels, forward and backward, as {@link fusedKernel} returns them. */
export interface FusedLayerNormKernels {
  /** Forward pass. */
  readonly layerNorm: FusedTensorKernel<'layerNorm'>;
  /** Backward pass. */
  readonly layerNormBackward: FusedTensorKernel<'layerNormBackward'>;
}

/**
 * The backend's fused LayerNorm kernels when they can run `x` with this weight and bias (and `fused`, the layer's
 * option, and the global switch allow them), else null.
 */
export function fusedLayerNormKernelsFor(x: Tensor, weight: Tensor | null, bias: Tensor | null, fused = true): FusedLayerNormKernels | null {
  const layerNorm = fusedKernel(x.backend, 'layerNorm', fused);
  const layerNormBackward = fusedKernel(x.backend, 'layerNormBackward', fused);
  if (layerNorm === undefined || layerNormBackward === undefined) return null;
  if (x.dtype !== 'float32' && x.dtype !== 'float64') return null;
  // Mismatched dtypes or backends go down the composed path, whose ops raise the typed errors.
  for (const p of [weight, bias]) {
    if (p !== null && (p.dtype !== x.dtype || p.backend !== x.backend)) return null;
  }
  return { layerNorm, layerNormBackward };
}

/** What the backward pass keeps from the forward pass: the `[rows]` row statistics. */
interface Saved {
  readonly mean: Tensor;
  readonly rstd: Tensor;
}

/**
 * LayerNorm of `x` over its trailing `normalizedRank` dimensions (flattened to one axis of `size` elements) on the
 * fused kernels: `weight` and `bias` are null or shaped like those dimensions. Differentiable through a customOp
 * whose backward is one kernel call too.
 */
export function fusedLayerNorm(
  kernels: FusedLayerNormKernels,
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  normalizedRank: number,
  eps: number,
): Tensor {
  const outShape = [...x.shape];
  const size = outShape.slice(x.rank - normalizedRank).reduce((a, d) => a * d, 1);
  const flat = normalizedRank !== 1;
  const x2 = flat ? reshape(x, [...outShape.slice(0, x.rank - normalizedRank), size]) : x;
  const w = weight === null || !flat ? weight : reshape(weight, [size]);
  const b = bias === null || !flat ? bias : reshape(bias, [size]);
  const run = (xi: Tensor, wi: Tensor | null, bi: Tensor | null): { y: Tensor; mean: Tensor; rstd: Tensor } => {
    const r = kernels.layerNorm(xi, wi, bi, eps);
    return { y: r.output, mean: r.mean, rstd: r.rstd };
  };
  const params = [w, b].filter((p): p is Tensor => p !== null);
  let y: Tensor;
  if (!isGradEnabled() || ![x2, ...params].some((t) => t.requiresGrad)) {
    const r = run(x2, w, b);
    r.mean.dispose();
    r.rstd.dispose();
    y = r.y;
  } else {
    const op = customOp<Tensor, Saved>({
      name: 'layerNorm',
      inputs: ['x', ...(w === null ? [] : ['weight']), ...(b === null ? [] : ['bias'])],
      forward: ([xi, ...rest]) => {
        const r = run(xi, w === null ? null : rest[0], b === null ? null : rest[rest.length - 1]);
        return { outputs: r.y, saved: { mean: r.mean, rstd: r.rstd } };
      },
      backward: ([g], saved, { inputs: [xi, ...rest], needsInputGrad }) => {
        const wi = w === null ? null : rest[0];
        const { dx, dWeight, dBias } = kernels.layerNormBackward(g, xi, wi, saved.mean, saved.rstd);
        const grads: (Tensor | null)[] = [needsInputGrad[0] ? dx : null];
        if (w !== null) grads.push(needsInputGrad[1] ? dWeight : null);
        if (b !== null) grads.push(needsInputGrad[grads.length] ? dBias : null);
        return grads;
      },
    });
    y = op(x2, ...params);
  }
  return flat ? reshape(y, outShape) : y;
}

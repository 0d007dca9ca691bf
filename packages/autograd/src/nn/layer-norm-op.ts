// The LayerNorm op in one place (and LayerNorm of a residual sum): composed references, the customOp glue around the backend's fused kernels, the choice.
import { add, mean, mul, reshape, rsqrt, shapesEqual, sub, variance, type Tensor } from '@seqlab/tensor-core';
import { customOp } from '../engine/custom-op.js';
import { fusedKernels, fusedOrComposed, type FusedKernelSet } from '../engine/fused-op.js';
import { isGradEnabled } from '../engine/grad-mode.js';

/** The fused kernels LayerNorm runs on. */
const KERNELS = ['layerNorm', 'layerNormBackward'] as const;

/** The fused LayerNorm kernels, forward and backward. */
export type FusedLayerNormKernels = FusedKernelSet<(typeof KERNELS)[number]>;

// Whether the fused kernels can run `x` with this weight and bias. Mismatched dtypes or backends go down the composed
// path, whose ops raise the typed errors.
function fusable(x: Tensor, weight: Tensor | null, bias: Tensor | null): boolean {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') return false;
  return [weight, bias].every((p) => p === null || (p.dtype === x.dtype && p.backend === x.backend));
}

/**
 * The backend's fused LayerNorm kernels when they can run `x` with this weight and bias (and `fused`, the layer's
 * option, and the global switch allow them), else null.
 */
export function fusedLayerNormKernelsFor(x: Tensor, weight: Tensor | null, bias: Tensor | null, fused = true): FusedLayerNormKernels | null {
  return fusable(x, weight, bias) ? fusedKernels(x.backend, KERNELS, fused) : null;
}

/**
 * The composed reference every fused LayerNorm must equal: `(x − mean)·rsqrt(var + eps)·weight + bias` over the
 * trailing `normalizedRank` dimensions, with the biased variance.
 */
export function composedLayerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, normalizedRank: number, eps: number): Tensor {
  const axes = Array.from({ length: normalizedRank }, (_, i) => x.rank - normalizedRank + i);
  const centred = sub(x, mean(x, axes, true));
  const inv = rsqrt(add(variance(x, axes, { keepDims: true, correction: 0 }), eps));
  let y = mul(centred, inv);
  if (weight !== null) y = mul(y, weight);
  if (bias !== null) y = add(y, bias);
  return y;
}

/**
 * LayerNorm of `x` over its trailing `normalizedRank` dimensions: on the backend's fused kernels when it has them and
 * `fused` (and the global switch) allow, else {@link composedLayerNorm}.
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, normalizedRank: number, eps: number, fused: boolean): Tensor {
  return fusedOrComposed(
    x.backend,
    KERNELS,
    fused && fusable(x, weight, bias),
    (kernels) => fusedLayerNorm(kernels, x, weight, bias, normalizedRank, eps),
    () => composedLayerNorm(x, weight, bias, normalizedRank, eps),
  );
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
      pureBackward: true,
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

/** The fused kernels LayerNorm of a residual sum runs on. */
const ADD_KERNELS = ['addLayerNorm', 'layerNormBackward'] as const;

/** The fused kernels of LayerNorm of a residual sum, forward and backward. */
export type FusedAddLayerNormKernels = FusedKernelSet<(typeof ADD_KERNELS)[number]>;

/**
 * The backend's fused kernels for LayerNorm (over the last axis) of `x + residual` when they can run these operands
 * (equal shapes, one dtype and backend; and `fused` and the global switch allow them), else null.
 */
export function fusedAddLayerNormKernelsFor(
  x: Tensor,
  residual: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  fused = true,
): FusedAddLayerNormKernels | null {
  const fits = shapesEqual(x.shape, residual.shape) && residual.dtype === x.dtype && residual.backend === x.backend && x.rank >= 1;
  return fits && fusable(x, weight, bias) ? fusedKernels(x.backend, ADD_KERNELS, fused) : null;
}

/** The composed reference of LayerNorm of a residual sum: {@link layerNorm} of `add(x, residual)`. */
export function composedAddLayerNorm(x: Tensor, residual: Tensor, weight: Tensor | null, bias: Tensor | null, normalizedRank: number, eps: number): Tensor {
  return composedLayerNorm(add(x, residual), weight, bias, normalizedRank, eps);
}

/**
 * LayerNorm of `x + residual` (a post-norm Transformer's `norm(x + sublayer(x))`) over the trailing
 * `normalizedRank` dimensions: one fused call (the sum never leaves the kernel unless the backward pass needs it)
 * when the backend has the kernels, the norm is over one axis and `fused` allows, else LayerNorm of the sum.
 */
export function addLayerNorm(
  x: Tensor,
  residual: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  normalizedRank: number,
  eps: number,
  fused: boolean,
): Tensor {
  const kernels = fused && normalizedRank === 1 ? fusedAddLayerNormKernelsFor(x, residual, weight, bias) : null;
  if (kernels === null) return layerNorm(add(x, residual), weight, bias, normalizedRank, eps, fused);
  return fusedAddLayerNorm(kernels, x, residual, weight, bias, eps);
}

/** What the backward pass of LayerNorm of a residual sum keeps: the sum and its `[rows]` statistics. */
interface SavedSum extends Saved {
  readonly sum: Tensor;
}

/**
 * LayerNorm over the last axis of `x + residual` (equal shapes) on the fused kernels. Differentiable through a
 * customOp whose backward is the LayerNorm backward kernel on the saved sum; x and the residual get the same gradient.
 */
export function fusedAddLayerNorm(
  kernels: FusedAddLayerNormKernels,
  x: Tensor,
  residual: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const params = [weight, bias].filter((p): p is Tensor => p !== null);
  if (!isGradEnabled() || ![x, residual, ...params].some((t) => t.requiresGrad)) {
    const r = kernels.addLayerNorm(x, residual, weight, bias, eps, false);
    r.mean.dispose();
    r.rstd.dispose();
    return r.output;
  }
  const op = customOp<Tensor, SavedSum>({
    name: 'addLayerNorm',
    pureBackward: true,
    inputs: ['x', 'residual', ...(weight === null ? [] : ['weight']), ...(bias === null ? [] : ['bias'])],
    forward: ([xi, ri, ...rest]) => {
      const r = kernels.addLayerNorm(xi, ri, weight === null ? null : rest[0], bias === null ? null : rest[rest.length - 1], eps, true);
      return { outputs: r.output, saved: { sum: r.sum as Tensor, mean: r.mean, rstd: r.rstd } };
    },
    backward: ([g], saved, { inputs: [, , ...rest], needsInputGrad }) => {
      const wi = weight === null ? null : rest[0];
      const { dx, dWeight, dBias } = kernels.layerNormBackward(g, saved.sum, wi, saved.mean, saved.rstd);
      // The sum's gradient flows unchanged to both of its terms.
      const grads: (Tensor | null)[] = [needsInputGrad[0] ? dx : null, needsInputGrad[1] ? dx : null];
      if (weight !== null) grads.push(needsInputGrad[2] ? dWeight : null);
      if (bias !== null) grads.push(needsInputGrad[grads.length] ? dBias : null);
      return grads;
    },
  });
  return op(x, residual, ...params);
}

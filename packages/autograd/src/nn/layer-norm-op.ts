// The LayerNorm op in one place: its composed reference, the customOp glue around the backend's fused kernels, the choice.
import { add, mean, mul, reshape, rsqrt, sub, variance, type Tensor } from '@seqlab/tensor-core';
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

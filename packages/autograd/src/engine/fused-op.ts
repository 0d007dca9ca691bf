// Fused or composed: the one place every fused op chooses between its backend kernel and its composed reference.
import { fusedKernel, type Backend, type FusedKernelName, type FusedTensorKernel } from '@seqlab/tensor-core';

/**
 * Fused kernels of one op, by name, as tensor-core's `fusedKernel` returns them (results wrapped as tensors).
 *
 * @example
 * ```ts
 * const kernels: FusedKernelSet<'layerNorm' | 'layerNormBackward'> | null = fusedKernels(x.backend, ['layerNorm', 'layerNormBackward']);
 * ```
 */
export type FusedKernelSet<K extends FusedKernelName> = { readonly [N in K]: FusedTensorKernel<N> };

/**
 * The kernels `names` of `backend` when it has every one of them and fused paths are on (tensor-core's
 * `setFusedEnabled`, and `fused`, the layer's or call's own option); null otherwise.
 *
 * @example
 * ```ts
 * const adam = fusedKernels(p.backend, ['adamStep']);
 * if (adam !== null) adam.adamStep(p, grad, m, v, hyper);
 * ```
 */
export function fusedKernels<K extends FusedKernelName>(backend: Backend, names: readonly K[], fused = true): FusedKernelSet<K> | null {
  const set: Partial<Record<K, unknown>> = {};
  for (const name of names) {
    const kernel = fusedKernel(backend, name, fused);
    if (kernel === undefined) return null;
    set[name] = kernel;
  }
  return set as FusedKernelSet<K>;
}

/**
 * nanoGPT's `if flash: … else: …` made reusable: runs `glue` on the fused kernels `names` when `backend` has them all
 * and fused paths are on (`fused` false turns this use off), else `composed`, the reference the kernels must equal.
 * Every fused op (LSTM/GRU sequences, attention, LayerNorm, the Adam step) goes through here.
 *
 * @example
 * ```ts
 * const y = fusedOrComposed(x.backend, ['layerNorm', 'layerNormBackward'], true,
 *   (k) => k.layerNorm(x, null, null, 1e-5).output,
 *   () => composedLayerNorm(x, null, null, 1, 1e-5));
 * ```
 */
export function fusedOrComposed<K extends FusedKernelName, R>(
  backend: Backend,
  names: readonly K[],
  fused: boolean,
  glue: (kernels: FusedKernelSet<K>) => R,
  composed: () => R,
): R {
  const kernels = fused ? fusedKernels(backend, names) : null;
  return kernels === null ? composed() : glue(kernels);
}

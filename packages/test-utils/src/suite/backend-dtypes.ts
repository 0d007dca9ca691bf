// The dtypes a backend stores, read from the registry, so the shared suites generate only cases a backend can run.
import fc from 'fast-check';
import { getBackend, type DType } from '@seqlab/tensor-core';

/** Every dtype tensor-core knows; the suites narrow it to what a backend stores. */
export const ALL_DTYPES: readonly DType[] = ['float32', 'int32', 'float64', 'bool'];

/**
 * The dtypes of `candidates` that `backend` stores, in their order (float64 drops out on wasm). Read when a suite is
 * collected, so the backend must be registered by then.
 */
export function storedDTypes<D extends DType = DType>(backend: string, candidates: readonly D[] = ALL_DTYPES as readonly D[]): D[] {
  const stored = getBackend(backend).dtypes;
  return candidates.filter((d) => stored.includes(d));
}

/** True when `backend` stores `dtype`. */
export function stores(backend: string, dtype: DType): boolean {
  return getBackend(backend).dtypes.includes(dtype);
}

/** fast-check arbitrary over the dtypes of `candidates` that `backend` stores. */
export function storedDTypeArb<D extends DType = DType>(backend: string, candidates: readonly D[] = ALL_DTYPES as readonly D[]): fc.Arbitrary<D> {
  return fc.constantFrom(...storedDTypes(backend, candidates));
}

/** The most precise float dtype `backend` stores: float64 where it can, float32 otherwise (wasm). */
export function widestFloat(backend: string): 'float64' | 'float32' {
  return stores(backend, 'float64') ? 'float64' : 'float32';
}

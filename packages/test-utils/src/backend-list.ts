// The one list of backends that every contract suite and PyTorch-parity test runs on, and their set-up.
import { setBackend } from '@seqlab/tensor-core';

/**
 * Every backend the shared op suites, the fused-op contract suites and the PyTorch-parity tests run on. A new backend
 * inherits all of them by being named here (and set up in {@link initBackends}); float64 runs only where it is stored.
 *
 * @example
 * ```ts
 * await initBackends();
 * describe.each(BACKENDS)('%s backend', (backend) => layerNormContract(backend));
 * ```
 */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** A name in {@link BACKENDS}. */
export type TestBackend = (typeof BACKENDS)[number];

/**
 * Registers every backend of {@link BACKENDS} (wasm needs WebAssembly SIMD) and leaves `cpu` active, so a test that
 * forgets to place a tensor fails with BACKEND_MISMATCH on the other backends instead of quietly running on cpu.
 *
 * @example
 * ```ts
 * await initBackends();
 * ```
 */
export async function initBackends(): Promise<void> {
  // Imported here, not at the top: importing kernels-wasm registers it, which only tests that run on it want.
  const { initWasm } = await import('@seqlab/kernels-wasm');
  if ((await initWasm()) === undefined) throw new Error('the backend tests need the wasm backend, which needs WebAssembly SIMD');
  setBackend('cpu');
}

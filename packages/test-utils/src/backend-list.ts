// The one list of backends that every contract suite and PyTorch-parity test runs on, and their set-up.
import { setBackend } from '@seqlab/tensor-core';

/** True in vitest's browser project (headless Chromium), false in Node. */
const IN_BROWSER = typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * Every backend the shared op suites, the fused-op contract suites and the PyTorch-parity tests run on here. A new
 * backend inherits all of them by being named here (and set up in {@link initBackends}); float64 runs only where it
 * is stored. In Node: `cpu` and `wasm`. In the browser test project (`*.browser.test.ts`, headless Chromium): `gpu`
 * (WebGL2), whose GL modes exist only there; cpu and wasm are covered in Node.
 *
 * @example
 * ```ts
 * await initBackends();
 * describe.each(BACKENDS)('%s backend', (backend) => layerNormContract(backend));
 * ```
 */
export const BACKENDS: readonly TestBackend[] = IN_BROWSER ? ['gpu'] : ['cpu', 'wasm'];

/** A backend name {@link BACKENDS} may hold. */
export type TestBackend = 'cpu' | 'wasm' | 'gpu';

/**
 * Registers every backend of {@link BACKENDS} (wasm needs WebAssembly SIMD; gpu needs float32 WebGL2 textures) and
 * leaves `cpu` active, so a test that forgets to place a tensor fails with BACKEND_MISMATCH on the other backends
 * instead of quietly running on cpu.
 *
 * @example
 * ```ts
 * await initBackends();
 * ```
 */
export async function initBackends(): Promise<void> {
  // Imported here, not at the top: importing a backend package registers it, which only tests that run on it want.
  if (BACKENDS.includes('wasm')) {
    const { initWasm } = await import('@seqlab/kernels-wasm');
    if ((await initWasm()) === undefined) throw new Error('the backend tests need the wasm backend, which needs WebAssembly SIMD');
  }
  if (BACKENDS.includes('gpu')) {
    const { initGpu } = await import('@seqlab/kernels-gpu');
    await initGpu();
  }
  setBackend('cpu');
}

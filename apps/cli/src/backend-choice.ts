// `--backend`: the wasm backend where WebAssembly SIMD runs (the default, `auto`), or the TypeScript CPU backend.
import { getBackend, listBackends, setBackend } from '@seqlab/tensor-core';
import { UsageError } from './usage-error.js';

/**
 * Values `--backend` accepts. `auto` picks `wasm` where this runtime has WebAssembly SIMD and `cpu` elsewhere;
 * `wasm` insists on the wasm backend; `cpu` is the TypeScript reference backend.
 */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Imports the wasm backend and waits for it to compile; false when this runtime cannot run it. */
async function loadWasm(): Promise<boolean> {
  try {
    const wasm: Record<string, unknown> = await import('@seqlab/kernels-wasm');
    const ready = wasm.ready ?? wasm.initWasm;
    if (typeof ready === 'function') await (ready as () => unknown)();
  } catch {
    return false;
  }
  return listBackends().includes('wasm');
}

/**
 * Makes the chosen backend active and returns its name. `wasm` where WebAssembly SIMD is missing is a
 * {@link UsageError}; `auto` falls back to `cpu` there.
 */
export async function activateBackend(choice: BackendChoice): Promise<string> {
  if (choice === 'cpu') {
    setBackend('cpu');
  } else if (await loadWasm()) {
    setBackend('wasm');
  } else if (choice === 'auto') {
    setBackend('cpu');
  } else {
    throw new UsageError(`--backend wasm: the WebAssembly SIMD backend cannot run in this runtime; use --backend cpu`);
  }
  return getBackend().name;
}

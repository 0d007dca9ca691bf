// `--backend`: the TypeScript CPU backend by default, or the wasm backend (imported on demand) when asked for.
import { getBackend, listBackends, setBackend } from '@seqlab/tensor-core';
import { UsageError } from './usage-error.js';

/**
 * Values `--backend` accepts. `auto` is cpu for now: the wasm backend frees its storage only when the garbage
 * collector finalises tensors, which a long synchronous training loop never lets happen, so training on it grows
 * the wasm heap step after step. `wasm` stays available for short runs and benchmarks.
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
 * {@link UsageError}; `auto` is `cpu` (see {@link BACKEND_CHOICES}).
 */
export async function activateBackend(choice: BackendChoice): Promise<string> {
  if (choice !== 'wasm') {
    setBackend('cpu');
  } else if (await loadWasm()) {
    setBackend('wasm');
  } else {
    throw new UsageError(`--backend wasm: the WebAssembly SIMD backend cannot run in this runtime; use --backend cpu`);
  }
  return getBackend().name;
}

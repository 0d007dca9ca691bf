// `--backend`: the wasm backend where WebAssembly SIMD runs (the default, `auto`), the TypeScript CPU backend, or the
// gpu.js backend where a gpu.js mode exists (`auto` picks it only on a real, non-software GPU).
import { createRequire } from 'node:module';
import { getBackend, InvalidArgumentError, listBackends, setBackend } from '@seqlab/tensor-core';
import { UsageError } from './usage-error.js';

/**
 * Values `--backend` accepts. `auto` picks `gpu` when a real GPU mode is active (headless-gl on a hardware
 * renderer), else `wasm` where this runtime has WebAssembly SIMD, else `cpu`; `wasm` insists on the wasm backend;
 * `cpu` is the TypeScript reference backend; `gpu` is the gpu.js backend in whatever mode exists (in Node without
 * the `gl` package, gpu.js's WebAssembly mode: a correctness mode, slower than `wasm`, with a one-line notice).
 */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'gpu'] as const;

/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/**
 * The environment variable that picks the gpu.js mode of `--backend gpu` (`webgl2`, `headlessgl`, `webasm`, `cpu`);
 * unset or `auto`, the backend picks (headless-gl when the `gl` package is installed, else webasm).
 */
export const GPU_MODE_VARIABLE = 'SEQLAB_GPU_MODE';

/**
 * Imports the wasm backend and waits for it to compile; false when this runtime cannot run it. A kernel build named
 * by SEQLAB_WASM_BUILD that cannot run here (or an unknown one) is a {@link UsageError}, not a quiet fall-back to cpu.
 */
async function loadWasm(): Promise<boolean> {
  try {
    const wasm: Record<string, unknown> = await import('@seqlab/kernels-wasm');
    const ready = wasm.ready ?? wasm.initWasm;
    if (typeof ready === 'function') await (ready as () => unknown)();
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new UsageError(firstLine(e));
    return false;
  }
  return listBackends().includes('wasm');
}

/** The first line of an error's message. */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** What starting the gpu backend gave: where it runs, or why it could not start. */
export type GpuStart = { readonly software: boolean; readonly mode: string; readonly renderer: string } | { readonly error: string };

/**
 * How {@link activateBackend} reaches the gpu backend; the defaults load `@seqlab/kernels-gpu`. Tests replace them to
 * check the choice on a machine this one is not (one with headless-gl on a GPU).
 */
export interface GpuAccess {
  /** Starts the gpu backend in a gpu.js mode (`auto`: the backend's own choice). */
  readonly start: (mode: string) => Promise<GpuStart>;
  /** Whether the optional `gl` package (headless-gl) is installed where gpu.js loads it. */
  readonly headlessGlInstalled: () => boolean;
}

async function startGpu(mode: string): Promise<GpuStart> {
  try {
    const gpu = await import('@seqlab/kernels-gpu');
    await gpu.initGpu({ mode: mode as 'auto' });
    const info = gpu.backendInfo();
    return { software: info.software, mode: info.mode, renderer: info.renderer };
  } catch (e) {
    // The backend's own advice ("use mode 'auto' or the wasm backend") gives way to the CLI's options.
    return { error: firstLine(e).replace(/; use .*$/, '') };
  }
}

/** The gpu.js mode asked for through {@link GPU_MODE_VARIABLE}. */
function requestedGpuMode(): string {
  const value = process.env[GPU_MODE_VARIABLE];
  return value === undefined || value === '' ? 'auto' : value;
}

// Resolved as gpu.js resolves it, without loading gpu.js, so that `auto` costs nothing where `gl` is absent (the usual case).
function headlessGlInstalled(): boolean {
  try {
    const fromCli = createRequire(import.meta.url);
    const gpujs = createRequire(fromCli.resolve('@seqlab/kernels-gpu')).resolve('gpu.js');
    createRequire(gpujs).resolve('gl');
    return true;
  } catch {
    return false;
  }
}

/** The defaults of {@link GpuAccess}: the real `@seqlab/kernels-gpu`. */
const KERNELS_GPU: GpuAccess = { start: startGpu, headlessGlInstalled };

/**
 * Whether a real GPU mode can be active in this process: in Node that is headless-gl (the optional `gl` package) on a
 * hardware renderer. Software renderers (llvmpipe under Xvfb, SwiftShader) and gpu.js's CPU modes never count.
 */
async function realGpuActive(gpu: GpuAccess): Promise<boolean> {
  if (!gpu.headlessGlInstalled()) return false;
  const started = await gpu.start('headlessgl');
  return !('error' in started) && !started.software;
}

/**
 * Makes the chosen backend active and returns its name. `wasm` where WebAssembly SIMD is missing and `gpu` where no
 * gpu.js mode can start are {@link UsageError}s (one line, naming the alternative); `auto` picks gpu only on a real
 * GPU, then wasm, then cpu.
 */
export async function activateBackend(choice: BackendChoice, gpu: GpuAccess = KERNELS_GPU): Promise<string> {
  if (choice === 'cpu') {
    setBackend('cpu');
  } else if (choice === 'gpu') {
    const mode = requestedGpuMode();
    const started = await gpu.start(mode);
    if ('error' in started) {
      throw new UsageError(`--backend gpu: no gpu.js mode can run here (${GPU_MODE_VARIABLE}=${mode}): ${started.error}; use --backend wasm or cpu`);
    }
    setBackend('gpu');
  } else if (choice === 'auto' && (await realGpuActive(gpu))) {
    setBackend('gpu');
  } else if (await loadWasm()) {
    setBackend('wasm');
  } else if (choice === 'auto') {
    setBackend('cpu');
  } else {
    throw new UsageError(`--backend wasm: the WebAssembly SIMD backend cannot run in this runtime; use --backend cpu`);
  }
  return getBackend().name;
}

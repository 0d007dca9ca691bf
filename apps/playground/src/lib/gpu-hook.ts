// Starts the gpu backend (`@seqlab/kernels-gpu`, imported lazily so gpu.js loads only where gpu is benched or picked).

/** What the gpu backend runs on, from `backendInfo()` of `@seqlab/kernels-gpu`. */
export interface GpuInfo {
  /** gpu.js's mode: `webgl2` in a browser or Worker. */
  readonly mode: string;
  /** The WebGL renderer string (unmasked where the browser exposes it). */
  readonly renderer: string;
  /** True on a software rasteriser (SwiftShader, llvmpipe) or a CPU mode: its numbers say nothing about a GPU. */
  readonly software: boolean;
}

/** Whether the gpu backend was started, or why not. */
export interface GpuBackendStatus {
  /** Null when the backend started (the bench then measures it like the others); otherwise the reason. */
  readonly skipped: string | null;
  /** What it runs on, when it started. */
  readonly info: GpuInfo | null;
}

/**
 * Imports `@seqlab/kernels-gpu` (which registers `gpu`) and starts it with `initGpu()`; where it cannot start (no
 * WebGL2, no float32 rendering), `skipped` holds the typed error's message and the backend must not be measured.
 *
 * @example
 * ```ts
 * const { skipped, info } = await loadGpuBackend();
 * if (skipped === null) console.log(info?.renderer);
 * ```
 */
export async function loadGpuBackend(): Promise<GpuBackendStatus> {
  try {
    const { initGpu, backendInfo } = await import('@seqlab/kernels-gpu');
    await initGpu();
    const { mode, renderer, software } = backendInfo();
    return { skipped: null, info: { mode, renderer, software } };
  } catch (error) {
    return { skipped: error instanceof Error ? `${error.name}: ${error.message}` : String(error), info: null };
  }
}

/**
 * How the page names a backend: `gpu (webgl2) — <renderer>`, with `· software rendering` when the renderer is a
 * software one; `wasm (2 threads)`; other backends by name.
 *
 * @example
 * ```ts
 * backendLabel('gpu', { gpu: { mode: 'webgl2', renderer: 'SwiftShader', software: true }, wasmThreads: 2 }); // "gpu (webgl2) — SwiftShader · software rendering"
 * ```
 */
export function backendLabel(backend: string, environment: { readonly gpu: GpuInfo | null; readonly wasmThreads: number | null }): string {
  if (backend === 'gpu' && environment.gpu) {
    const { mode, renderer, software } = environment.gpu;
    return `gpu (${mode}) — ${renderer}${software ? ' · software rendering' : ''}`;
  }
  if (backend === 'wasm' && environment.wasmThreads) return `wasm (${environment.wasmThreads} thread${environment.wasmThreads === 1 ? '' : 's'})`;
  return backend;
}

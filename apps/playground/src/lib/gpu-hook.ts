// The hook where the /bench page starts the gpu backend: `@seqlab/kernels-gpu` is not part of this build yet.

/** Whether the gpu backend was started, or why not. */
export interface GpuBackendStatus {
  /** Null when the backend was registered (the bench then measures it like the others); otherwise the reason. */
  readonly skipped: string | null;
}

/**
 * Starts the gpu backend for the bench Worker. HOOK: when `@seqlab/kernels-gpu` lands, add it to the playground's
 * dependencies and replace the body with its import and registration (e.g. `await import('@seqlab/kernels-gpu')`
 * registering `gpu`), returning `{ skipped: null }`; the bench then lists `gpu` among `listBackends()` and measures it,
 * with the renderer string the page already reports.
 *
 * @example
 * ```ts
 * const { skipped } = await loadGpuBackend();
 * ```
 */
export async function loadGpuBackend(): Promise<GpuBackendStatus> {
  return { skipped: 'the @seqlab/kernels-gpu package is not part of this build yet' };
}

// The `gpu` backend (@seqlab/kernels-gpu) for the speed and memory experiments' extra rows: started on demand, labelled
// with its gpu.js mode and renderer, so software rows (gpu.js's CPU modes, SwiftShader) are never read as GPU numbers.
import { getBackend, setBackend } from '@seqlab/tensor-core';

/** The gpu backend as started for an experiment. */
export interface GpuRowsInfo {
  /** gpu.js mode: `webgl2`, `headlessgl`, `webasm` or `cpu`. */
  readonly mode: string;
  /** The WebGL renderer string, or gpu.js's name for its CPU mode. */
  readonly renderer: string;
  /** True for software renderers and gpu.js's CPU modes. */
  readonly software: boolean;
  /** The label the rows carry in their backend column, e.g. `gpu (gpu.js webasm, software on CPU)`. */
  readonly label: string;
  /** What ran the rows and what they can show, as a predicate for the report ("ran in software on …"). */
  readonly note: string;
}

/** Why the gpu rows could not run. */
export interface GpuRowsUnavailable {
  /** The first line of the error `initGpu` (or the import) threw. */
  readonly error: string;
}

/**
 * The backend-column label of gpu rows for a mode and renderer.
 *
 * @example
 * ```ts
 * console.assert(gpuRowLabel('webasm', 'gpu.js webasm mode (CPU)', true) === 'gpu (gpu.js webasm, software on CPU)');
 * console.assert(gpuRowLabel('webgl2', 'ANGLE (SwiftShader)', true) === 'gpu (webgl2: ANGLE (SwiftShader), software)');
 * ```
 */
export function gpuRowLabel(mode: string, renderer: string, software: boolean): string {
  if (mode === 'webasm' || mode === 'cpu') return `gpu (gpu.js ${mode}, software on CPU)`;
  return `gpu (${mode}: ${renderer}${software ? ', software' : ''})`;
}

/**
 * Imports and starts `@seqlab/kernels-gpu` (never the default backend), or says why it could not.
 *
 * @example
 * ```ts
 * const gpu = await startGpuRows();
 * console.log('error' in gpu ? `no gpu rows: ${gpu.error}` : `${gpu.label}: ${gpu.note}`);
 * ```
 */
export async function startGpuRows(): Promise<GpuRowsInfo | GpuRowsUnavailable> {
  try {
    const gpu = await import('@seqlab/kernels-gpu');
    await gpu.initGpu();
    const { mode, renderer, software } = gpu.backendInfo();
    const note = software
      ? `ran in software on this machine's CPU (gpu.js mode ${mode}, renderer "${renderer}"), so they decide nothing about GPUs`
      : `ran on gpu.js mode ${mode}, renderer "${renderer}"`;
    return { mode, renderer, software, label: gpuRowLabel(mode, renderer, software), note };
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
}

/**
 * Runs `fn` with backend `name` active (new tensors and parameters live there), then restores the previous one.
 *
 * @example
 * ```ts
 * const before = getBackend().name;
 * const name = await withBackend('cpu', async () => getBackend().name);
 * console.assert(name === 'cpu' && getBackend().name === before);
 * ```
 */
export async function withBackend<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const previous = getBackend().name;
  setBackend(name);
  try {
    return await fn();
  } finally {
    setBackend(previous);
  }
}

// The backend badge: an honest one-line description of what the training worker computes on.
import { BACKENDS, type BackendId } from './train-config.js';

/** What the worker reports about its backend once it is up. */
export interface BackendStatus {
  /** The backend requested. */
  readonly backend: BackendId;
  /** The backend tensors actually live on (tensor-core's active backend name). */
  readonly active: string;
  /** wasm: threads its large kernels use (the worker's own thread included). */
  readonly threads?: number;
  /** wasm: whether its memory is shared (cross-origin isolation), which threads need. */
  readonly sharedMemory?: boolean;
  /** gpu: the renderer string of the WebGL context (`backendInfo().renderer` of `@seqlab/kernels-gpu`). */
  readonly renderer?: string;
  /** gpu: gpu.js's mode (`webgl2` in a browser). */
  readonly mode?: string;
  /** gpu: true on a software rasteriser (SwiftShader, llvmpipe) or a CPU mode, whose speed says nothing about a GPU. */
  readonly software?: boolean;
  /** Why the requested backend could not start (the typed error's message), when the worker fell back. */
  readonly fallbackReason?: string;
}

/**
 * The badge text: `wasm SIMD ×2 threads`, `wasm SIMD ×1 thread (no cross-origin isolation)`, `cpu`, or
 * `gpu (webgl2) — <renderer>` (with `· software rendering` on SwiftShader and the like). Names what the tensors are
 * really on, so a fallback shows: `wasm SIMD ×2 threads (gpu unavailable)`; {@link fallbackNote} says why.
 *
 * @example
 * ```ts
 * backendBadge({ backend: 'wasm', active: 'wasm', threads: 2, sharedMemory: true }); // "wasm SIMD ×2 threads"
 * backendBadge({ backend: 'gpu', active: 'gpu', mode: 'webgl2', renderer: 'SwiftShader', software: true }); // "gpu (webgl2) — SwiftShader · software rendering"
 * ```
 */
export function backendBadge(status: BackendStatus): string {
  const fallback = status.backend !== status.active ? ` (${status.backend} unavailable)` : '';
  if (status.active === 'wasm') {
    const n = status.threads ?? 1;
    return `wasm SIMD ×${n} thread${n === 1 ? '' : 's'}${status.sharedMemory === false ? ' (no cross-origin isolation)' : ''}${fallback}`;
  }
  if (status.active === 'gpu') {
    const mode = status.mode ? ` (${status.mode})` : '';
    return `gpu${mode} — ${status.renderer ?? 'unknown renderer'}${status.software ? ' · software rendering' : ''}`;
  }
  return `${status.active}${fallback}`;
}

/**
 * The line under the badge when the worker fell back from the requested backend: which one, why (the typed error's
 * message), and what it trains on instead; undefined when it runs what was asked for.
 *
 * @example
 * ```ts
 * fallbackNote({ backend: 'gpu', active: 'wasm', fallbackReason: 'initGpu: no WebGL2' }); // "gpu could not start (initGpu: no WebGL2); training on wasm instead"
 * ```
 */
export function fallbackNote(status: BackendStatus): string | undefined {
  if (status.backend === status.active) return undefined;
  return `${status.backend} could not start${status.fallbackReason ? ` (${status.fallbackReason})` : ''}; training on ${status.active} instead`;
}

/**
 * The backend a run really computed on, for the CLI command that reproduces it: the worker's active backend once it
 * reported (so a run that fell back from gpu to wasm maps to `--backend wasm`), else the one requested.
 *
 * @example
 * ```ts
 * runBackend({ backend: 'gpu', active: 'gpu' }, 'gpu'); // "gpu"
 * runBackend({ backend: 'gpu', active: 'wasm' }, 'gpu'); // "wasm"
 * ```
 */
export function runBackend(status: BackendStatus | undefined, requested: BackendId): BackendId {
  const active = status?.active;
  return (BACKENDS as readonly string[]).includes(active ?? '') ? (active as BackendId) : requested;
}

/**
 * Worker threads for the wasm backend: one per logical core up to 4 when the page is cross-origin isolated (shared
 * memory), else 1.
 *
 * @example
 * ```ts
 * wasmThreadCount(true, 8); // 4
 * ```
 */
export function wasmThreadCount(crossOriginIsolated: boolean, cores: number): number {
  return crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1;
}

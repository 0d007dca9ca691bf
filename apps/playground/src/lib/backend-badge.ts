// The backend badge: an honest one-line description of what the training worker computes on.
import type { BackendId } from './train-config.js';

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
  /** gpu: the renderer string of the WebGL context (reserved for `@seqlab/kernels-gpu`). */
  readonly renderer?: string;
}

/**
 * The badge text: `wasm SIMD ×2 threads`, `wasm SIMD ×1 thread (no cross-origin isolation)`, `cpu`, or
 * `gpu — <renderer>`. Names what the tensors are really on, so a silent fallback shows.
 *
 * @example
 * ```ts
 * backendBadge({ backend: 'wasm', active: 'wasm', threads: 2, sharedMemory: true }); // "wasm SIMD ×2 threads"
 * ```
 */
export function backendBadge(status: BackendStatus): string {
  if (status.active === 'wasm') {
    const n = status.threads ?? 1;
    return `wasm SIMD ×${n} thread${n === 1 ? '' : 's'}${status.sharedMemory === false ? ' (no cross-origin isolation)' : ''}`;
  }
  if (status.active === 'gpu') return `gpu — ${status.renderer ?? 'unknown renderer'}`;
  const fallback = status.backend !== status.active ? ` (${status.backend} unavailable)` : '';
  return `${status.active}${fallback}`;
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

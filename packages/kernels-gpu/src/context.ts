// The one gpu.js instance the backend runs on: its mode, GL context, limits and lost-context state.
import type { GPU } from 'gpu.js';
import { GpuContextLostError } from './errors.js';
import { gpuState } from './shared.js';

/**
 * Where gpu.js runs the backend's kernels: `webgl2` (browsers and Workers, through a canvas or OffscreenCanvas),
 * `headlessgl` (Node with the optional `gl` package installed), or gpu.js's `webasm` and `cpu` modes, which run on
 * the CPU and exist for correctness tests only (they are slower than the `wasm` backend).
 *
 * @example
 * ```ts
 * const mode: GpuMode = backendInfo().mode; // 'webgl2' in a browser, 'webasm' in Node without `gl`
 * ```
 */
export type GpuMode = 'webgl2' | 'headlessgl' | 'webasm' | 'cpu';

/**
 * Every {@link GpuMode}, in the order `auto` tries them.
 *
 * @example
 * ```ts
 * console.assert(GPU_MODES.includes(backendInfo().mode));
 * ```
 */
export const GPU_MODES: readonly GpuMode[] = ['webgl2', 'headlessgl', 'webasm', 'cpu'];

/** Internal: a started gpu.js instance and what the backend knows about it. */
export interface GpuRuntime {
  /** The gpu.js instance every program is compiled on. */
  readonly gpu: GPU;
  readonly mode: GpuMode;
  /** The GL context (webgl2, headlessgl); undefined in webasm and cpu modes. */
  gl: WebGL2RenderingContext | undefined;
  /** MAX_TEXTURE_SIZE (or the lower limit set by `initGpu({ maxTextureSize })`); undefined without GL. */
  maxTextureSize: number | undefined;
  /** Largest element count of one tensor: min(MAX_TEXTURE_SIZE², 2^24). */
  maxElements: number;
  /** `kernel.constructor.mode` of the kernels gpu.js built: 'gpu' for GL kernels, 'webasm' or 'cpu'. */
  kernelMode: string;
  /** UNMASKED_RENDERER_WEBGL, else RENDERER, else a description of the CPU mode. */
  renderer: string;
  /** Set by the `webglcontextlost` event; `gl.isContextLost()` is checked as well. */
  lost: boolean;
  /** Distinguishes this runtime's storages from those of an earlier `initGpu`. */
  readonly id: number;
  /** GL textures held by live tensors, and their bytes (RGBA32F texels × 16, four values per texel). */
  textures: number;
  textureBytes: number;
}

/** The current runtime, and the start-up that `runtime()` runs when an op comes before `initGpu()`. */
const current = gpuState.claim('context', {
  runtime: undefined as GpuRuntime | undefined,
  start: undefined as (() => GpuRuntime) | undefined,
  nextId: 1,
});

/** Internal: installs the start-up function (init.ts) that {@link runtime} calls on first use. */
export function setDefaultStart(start: () => GpuRuntime): void {
  current.start = start;
}

/** Internal: makes `rt` the runtime every later op uses. */
export function setRuntime(rt: GpuRuntime | undefined): void {
  current.runtime = rt;
}

/** Internal: a fresh runtime id. */
export function nextRuntimeId(): number {
  return current.nextId++;
}

/** Internal: the runtime if one has started, without starting one. */
export function currentRuntime(): GpuRuntime | undefined {
  return current.runtime;
}

/** True when `rt`'s GL context is gone (event seen, or `isContextLost()`). */
export function isLost(rt: GpuRuntime): boolean {
  if (!rt.lost && rt.gl !== undefined && rt.gl.isContextLost()) rt.lost = true;
  return rt.lost;
}

/**
 * Internal: the runtime ops run on, started with default options on first use; throws {@link GpuContextLostError}
 * once its WebGL context is lost (`op` names the caller in the message).
 */
export function runtime(op: string): GpuRuntime {
  let rt = current.runtime;
  if (rt === undefined) {
    if (current.start === undefined) throw new Error('kernels-gpu: no start-up function installed (init.ts not loaded)');
    rt = current.start();
  }
  if (isLost(rt)) {
    throw new GpuContextLostError(
      `${op}: the WebGL context of the gpu backend was lost (mode ${rt.mode}, renderer ${rt.renderer}); its tensors are gone. Call initGpu() to start a new context`,
    );
  }
  return rt;
}

// Typed errors of the gpu backend: no usable float32 GPU mode, a lost WebGL context, a tensor over the texture limit.
import { SeqlabError } from '@seqlab/tensor-core';

/**
 * The gpu backend cannot run here: the requested gpu.js mode does not exist in this runtime, or the start-up probe
 * found float32 textures unusable (no `EXT_color_buffer_float`, a float render of 1e-8 read back as 0, or a NaN from
 * the safe tanh of ±100). `missing` names each failed check.
 *
 * @example
 * ```ts
 * try {
 *   await initGpu({ probe: (measured) => ({ ...measured, colorBufferFloat: false }) }); // simulate a GPU without float render targets
 * } catch (e) {
 *   console.assert(e instanceof GpuUnavailableError && e.code === 'GPU_UNAVAILABLE' && e.missing.includes('EXT_color_buffer_float'));
 * }
 * ```
 */
export class GpuUnavailableError extends SeqlabError {
  /** The checks that failed, e.g. `EXT_color_buffer_float`, `float32 render`, `finite tanh(±100)`, `mode webgl2`. */
  readonly missing: readonly string[];
  constructor(message: string, missing: readonly string[]) {
    super('GPU_UNAVAILABLE', message);
    this.missing = missing;
  }
}

/**
 * The WebGL context was lost (the browser reclaimed the GPU, or `WEBGL_lose_context` was called). Every op and read
 * on the gpu backend throws this from then on, instead of returning the NaNs or zeros a lost context reads as; call
 * `initGpu()` again to start a new context (tensors made before are gone).
 *
 * @example
 * ```ts
 * try {
 *   x.dataSync();
 * } catch (e) {
 *   if (e instanceof GpuContextLostError) await initGpu(); // e.code === 'GPU_CONTEXT_LOST'
 * }
 * ```
 */
export class GpuContextLostError extends SeqlabError {
  constructor(message: string) {
    super('GPU_CONTEXT_LOST', message);
  }
}

/**
 * A tensor has more elements than the gpu backend can hold in one flat texture: MAX_TEXTURE_SIZE² texels, and at most
 * 2^24 elements, the largest count whose every index float32 index math addresses exactly. `limit` is the smaller.
 * Such tensors are refused, not split: keep them on `wasm` or `cpu`.
 *
 * @example
 * ```ts
 * try {
 *   zeros([5000, 5000], { backend: 'gpu' }); // 25M elements > 2^24
 * } catch (e) {
 *   console.assert(e instanceof TextureLimitError && e.code === 'GPU_LIMIT_EXCEEDED' && e.limit === 2 ** 24);
 * }
 * ```
 */
export class TextureLimitError extends SeqlabError {
  /** The largest element count a gpu tensor may have here. */
  readonly limit: number;
  constructor(message: string, limit: number) {
    super('GPU_LIMIT_EXCEEDED', message);
    this.limit = limit;
  }
}

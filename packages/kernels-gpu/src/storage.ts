// Storage of the gpu backend: float32 in flat 1-D float textures (typed arrays in webasm/cpu modes); int32 and bool on the host.
import { Texture } from 'gpu.js';
import { formatShape } from '@seqlab/tensor-core';
import { GpuContextLostError, TextureLimitError } from './errors.js';
import { currentRuntime, runtime, type GpuRuntime } from './context.js';

/**
 * What gpu.js gives back for a flat output of `n` elements: a `Texture` in GL modes (pipeline), a `Float32Array` in
 * webasm and cpu modes (gpu.js returns typed arrays there even with `pipeline: true`).
 *
 * @example
 * ```ts
 * const data: FloatData | undefined = (y.handle as GpuFloat).data; // a Texture after a kernel on WebGL2
 * ```
 */
export type FloatData = Texture | Float32Array;

/**
 * The storage handle of a float32 tensor on the gpu backend: `size` elements in one flat 1-D texture (`tex`), or, for
 * a tensor uploaded from the host and not yet used by a kernel, in `host` (uploaded as an input the first time a
 * program reads it, then dropped). int32 and bool tensors are not GpuFloat: their handle is the host typed array
 * itself (Int32Array, Uint8Array), because a float32 texture holds integers exactly only up to 2^24.
 *
 * @example
 * ```ts
 * const h = getBackend('gpu').upload(new Float32Array([1, 2]), 'float32') as GpuFloat;
 * console.assert(h instanceof GpuFloat && h.size === 2);
 * ```
 */
export class GpuFloat {
  /** Element count. */
  readonly size: number;
  /** The runtime that made it (a handle of an earlier `initGpu` is refused). */
  readonly runtimeId: number;
  /** Data on the device: a Texture (GL) or typed array (webasm/cpu); undefined while the data is still in `host`. */
  data: FloatData | undefined;
  /** Data not yet on the device. */
  host: Float32Array | undefined;
  /** Called once when the texture is released (the program cache's hold on the kernel that made it). */
  onRelease: (() => void) | undefined = undefined;
  constructor(size: number, runtimeId: number, data: FloatData | undefined, host: Float32Array | undefined) {
    this.size = size;
    this.runtimeId = runtimeId;
    this.data = data;
    this.host = host;
  }
}

/** Internal: throws {@link TextureLimitError} when a tensor of `size` elements cannot live on `rt`. */
export function checkSize(rt: GpuRuntime, op: string, size: number, shape?: readonly number[]): void {
  if (size <= rt.maxElements) return;
  const what = shape === undefined ? `${size} elements` : `shape ${formatShape(shape)} (${size} elements)`;
  const limit =
    rt.maxTextureSize !== undefined && rt.maxTextureSize * rt.maxTextureSize === rt.maxElements
      ? `MAX_TEXTURE_SIZE² = ${rt.maxTextureSize}² texels of one flat texture`
      : '2^24 elements, the largest count float32 index math addresses exactly';
  throw new TextureLimitError(
    `${op}: a gpu tensor holds at most ${rt.maxElements} elements (${limit}); received ${what}. Keep it on 'wasm' or 'cpu'`,
    rt.maxElements,
  );
}

/** Bytes of GPU memory a texture takes: its texels × 16 (RGBA32F). */
function textureBytes(data: Texture): number {
  const [w, h] = (data as unknown as { size: [number, number] }).size;
  return w * h * 16;
}

/** Internal: counts a texture that a tensor now owns. */
export function ownTexture(rt: GpuRuntime, data: FloatData): void {
  if (data instanceof Texture) {
    rt.textures++;
    rt.textureBytes += textureBytes(data);
  }
}

/** Internal: the handle's runtime, or a typed error when the handle outlived its context. */
export function runtimeOf(op: string, handle: GpuFloat): GpuRuntime {
  const rt = runtime(op);
  if (handle.runtimeId !== rt.id) {
    throw new GpuContextLostError(`${op}: this tensor belongs to an earlier gpu context (before the last initGpu()); its data is gone`);
  }
  return rt;
}

/** Internal: a new float32 handle on the host (uploaded on first use). */
export function hostFloat(op: string, values: Float32Array): GpuFloat {
  const rt = runtime(op);
  checkSize(rt, op, values.length);
  return new GpuFloat(values.length, rt.id, undefined, values);
}

/** Internal: reads a float32 handle back into a new Float32Array. */
export function readFloat(op: string, handle: GpuFloat): Float32Array {
  const rt = runtimeOf(op, handle);
  if (handle.host !== undefined) return handle.host.slice();
  const data = handle.data;
  if (data === undefined) return new Float32Array(0);
  if (!(data instanceof Texture)) return data.slice();
  // A 1-D output reads back as the first `size` values of its squarified texture.
  const values = data.toArray() as Float32Array;
  if (rt.lost || (rt.gl !== undefined && rt.gl.isContextLost())) runtime(op);
  return values.length === handle.size ? values.slice() : values.slice(0, handle.size);
}

/**
 * Internal: reads a float32 handle back without blocking on WebGL2: readPixels into a pixel-pack buffer, a fence, and
 * the copy once the fence has signalled (polled each macrotask). Other modes read synchronously.
 */
export async function readFloatAsync(op: string, handle: GpuFloat): Promise<Float32Array> {
  const rt = runtimeOf(op, handle);
  const data = handle.data;
  const gl = rt.gl;
  if (handle.host !== undefined || !(data instanceof Texture) || gl === undefined || rt.mode !== 'webgl2') return readFloat(op, handle);
  const texture = data as unknown as { size: [number, number]; type: string; texture: WebGLTexture; framebuffer(): WebGLFramebuffer };
  const [w, h] = texture.size;
  gl.bindFramebuffer(gl.FRAMEBUFFER, texture.framebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture.texture, 0);
  const buffer = gl.createBuffer();
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
  gl.bufferData(gl.PIXEL_PACK_BUFFER, w * h * 16, gl.STREAM_READ);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.FLOAT, 0);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  const fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  gl.flush();
  try {
    while (fence !== null && gl.getSyncParameter(fence, gl.SYNC_STATUS) !== gl.SIGNALED) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      runtime(op);
    }
    const rgba = new Float32Array(w * h * 4);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, rgba);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    runtime(op);
    // Memory-optimized textures pack four values per texel; plain float textures keep one, in the red channel.
    if (texture.type === 'MemoryOptimizedNumberTexture') return rgba.slice(0, handle.size);
    const out = new Float32Array(handle.size);
    for (let k = 0; k < out.length; k++) out[k] = rgba[4 * k];
    return out;
  } finally {
    if (fence !== null) gl.deleteSync(fence);
    gl.deleteBuffer(buffer);
  }
}

/** Internal: frees a float32 handle's texture (the GL texture goes when no clone of it is left). */
export function releaseFloat(handle: GpuFloat): void {
  const data = handle.data;
  handle.data = undefined;
  handle.host = undefined;
  if (!(data instanceof Texture)) return;
  const rt = currentRuntime();
  if (rt !== undefined && rt.id === handle.runtimeId) {
    rt.textures--;
    rt.textureBytes -= textureBytes(data);
  }
  data.delete();
  const onRelease = handle.onRelease;
  handle.onRelease = undefined;
  onRelease?.();
}

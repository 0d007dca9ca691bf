// Typed errors of the gpu backend on WebGL2: float textures missing (simulated) and a lost context.
import { describe, expect, it } from 'vitest';
import { add, tensor } from '@seqlab/tensor-core';
import { backendInfo, GpuContextLostError, GpuFloat, GpuUnavailableError, initGpu, isContextLost } from '@seqlab/kernels-gpu';

describe('the float32 probe', () => {
  it('throws GpuUnavailableError naming EXT_color_buffer_float when float render targets are missing (simulated)', async () => {
    const error = await initGpu({ probe: (m) => ({ ...m, colorBufferFloat: false }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuUnavailableError);
    expect(error).toMatchObject({ code: 'GPU_UNAVAILABLE', missing: ['EXT_color_buffer_float'] });
    expect((error as Error).message).toMatch(/missing EXT_color_buffer_float/);
  });

  it('names every failed check: a flushed float render and a NaN tanh', async () => {
    const error = await initGpu({ probe: (m) => ({ ...m, floatRender: 0, tanh100: [NaN, -1] }) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GPU_UNAVAILABLE', missing: ['float32 render', 'finite tanh(±100)'] });
  });

  it('passes on SwiftShader, which has float32 render targets', async () => {
    await initGpu();
    expect(backendInfo().probe.colorBufferFloat).toBe(true);
  });
});

describe('a lost WebGL context', () => {
  it('makes later ops and reads throw GpuContextLostError instead of returning NaNs, until initGpu starts a new one', async () => {
    await initGpu();
    const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
    const y = add(x, x);
    const mask = tensor([true, false], undefined, { backend: 'gpu' });
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
    // The backend's own context (a texture knows it): WEBGL_lose_context on it, as a browser reclaiming the GPU would.
    const gl = ((y.handle as GpuFloat).data as unknown as { context: WebGL2RenderingContext }).context;
    gl.getExtension('WEBGL_lose_context')!.loseContext();
    expect(isContextLost()).toBe(true);
    expect(() => y.dataSync()).toThrow(GpuContextLostError);
    await expect(y.data()).rejects.toThrow(GpuContextLostError);
    expect(() => add(y, x)).toThrow(expect.objectContaining({ code: 'GPU_CONTEXT_LOST' }));
    expect(() => mask.dataSync()).toThrow(GpuContextLostError);
    expect(() => tensor([1], undefined, { backend: 'gpu' })).toThrow(GpuContextLostError);
    expect(() => backendInfo()).toThrow(GpuContextLostError);
    // y's storage is released without an error (dispose, or the GC net).
    expect(() => y.dispose()).not.toThrow();

    await initGpu();
    expect(isContextLost()).toBe(false);
    expect(() => x.dataSync()).toThrow(/earlier gpu context/);
    const z = tensor([1, 2], undefined, { backend: 'gpu' });
    expect(Array.from(add(z, z).dataSync())).toEqual([2, 4]);
  });
});

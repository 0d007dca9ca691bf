// Typed errors of the gpu backend in Node (gpu.js webasm mode): the probe, unavailable modes, bad options, the size cap.
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '@seqlab/tensor-core';
import { backendInfo, GpuUnavailableError, initGpu, TextureLimitError } from '@seqlab/kernels-gpu';

afterAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('initGpu in Node', () => {
  it('picks webasm without `gl`, and reports it as software', async () => {
    await initGpu();
    expect(backendInfo()).toMatchObject({ mode: 'webasm', kernelMode: 'webasm', software: true, maxTextureSize: undefined, maxElements: 2 ** 24 });
  });

  it('throws GpuUnavailableError for a mode this runtime lacks', async () => {
    await expect(initGpu({ mode: 'webgl2' })).rejects.toMatchObject({ code: 'GPU_UNAVAILABLE', missing: ['mode webgl2'] });
    await expect(initGpu({ mode: 'webgl2' })).rejects.toThrow(/'webgl2' is not available here \(Node\.js\)/);
  });

  it('refuses unknown modes and bad limits with INVALID_ARGUMENT', async () => {
    await expect(initGpu({ mode: 'webgpu' as 'cpu' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(initGpu({ maxTextureSize: 0 })).rejects.toThrow(/'maxTextureSize' must be a positive integer; received 0/);
  });

  it('throws GpuUnavailableError naming each failed probe check (simulated)', async () => {
    const error = await initGpu({ mode: 'webasm', probe: () => ({ colorBufferFloat: false, floatRender: 0, tanh100: [NaN, NaN] }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuUnavailableError);
    expect((error as GpuUnavailableError).missing).toEqual(['EXT_color_buffer_float', 'float32 render', 'finite tanh(±100)']);
    expect((error as Error).message).toMatch(/render of 1e-8 → 0/);
  });

  it('runs the cpu mode on request', async () => {
    await initGpu({ mode: 'cpu' });
    expect(backendInfo()).toMatchObject({ mode: 'cpu', kernelMode: 'cpu' });
    expect(Array.from(tensor([1, 2], undefined, { backend: 'gpu' }).dataSync())).toEqual([1, 2]);
  });
});

describe('the element cap', () => {
  it('refuses more than 2^24 elements with TextureLimitError', async () => {
    await initGpu({ mode: 'webasm' });
    const error = (() => {
      try {
        tensor(new Float32Array(2 ** 24 + 1), undefined, { backend: 'gpu' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TextureLimitError);
    expect(error).toMatchObject({ code: 'GPU_LIMIT_EXCEEDED', limit: 2 ** 24 });
    expect((error as Error).message).toMatch(/(upload|adopt): a gpu tensor holds at most 16777216 elements .*received 16777217 elements/);
  });
});

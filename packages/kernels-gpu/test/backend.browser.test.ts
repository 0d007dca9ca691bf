// The gpu backend on WebGL2 in headless Chromium: storage and reads, the compile cache, memory and the GC net, limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, exp, getBackend, memory, mul, neg, sigmoid, sub, tanh, tensor, type Tensor } from '@seqlab/tensor-core';
import { backendInfo, compileCount, GpuFloat, initGpu, programCacheSize, setProgramCacheCapacity, TextureLimitError } from '@seqlab/kernels-gpu';
import { collectGarbage } from './helpers.js';

beforeAll(async () => {
  await initGpu();
});

describe('backendInfo on headless Chromium', () => {
  it('reports webgl2 with GL kernels, the SwiftShader renderer as software, and the texture limits', () => {
    const info = backendInfo();
    console.log(`renderer: ${info.renderer}`);
    expect(info.mode).toBe('webgl2');
    expect(info.kernelMode).toBe('gpu');
    expect(info.renderer).toMatch(/SwiftShader/);
    expect(info.software).toBe(true);
    expect(info.maxTextureSize).toBeGreaterThanOrEqual(4096);
    expect(info.maxElements).toBe(Math.min(info.maxTextureSize! ** 2, 2 ** 24));
    expect(info.probe.colorBufferFloat).toBe(true);
    expect(info.probe.floatRender).toBeGreaterThan(0);
    expect(info.probe.tanh100).toEqual([1, -1]);
  });

  it('is registered by the import and never made the active backend', async () => {
    expect(getBackend('gpu').name).toBe('gpu');
    expect(getBackend().name).toBe('cpu');
  });
});

describe('storage', () => {
  it('keeps float32 results in textures between kernels and reads them back, sync and async', async () => {
    const x = tensor([0.5, -1, 2, 100], undefined, { backend: 'gpu' });
    const y = tanh(mul(add(x, 1), 2));
    expect((y.handle as GpuFloat).data?.constructor.name).not.toBe('Float32Array');
    const expected = [0.5, -1, 2, 100].map((v) => Math.tanh((v + 1) * 2));
    const sync = Array.from(y.dataSync());
    const asynchronous = Array.from(await y.data());
    expect(asynchronous).toEqual(sync);
    sync.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('keeps int32 and bool on the host, exact beyond 2^24', () => {
    const big = 2 ** 24 + 1;
    const i = tensor([big, -big], undefined, { dtype: 'int32', backend: 'gpu' });
    expect(Array.from(add(i, i).dataSync())).toEqual([2 * big, -2 * big]);
    expect(i.handle).toBeInstanceOf(Int32Array);
  });

  it('a second run of a cached program leaves the first result intact (immutable outputs)', () => {
    const a = tensor([1, 2, 3], undefined, { backend: 'gpu' });
    const first = neg(a);
    const second = neg(tensor([7, 8, 9], undefined, { backend: 'gpu' }));
    expect(Array.from(first.dataSync())).toEqual([-1, -2, -3]);
    expect(Array.from(second.dataSync())).toEqual([-7, -8, -9]);
  });
});

describe('the compile cache', () => {
  it('compiles nothing the second time an op runs on the same shapes, nor for a same-shape op on a new size', () => {
    const a = tensor([[1, 2, 3]], undefined, { backend: 'gpu' });
    const b = tensor([[1], [2]], undefined, { backend: 'gpu' });
    sub(a, b).dispose();
    exp(a).dispose();
    const before = compileCount();
    sub(a, b).dispose();
    exp(a).dispose();
    exp(tensor([1, 2, 3, 4, 5], undefined, { backend: 'gpu' })).dispose();
    expect(compileCount()).toBe(before);
    // A new broadcast pattern bakes new index math: exactly one program.
    sub(b, a).dispose();
    expect(compileCount()).toBe(before + 1);
    expect(programCacheSize()).toBeLessThanOrEqual(256);
  });
});

describe('the cache bound', () => {
  afterAll(() => setProgramCacheCapacity(256));

  it('evicts the least recently used program without touching the textures its results live in', () => {
    const base = backendInfo().textures;
    const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
    const y = tensor([4, 5], undefined, { backend: 'gpu' });
    const first = neg(x); // the program's first output texture
    const second = neg(y); // a second one, while the first is still held
    setProgramCacheCapacity(1);
    const before = compileCount();
    const third = sigmoid(y); // evicts (and destroys) neg's program
    expect(programCacheSize()).toBe(1);
    expect(Array.from(first.dataSync())).toEqual([-1, -2, -3]);
    expect(Array.from(second.dataSync())).toEqual([-4, -5]);
    expect(Array.from(neg(x).dataSync())).toEqual([-1, -2, -3]); // compiled again
    expect(compileCount()).toBe(before + 2);
    for (const t of [x, y, first, second, third]) t.dispose();
    expect(backendInfo().textures).toBeLessThanOrEqual(base + 1); // the re-run neg's result, until collected
  });
});

describe('memory', () => {
  it('counts a texture per float32 tensor and returns to the baseline after dispose', () => {
    const base = { ...memory('gpu'), textures: backendInfo().textures };
    const xs: Tensor[] = [];
    for (let k = 0; k < 20; k++) xs.push(tensor([k, k, k], undefined, { backend: 'gpu' }));
    // Uploaded tensors wait on the host until a kernel reads them: storages now, textures after the adds.
    expect(memory('gpu').storages).toBe(base.storages + 20);
    const ys = xs.map((x) => mul(x, x));
    expect(backendInfo().textures).toBe(base.textures + 40);
    expect(memory('gpu').storages).toBe(base.storages + 40);
    expect(memory('gpu').bytes).toBe(base.bytes + 40 * 12);
    for (const y of ys) y.dispose();
    expect(backendInfo().textures).toBe(base.textures + 20);
    for (const x of xs) x.dispose();
    expect(backendInfo().textures).toBe(base.textures);
    expect(memory('gpu')).toMatchObject({ storages: base.storages, bytes: base.bytes });
  });

  it('frees textures of tensors that were never disposed through the FinalizationRegistry net', async () => {
    await collectGarbage();
    const base = backendInfo().textures;
    (() => {
      for (let k = 0; k < 50; k++) add(tensor([k, 2 * k], undefined, { backend: 'gpu' }), 1).dataSync();
    })();
    await collectGarbage();
    expect(backendInfo().textures).toBe(base);
  });

  it('holds the texture count flat over 1,000 ops without dispose when the collector runs', async () => {
    await collectGarbage();
    const base = backendInfo().textures;
    let x = tensor([0, 0, 0, 0], undefined, { backend: 'gpu' });
    const live: number[] = [];
    for (let step = 0; step < 1000; step++) {
      x = add(x, 1); // one texture a step: the number operand is a uniform
      if (step % 250 === 249) {
        await collectGarbage();
        live.push(backendInfo().textures - base);
      }
    }
    expect(Array.from(x.dataSync())).toEqual([1000, 1000, 1000, 1000]);
    // Without the net 1,000 textures would be alive; with it, x and at most a few not yet collected.
    expect(Math.max(...live), `live textures at steps 250, 500, 750, 1000: ${live.join(', ')}`).toBeLessThanOrEqual(5);
  });
});

describe('limits', () => {
  afterAll(async () => {
    await initGpu();
  });

  it('refuses a tensor over MAX_TEXTURE_SIZE² elements with TextureLimitError naming the limit, on upload and as a kernel output', async () => {
    await initGpu({ maxTextureSize: 64 });
    expect(backendInfo().maxElements).toBe(4096);
    expect(() => tensor(new Float32Array(4097), undefined, { backend: 'gpu' })).toThrow(TextureLimitError);
    expect(() => tensor(new Float32Array(4097), undefined, { backend: 'gpu' })).toThrow(/at most 4096 elements \(MAX_TEXTURE_SIZE² = 64² texels/);
    const col = tensor(new Float32Array(64), [64, 1], { backend: 'gpu' });
    const row = tensor(new Float32Array(65), [1, 65], { backend: 'gpu' });
    expect(() => add(col, row)).toThrow(expect.objectContaining({ code: 'GPU_LIMIT_EXCEEDED', limit: 4096 }));
    expect(add(col, tensor(new Float32Array(64), [1, 64], { backend: 'gpu' })).shape).toEqual([64, 64]);
  });

  it('refuses more than 2^24 elements, the exact-index cap, where the texture would allow more', async () => {
    await initGpu();
    expect(() => tensor(new Float32Array(2 ** 24 + 1), undefined, { backend: 'gpu' })).toThrow(/at most 16777216 elements \(2\^24/);
  });
});

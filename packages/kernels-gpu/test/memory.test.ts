// Memory accounting of the gpu backend in Node (webasm mode): storages counted by tensor-core, the GC net frees them.
import { beforeAll, describe, expect, it } from 'vitest';
import { add, memory, tensor } from '@seqlab/tensor-core';
import { gpuBackend, initGpu } from '@seqlab/kernels-gpu';
import { collectGarbage } from './helpers.js';

beforeAll(async () => {
  await initGpu({ mode: 'webasm' });
});

describe('memory on the gpu backend', () => {
  it('is not garbage-collected storage, so the FinalizationRegistry net hands handles to release', () => {
    expect(gpuBackend.garbageCollected).toBe(false);
  });

  it('counts storages and bytes and returns to the baseline after dispose', () => {
    const base = memory('gpu');
    const x = tensor([1, 2, 3, 4], undefined, { backend: 'gpu' });
    const i = tensor([1, 2], undefined, { dtype: 'int32', backend: 'gpu' });
    const y = add(x, x);
    expect(memory('gpu')).toMatchObject({ storages: base.storages + 3, bytes: base.bytes + 16 + 8 + 16 });
    for (const t of [x, i, y]) t.dispose();
    expect(memory('gpu')).toMatchObject({ storages: base.storages, bytes: base.bytes });
  });

  it('frees tensors that were never disposed when the collector runs', async () => {
    await collectGarbage();
    const base = memory('gpu').storages;
    (() => {
      for (let k = 0; k < 100; k++) add(tensor([k, k], undefined, { backend: 'gpu' }), tensor([1, 1], undefined, { backend: 'gpu' })).dataSync();
    })();
    expect(memory('gpu').storages).toBeGreaterThan(base);
    await collectGarbage();
    expect(memory('gpu').storages).toBe(base);
  });
});

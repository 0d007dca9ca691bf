// The program helper in gpu.js's WebGL2 in headless Chromium: add end to end, and the compile cache.
import { beforeAll, describe, expect, it } from 'vitest';
import { add, tensor } from '@seqlab/tensor-core';
import { backendInfo, compileCount, initGpu } from '@seqlab/kernels-gpu';

beforeAll(async () => {
  await initGpu();
});

describe('runProgram in webgl2 mode', () => {
  it('adds with broadcasting, and a second call with the same shapes compiles nothing', () => {
    expect(backendInfo().kernelMode).toBe('gpu');
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      { backend: 'gpu' },
    );
    const b = tensor([10, 20, 30], undefined, { backend: 'gpu' });
    expect(add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    const before = compileCount();
    expect(add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(compileCount()).toBe(before);
  });
});

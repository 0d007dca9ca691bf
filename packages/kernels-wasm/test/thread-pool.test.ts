// When the pool stops sharing tasks, and the matmul kernel waking the workers before its inputs are staged.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Generator, matmul, randn } from '@seqlab/tensor-core';
import { ready, setThreads, wasmHeapStats } from '@seqlab/kernels-wasm';
import { runtime } from '../src/context.js';
import { framed } from '../src/framed.js';
import { sharingLost } from '../src/thread-pool.js';

describe('sharingLost', () => {
  it('counts a task that took longer than the calling thread alone would have', () => {
    // 4 of 8 chunks in 2 ms: about 4 ms alone; the worker held its last chunk until 5 ms.
    expect(sharingLost(5, 2, 8, 4)).toBe(true);
  });

  it('does not count a worker that helped, or one that woke late and took little or nothing', () => {
    expect(sharingLost(2.2, 2, 8, 4)).toBe(false);
    // The worker took one chunk late: 7 chunks in 3.6 ms here, about 4.1 ms alone, the task 3.7 ms.
    expect(sharingLost(3.7, 3.6, 8, 7)).toBe(false);
    expect(sharingLost(4.1, 4, 8, 8)).toBe(false);
    // The workers ran everything.
    expect(sharingLost(3, 0, 8, 0)).toBe(false);
  });
});

describe('framed preludes', () => {
  it('see the arguments before anything is staged', () => {
    const seen: number[] = [];
    const kernel = framed(
      'probe',
      (x: { handle: Float32Array }) => {
        seen.push(wasmHeapStats().liveBlocks);
        return x.handle;
      },
      (x) => {
        expect(x.handle).toBeInstanceOf(Float32Array);
        seen.push(wasmHeapStats().liveBlocks);
      },
    );
    kernel({ handle: new Float32Array(4) });
    expect(seen).toEqual([0, 1]);
  });
});

describe('matmul wakes the workers', () => {
  afterEach(() => vi.restoreAllMocks());

  it('before staging a product large enough to share, and not for a small one', async () => {
    setThreads(2);
    await ready();
    const pool = runtime().currentPool!;
    const wake = vi.spyOn(pool, 'wake');
    const gen = new Generator(4);
    const big = randn([256, 256], { generator: gen, backend: 'wasm' });
    const small = randn([16, 16], { generator: gen, backend: 'wasm' });
    matmul(small, small).dispose();
    expect(wake).not.toHaveBeenCalled();
    matmul(big, big, { transA: true }).dispose();
    expect(wake).toHaveBeenCalledTimes(1);
  });
});

// GELU over many elements is shared with the worker pool by blocks of elements (TASK_GELU): the split changes no bits.
import { getThreads, setThreads } from '@seqlab/kernels-wasm';
import { cpuBackend, gelu, tensor } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import { runtime } from '../src/context.js';

describe('GELU shared with the worker pool', () => {
  const threads = getThreads();
  afterEach(() => setThreads(threads));

  it.each(['none', 'tanh'] as const)('gives the bits of one thread, and the cpu reference, in the %s form', (approximate) => {
    // Four full blocks of 16384 and a partial fifth ending in a one-lane tail; values from −10 to 10.
    const n = 4 * 16384 + 4099;
    const values = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 20011) / 1000.55 - 10);
    const x = tensor(values, [n], { backend: 'wasm' });
    setThreads(1);
    const one = Float32Array.from(gelu(x, { approximate }).dataSync() as Float32Array);
    setThreads(2);
    // Share whatever the timing of earlier calls said.
    runtime().workerPool()!.adaptive = false;
    const two = Float32Array.from(gelu(x, { approximate }).dataSync() as Float32Array);
    expect(two).toEqual(one);
    const reference = gelu(tensor(values, [n], { backend: cpuBackend.name }), { approximate }).dataSync();
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(two[i] - reference[i]) / Math.max(1e-6, Math.abs(reference[i])));
    expect(worst).toBeLessThan(1e-5);
  });
});

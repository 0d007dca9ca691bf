// The gpu hook in Node: kernels-gpu starts in gpu.js's webasm mode (no WebGL here), which loadGpuBackend reports as software.
import { listBackends } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { backendLabel, loadGpuBackend } from '../src/lib/gpu-hook.js';

describe('loadGpuBackend', () => {
  it('imports kernels-gpu, starts it and reports its mode, renderer and software flag', async () => {
    const { skipped, info } = await loadGpuBackend();
    expect(skipped).toBeNull();
    expect(listBackends()).toContain('gpu');
    expect(info).not.toBeNull();
    expect(['webasm', 'cpu', 'headlessgl']).toContain(info?.mode);
    if (info?.mode !== 'headlessgl') expect(info?.software).toBe(true);
    expect(backendLabel('gpu', { gpu: info, wasmThreads: null })).toBe(
      `gpu (${info?.mode}) — ${info?.renderer}${info?.software ? ' · software rendering' : ''}`,
    );
  });
});

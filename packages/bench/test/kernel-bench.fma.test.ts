// The kernel benchmark where both wasm builds run (the `node-fma` project: Node with relaxed SIMD): the FMA build is
// one more contender, `seqlab wasm fma ×2`, beside the plain build's rows, and the inference case runs on the default.
import { describe, expect, it } from 'vitest';
import { wasmBuildInfo } from '@seqlab/kernels-wasm';
import { renderKernelMarkdown, runKernelBenchmark } from '../src/index.js';
import { TINY } from './tiny-kernel-bench.js';

describe('kernel benchmark with both wasm builds', () => {
  it('times the FMA build as its own contender, beside the plain build, in matmul and training rows', async () => {
    expect(wasmBuildInfo().available).toEqual(['plain', 'fma']);
    const report = await runKernelBenchmark({ ...TINY, tfjs: false, cases: ['matmul', 'lstm', 'inference'] });
    for (const c of ['matmul-nn', 'matmul-tn', 'matmul-nt', 'lstm-train-step']) {
      const wasm = report.results.filter((r) => r.case === c && r.library === 'seqlab' && r.backend.startsWith('wasm'));
      const threads = c.startsWith('matmul') ? ['wasm 1', 'wasm 2', 'wasm fma 2'] : ['wasm 2', 'wasm fma 2'];
      expect(wasm.map((r) => `${r.backend} ${r.threads}`).sort(), c).toEqual(threads);
      for (const r of wasm) expect(r.medianMs, `${c} ${r.backend}`).toBeGreaterThan(0);
    }
    expect(report.environment.seqlabWasm).toMatchObject({ builds: { available: ['plain', 'fma'] } });
    // The FMA contender runs last, leaving the default build (fma here) for the inference case.
    expect(wasmBuildInfo().build).toBe('fma');
    expect(report.results.filter((r) => r.case === 'lstm-forward').map((r) => r.backend)).toContain('wasm');
    const markdown = renderKernelMarkdown(report);
    expect(markdown).toContain('| seqlab wasm ×2 | seqlab wasm fma ×2 |');
  });

  it("keeps the FMA contender when the backends asked for are ['wasm'] (it is the wasm backend on another build)", async () => {
    const report = await runKernelBenchmark({ ...TINY, tfjs: false, backends: ['wasm'], cases: ['lstm'] });
    const rows = report.results.filter((r) => r.case === 'lstm-train-step' && r.library === 'seqlab');
    expect(rows.map((r) => r.backend).sort()).toEqual(['wasm', 'wasm fma']);
  });
});

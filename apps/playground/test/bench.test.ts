// Bench view model: the timing loop (on a fake clock), the measured cases' arithmetic and shapes, renderer labels, the JSON report.
import { describe, expect, it } from 'vitest';
import { backendLabel } from '../src/lib/gpu-hook.js';
import {
  isSoftwareRenderer,
  LSTM_BENCH_SHAPE,
  lstmCaseName,
  measureLstmTraining,
  measureMatmul,
  reportJson,
  timeCalls,
  type BenchReport,
} from '../src/lib/bench.js';

/** A clock that advances by the next of `steps` on every read after a call starts (so call i lasts steps[i] ms). */
function fakeClock(durations: number[]): { clock: () => number; calls: () => number } {
  let now = 0;
  let reads = 0;
  let calls = 0;
  return {
    clock: () => {
      // Even reads start a call, odd reads end it.
      if (reads % 2 === 1) now += durations[Math.min(calls++, durations.length - 1)];
      reads++;
      return now;
    },
    calls: () => calls,
  };
}

describe('timeCalls', () => {
  it('warms up untimed, then times until both minMs and minRuns are reached, and reports the median', () => {
    let invoked = 0;
    const { clock } = fakeClock([10, 30, 20, 40, 50]);
    const t = timeCalls(() => invoked++, clock, { warmup: 2, minMs: 65, minRuns: 3 });
    expect(invoked).toBe(2 + 4);
    expect(t.runs).toBe(4);
    expect(t.totalMs).toBe(100);
    expect(t.medianMs).toBe(25);
  });

  it('stops at maxRuns, and rejects impossible run counts', () => {
    const { clock } = fakeClock([1]);
    expect(timeCalls(() => {}, clock, { warmup: 0, minMs: 1e9, minRuns: 1, maxRuns: 5 })).toEqual({ runs: 5, totalMs: 5, medianMs: 1 });
    expect(() => timeCalls(() => {}, clock, { minRuns: 4, maxRuns: 2 })).toThrow(/timeCalls: need 1 ≤ minRuns ≤ maxRuns; received 4, 2/);
  });
});

describe('measured cases', () => {
  it('matmul reports 2n³ operations over the median time', () => {
    const { clock } = fakeClock([4]);
    const r = measureMatmul('cpu', 32, clock, { warmup: 0, minRuns: 3, minMs: 0 });
    expect(r).toMatchObject({ backend: 'cpu', case: 'matmul 32×32', unit: 'GFLOP/s', runs: 3, medianMs: 4 });
    expect(r.value).toBeCloseTo((2 * 32 ** 3) / 4e6, 12);
  });

  it('LSTM training reports batch·length tokens per median step, and the steps train the model', () => {
    const { clock } = fakeClock([250]);
    const r = measureLstmTraining('cpu', clock, { warmup: 0, minRuns: 2, minMs: 0 });
    expect(r).toMatchObject({ backend: 'cpu', unit: 'tokens/s', runs: 2, medianMs: 250 });
    expect(r.value).toBe((LSTM_BENCH_SHAPE.batch * LSTM_BENCH_SHAPE.length) / 0.25);
  });
});

describe('renderers and the report', () => {
  it('labels software rasterisers', () => {
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('Microsoft Basic Render Driver')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(isSoftwareRenderer('Apple M2')).toBe(false);
  });

  it('writes the environment and results as JSON with 4 significant digits', () => {
    const report: BenchReport = {
      measuredAt: '2026-01-01T00:00:00.000Z',
      environment: {
        userAgent: 'test',
        hardwareConcurrency: 2,
        crossOriginIsolated: true,
        renderer: null,
        softwareRenderer: false,
        wasmThreads: 2,
        backends: ['cpu', 'wasm'],
        skipped: { gpu: 'GpuUnavailableError: initGpu: no WebGL2' },
        gpu: null,
      },
      results: [{ backend: 'wasm', case: 'matmul 256×256', value: 12.3456789, unit: 'GFLOP/s', runs: 7, medianMs: 2.7182818 }],
    };
    const parsed = JSON.parse(reportJson(report)) as BenchReport;
    expect(parsed.results[0]).toEqual({ backend: 'wasm', case: 'matmul 256×256', value: 12.35, unit: 'GFLOP/s', runs: 7, medianMs: 2.718 });
    expect(parsed.environment).toEqual(report.environment);
  });
});

describe('backend labels', () => {
  const gpu = { mode: 'webgl2', renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)', software: true };

  it('names the gpu by mode and renderer, and says when the renderer is software', () => {
    expect(backendLabel('gpu', { gpu, wasmThreads: 2 })).toBe(`gpu (webgl2) — ${gpu.renderer} · software rendering`);
    expect(
      backendLabel('gpu', {
        gpu: { mode: 'webgl2', renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', software: false },
        wasmThreads: 2,
      }),
    ).toBe('gpu (webgl2) — ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)');
  });

  it('gives wasm its thread count and other backends their name', () => {
    expect(backendLabel('wasm', { gpu, wasmThreads: 1 })).toBe('wasm (1 thread)');
    expect(backendLabel('wasm', { gpu: null, wasmThreads: 4 })).toBe('wasm (4 threads)');
    expect(backendLabel('cpu', { gpu, wasmThreads: 4 })).toBe('cpu');
    expect(backendLabel('gpu', { gpu: null, wasmThreads: null })).toBe('gpu');
  });
});

describe('the LSTM case name', () => {
  it('is plain at the default shape and names the sizes of any other', () => {
    expect(lstmCaseName(LSTM_BENCH_SHAPE)).toBe('LSTM LM training step');
    expect(lstmCaseName({ batch: 4, length: 16, vocabSize: 65, embeddingDim: 16, hiddenSize: 32 })).toBe('LSTM LM training step (batch 4 × 16, hidden 32)');
    expect(lstmCaseName({ ...LSTM_BENCH_SHAPE, embeddingDim: 8 })).not.toBe('LSTM LM training step');
  });

  it('measures the shape it is given', () => {
    let now = 0;
    const shape = { batch: 2, length: 5, vocabSize: 7, embeddingDim: 3, hiddenSize: 4 };
    const r = measureLstmTraining('cpu', () => (now += 50), { warmup: 0, minRuns: 2, maxRuns: 2, minMs: 0 }, shape);
    expect(r.case).toBe(lstmCaseName(shape));
    expect(r.value).toBe((2 * 5) / 0.05);
  });
});

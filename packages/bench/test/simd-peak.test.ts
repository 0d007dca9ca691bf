// The wasm SIMD peak probe: the hand-assembled module computes what its loop says, and the measurement returns one
// row per form and thread count (with a note, not a number, where the engine lacks relaxed SIMD).
import { describe, expect, it } from 'vitest';
import { measureSimdPeak, simdPeakModule } from '../src/kernel-bench/simd-peak.js';

/** What `run(n)` must return: 12 chains acc ← acc·a + b from acc₀ = i/100, summed (float64 here, so approximately). */
function expected(n: number, mode: 'muladd' | 'fma'): number {
  const a = Math.fround(0.999);
  const b = Math.fround(0.001);
  let sum = 0;
  for (let i = 1; i <= 12; i++) {
    let acc = Math.fround(i / 100);
    for (let k = 0; k < n; k++) acc = mode === 'fma' ? Math.fround(acc * a + b) : Math.fround(Math.fround(acc * a) + b);
    sum += acc;
  }
  return sum;
}

describe('simdPeakModule', () => {
  it('runs its multiply-add chains for the given number of iterations', () => {
    const run = new WebAssembly.Instance(new WebAssembly.Module(simdPeakModule('muladd'))).exports.run as (n: number) => number;
    expect(run(1)).toBeCloseTo(expected(1, 'muladd'), 4);
    expect(run(500)).toBeCloseTo(expected(500, 'muladd'), 3);
    // The chains converge to b / (1 − a) = 1 each, so nothing overflows however long the probe runs.
    expect(run(200_000)).toBeCloseTo(12, 2);
  });

  it('builds the fused form where the engine validates relaxed SIMD', () => {
    const bytes = simdPeakModule('fma');
    if (!WebAssembly.validate(bytes)) {
      expect(() => new WebAssembly.Module(bytes)).toThrow();
      return;
    }
    const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (n: number) => number;
    expect(run(500)).toBeCloseTo(expected(500, 'fma'), 3);
  });
});

describe('measureSimdPeak', () => {
  it('returns a measured row per form and thread count, and a note where relaxed SIMD is missing', async () => {
    const rows = await measureSimdPeak({ threads: [1, 2], rounds: 1, targetMs: 5 });
    expect(rows.map((r) => `${r.case}×${r.threads}`)).toEqual(['simd-peak-muladd×1', 'simd-peak-muladd×2', 'simd-peak-fma×1', 'simd-peak-fma×2']);
    const fma = WebAssembly.validate(simdPeakModule('fma'));
    for (const r of rows) {
      expect(r).toMatchObject({ library: 'wasm', backend: 'simd128', size: 128 });
      if (r.case === 'simd-peak-fma' && !fma) {
        expect(r.gflops).toBeNull();
        expect(r.note).toMatch(/relaxed SIMD/);
      } else {
        expect(r.gflops).toBeGreaterThan(0);
        expect(Number.isFinite(r.gflops)).toBe(true);
        expect(r.medianMs).toBeGreaterThan(0);
      }
    }
  }, 60_000);
});

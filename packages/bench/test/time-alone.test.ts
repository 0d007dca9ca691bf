// timeAlone's warm-up: at least `warmup` untimed calls, and more while they have lasted less than `warmupMs`; a
// series too long for its budget shrinks to one warm-up call.
import { describe, expect, it } from 'vitest';
import { timeAlone } from '../src/kernel-bench/timing.js';

/** A runner that busy-waits `ms` per call and counts its calls. */
function busy(ms: number): { run: () => void; calls: () => number } {
  let calls = 0;
  return {
    run: () => {
      calls++;
      const end = performance.now() + ms;
      while (performance.now() < end);
    },
    calls: () => calls,
  };
}

describe('timeAlone', () => {
  it('keeps warming up past the warm-up calls until warmupMs have gone by', async () => {
    const r = busy(2);
    const { times } = await timeAlone(r, { runs: 3, warmup: 1, warmupMs: 20, budgetMs: 60_000, minRuns: 3 });
    expect(times).toHaveLength(3);
    // Each call lasts at least 2 ms, so 20 ms of warm-up takes at least 10 calls before the 3 timed ones.
    expect(r.calls()).toBeGreaterThanOrEqual(13);
  });

  it('makes exactly the warm-up calls asked without warmupMs', async () => {
    const r = busy(1);
    const { times } = await timeAlone(r, { runs: 4, warmup: 2, budgetMs: 60_000, minRuns: 3 });
    expect(times).toHaveLength(4);
    expect(r.calls()).toBe(6);
  });

  it('drops the time-based warm-up when the first call shows the series would pass its budget', async () => {
    const r = busy(5);
    const { times } = await timeAlone(r, { runs: 10, warmup: 3, warmupMs: 10_000, budgetMs: 20, minRuns: 3 });
    // One warm-up call, then the minimum of timed calls.
    expect(times).toHaveLength(3);
    expect(r.calls()).toBe(4);
  });
});

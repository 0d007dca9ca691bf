// timeAlone's warm-up: at least `warmup` untimed calls, and more while they have lasted less than `warmupMs`; a
// series too long for its budget shrinks to one warm-up call.
import { describe, expect, it } from 'vitest';
import { timeAlone } from '../src/kernel-bench/timing.js';

/** A runner that busy-waits `ms` per call and notes when each call started. */
function busy(ms: number): { run: () => void; calls: () => number; starts: number[] } {
  const starts: number[] = [];
  return {
    run: () => {
      const start = performance.now();
      starts.push(start);
      while (performance.now() < start + ms);
    },
    calls: () => starts.length,
    starts,
  };
}

describe('timeAlone', () => {
  it('keeps warming up past the warm-up calls until warmupMs have gone by', async () => {
    const r = busy(2);
    const { times } = await timeAlone(r, { runs: 3, warmup: 1, warmupMs: 20, budgetMs: 60_000, minRuns: 3 });
    expect(times).toHaveLength(3);
    // More warm-up calls than the one asked, and the first timed call starts only after 20 ms of them. (Not a count
    // of calls: on a busy machine one 2 ms call can last 15.)
    const firstTimed = r.calls() - 3;
    expect(firstTimed).toBeGreaterThan(1);
    expect(r.starts[firstTimed] - r.starts[0]).toBeGreaterThanOrEqual(20);
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

// Interleaved timing: every contender's run alternates with the others', so load spikes on a shared machine hit
// all of them alike; the reported figure is the median after warm-up.
import { performance } from 'node:perf_hooks';

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `runs` calls of every runner, round-robin, after `warmup` untimed calls each. A runner is
 * `{ before?(): void, run(): void }`; `before` (untimed) selects its settings, e.g. a thread count.
 * Returns the per-runner arrays of milliseconds.
 */
export function timeInterleaved(runners, { runs, warmup }) {
  for (const r of runners) {
    for (let i = 0; i < warmup; i++) {
      r.before?.();
      r.run();
    }
  }
  const times = runners.map(() => []);
  for (let i = 0; i < runs; i++) {
    runners.forEach((r, k) => {
      r.before?.();
      const t0 = performance.now();
      r.run();
      times[k].push(performance.now() - t0);
    });
  }
  return times;
}

// Timing for the kernel benchmark: medians after warm-up, with a macrotask turn between runs so that finalizers
// (which free backend storage) get to run during long synchronous training loops.
import { performance } from 'node:perf_hooks';

/** A timed call: `before` (untimed) selects its settings, e.g. a thread count; `run` is what is timed. */
export interface Runner {
  /** Untimed set-up before every call. */
  before?(): void | Promise<void>;
  /** The timed call; a returned promise is awaited inside the timing. */
  run(): unknown;
}

/** Yields one macrotask turn so pending finalizers and worker messages are processed. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function timeOnce(r: Runner): Promise<number> {
  await r.before?.();
  const t0 = performance.now();
  await r.run();
  return performance.now() - t0;
}

/**
 * Times `runs` calls of every runner, round-robin after `warmup` untimed calls each, so load spikes on a shared
 * machine hit every contender alike. Returns the per-runner arrays of milliseconds.
 */
export async function timeInterleaved(runners: readonly Runner[], runs: number, warmup: number): Promise<number[][]> {
  for (const r of runners) {
    for (let i = 0; i < warmup; i++) await timeOnce(r);
  }
  const times = runners.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < runners.length; k++) {
      times[k].push(await timeOnce(runners[k]));
      await yieldTurn();
    }
  }
  return times;
}

/** Result of {@link timeAlone}: the timed samples in milliseconds. */
export interface AloneTiming {
  /** One entry per timed run; fewer than asked when the budget cut the runs short. */
  readonly times: number[];
}

/**
 * Times one runner alone: `warmup` untimed calls, then up to `runs` timed ones, a macrotask turn after each. When
 * the first call shows the whole series would exceed `budgetMs`, the series shrinks to one warm-up and as many
 * timed runs as fit the budget, but never fewer than `minRuns`: slow contenders still get a median, in bounded time.
 */
export async function timeAlone(runner: Runner, options: { runs: number; warmup: number; budgetMs: number; minRuns: number }): Promise<AloneTiming> {
  let { runs, warmup } = options;
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const ms = await timeOnce(runner);
    if (i === 0 && ms * (warmup + runs) > options.budgetMs) {
      const fit = Math.max(options.minRuns, Math.floor(options.budgetMs / ms) - 1);
      // The first call was a warm-up (or, with no warm-up asked, already a timed run).
      if (warmup > 0) warmup = 1;
      runs = Math.min(runs, fit);
    }
    if (i >= warmup) times.push(ms);
    await yieldTurn();
  }
  return { times };
}

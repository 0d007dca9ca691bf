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

/** Times one runner alone: `warmup` untimed calls, then `runs` timed ones, a macrotask turn after each. */
export async function timeAlone(runner: Runner, runs: number, warmup: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const ms = await timeOnce(runner);
    if (i >= warmup) times.push(ms);
    await yieldTurn();
  }
  return times;
}

// Wall-clock timing with warm-up runs and medians, and a monotonic clock (the global `performance` of Node and browsers).

/**
 * Milliseconds on a monotonic clock.
 *
 * @example
 * ```ts
 * const t0 = now();
 * const squares = Array.from({ length: 1000 }, (_, i) => i * i);
 * const ms = now() - t0;
 * console.assert(squares.length === 1000 && ms >= 0);
 * ```
 */
export function now(): number {
  return performance.now();
}

/**
 * Median of a non-empty list (mean of the middle two for even lengths).
 *
 * @example
 * ```ts
 * console.assert(median([3, 1, 2]) === 2 && median([4, 1, 3, 2]) === 2.5);
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How {@link timeMedian} samples. */
export interface TimingOptions {
  /** Untimed runs first, so JIT compilation, allocation pools and caches settle. Default 1. */
  warmup?: number;
  /** Timed runs. Default 5. */
  repeats?: number;
  /** Stop sampling early once this many milliseconds were spent timing (at least one timed run always happens). */
  budgetMs?: number;
}

/** Result of {@link timeMedian}: the median and every sample, in milliseconds. */
export interface Timing {
  /** Median of the samples. */
  readonly medianMs: number;
  /** Each timed run. */
  readonly samplesMs: number[];
}

/**
 * Times `fn` after warm-up runs and returns the median of the timed runs.
 *
 * @example
 * ```ts
 * const { medianMs, samplesMs } = await timeMedian(() => Array.from({ length: 1000 }, (_, i) => i * i), { warmup: 1, repeats: 3 });
 * console.assert(samplesMs.length === 3 && medianMs >= 0);
 * ```
 */
export async function timeMedian(fn: () => unknown, options: TimingOptions = {}): Promise<Timing> {
  const warmup = options.warmup ?? 1;
  const repeats = options.repeats ?? 5;
  const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < warmup; i++) await fn();
  const samplesMs: number[] = [];
  const start = now();
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    await fn();
    samplesMs.push(now() - t0);
    if (now() - start > budget) break;
  }
  return { medianMs: median(samplesMs), samplesMs };
}

// Loss curves for the charts: an exponential moving average, thinning to a drawable number of points, and rates.
import type { StepReport } from './char-lm-session.js';

/** One point of a loss chart. */
export interface CurvePoint {
  /** Step, or seconds on a wall-clock axis. */
  readonly x: number;
  /** Loss (nats or bits, as the chart says). */
  readonly y: number;
}

/**
 * The exponential moving average of `values` with weight `alpha` on each new value (the first value starts it).
 *
 * @example
 * ```ts
 * movingAverage([4, 2], 0.5); // [4, 3]
 * ```
 */
export function movingAverage(values: readonly number[], alpha: number): number[] {
  const out: number[] = [];
  let avg = Number.NaN;
  for (const v of values) {
    avg = Number.isNaN(avg) ? v : alpha * v + (1 - alpha) * avg;
    out.push(avg);
  }
  return out;
}

/**
 * At most `max` points of `points`, evenly spaced by index, always keeping the last (a chart of 100,000 steps draws
 * as fast as one of 1,000).
 *
 * @example
 * ```ts
 * thin([{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 2, y: 3 }], 2); // first and last
 * ```
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const stride = (points.length - 1) / (max - 1);
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)]);
  return out;
}

/**
 * Training tokens per second over the last `window` steps (time spent in steps only), or NaN with no steps.
 *
 * @example
 * ```ts
 * tokensPerSecond(reports, 20);
 * ```
 */
export function tokensPerSecond(reports: readonly StepReport[], window: number): number {
  const recent = reports.slice(-window);
  let tokens = 0;
  let seconds = 0;
  for (const r of recent) {
    tokens += r.tokens;
    seconds += r.seconds;
  }
  return seconds > 0 ? tokens / seconds : Number.NaN;
}

/**
 * Coalesces step reports that arrive from workers into at most one `flush` per `intervalMs`, so the page redraws its
 * charts a few times a second however fast the workers report.
 *
 * @example
 * ```ts
 * const buffer = new ReportBuffer<StepReport>((batch) => (reports = [...reports, ...batch]), 250);
 * buffer.push(batchFromWorker);
 * ```
 */
export class ReportBuffer<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly intervalMs: number,
  ) {}

  /** Adds `items`; they reach `flush` within `intervalMs`. */
  push(items: readonly T[]): void {
    this.pending.push(...items);
    this.timer ??= setTimeout(() => this.drain(), this.intervalMs);
  }

  /** Sends what is pending now (when a run stops, say) and cancels the timer. */
  drain(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.flush(items);
  }

  /** Drops what is pending (a reset) and cancels the timer. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

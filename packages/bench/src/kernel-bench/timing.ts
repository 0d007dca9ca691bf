// Timing for the kernel benchmarks (Node and the browser page): medians after warm-up, with a macrotask turn between
// runs so that finalizers (which free backend storage) get to run during long synchronous training loops.

/** A timed call: `before` (untimed) selects its settings, e.g. a thread count; `run` is what is timed. */
export interface Runner {
  /** Untimed set-up before every call. */
  before?(): void | Promise<void>;
  /** The timed call; a returned promise is awaited inside the timing. */
  run(): unknown;
}

/**
 * Yields one macrotask turn so pending finalizers and worker messages are processed: `setImmediate` in Node, a
 * MessageChannel message in browsers (no 4 ms clamp, unlike a nested `setTimeout`).
 */
export function yieldTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

async function timeOnce(r: Runner): Promise<number> {
  await r.before?.();
  const t0 = performance.now();
  await r.run();
  return performance.now() - t0;
}

/** A time limit for {@link timeInterleaved}: what one runner may spend on its timed calls. */
export interface InterleavedBudget {
  /** Milliseconds per runner, judged on its last warm-up call. */
  readonly budgetMs: number;
  /** Timed calls a runner gets however slow it is. */
  readonly minRuns: number;
}

/**
 * Times `runs` calls of every runner, round-robin after `warmup` untimed calls each, so load spikes on a shared
 * machine hit every contender alike. With a `budget`, a runner whose last warm-up call shows that `runs` calls
 * would exceed `budget.budgetMs` gets fewer (never below `budget.minRuns`) and drops out of the rotation when done.
 * Returns the per-runner arrays of milliseconds.
 */
export async function timeInterleaved(runners: readonly Runner[], runs: number, warmup: number, budget?: InterleavedBudget): Promise<number[][]> {
  const planned = runners.map(() => runs);
  for (let k = 0; k < runners.length; k++) {
    let last = 0;
    for (let i = 0; i < warmup; i++) last = await timeOnce(runners[k]);
    if (budget !== undefined && warmup > 0 && last * runs > budget.budgetMs) {
      planned[k] = Math.min(runs, Math.max(budget.minRuns, Math.floor(budget.budgetMs / last)));
    }
  }
  const times = runners.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < runners.length; k++) {
      if (i >= planned[k]) continue;
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

/** Options of {@link timeAlone}. */
export interface AloneOptions {
  /** Timed calls. */
  readonly runs: number;
  /** Untimed calls first, at least. */
  readonly warmup: number;
  /**
   * Milliseconds the untimed calls last at least (default 0): fast calls keep warming up past `warmup` until this much
   * time has gone by, so that a short series is not timed while the engine still tiers its code up and memory grows.
   */
  readonly warmupMs?: number;
  /** Milliseconds the whole series may take, judged on the first call. */
  readonly budgetMs: number;
  /** Timed calls a runner gets however slow it is. */
  readonly minRuns: number;
}

/**
 * Times one runner alone: `warmup` untimed calls (more while they have lasted less than `warmupMs`), then up to
 * `runs` timed ones, a macrotask turn after each. When the first call shows the whole series would exceed `budgetMs`,
 * the series shrinks to one warm-up and as many timed runs as fit the budget, but never fewer than `minRuns`: slow
 * contenders still get a median, in bounded time.
 *
 * @example
 * ```ts
 * // A call of about 1 ms warms up for at least 20 ms before its 3 timed calls.
 * const { times } = await timeAlone({ run: () => { const end = performance.now() + 1; while (performance.now() < end); } }, {
 *   runs: 3, warmup: 1, warmupMs: 20, budgetMs: 10_000, minRuns: 3,
 * });
 * console.assert(times.length === 3);
 * ```
 */
export async function timeAlone(runner: Runner, options: AloneOptions): Promise<AloneTiming> {
  let { runs, warmup } = options;
  let warmupMs = options.warmupMs ?? 0;
  const times: number[] = [];
  let warmed = 0,
    calls = 0;
  while (times.length < runs) {
    const ms = await timeOnce(runner);
    if (calls++ === 0 && ms * (warmup + runs) > options.budgetMs) {
      const fit = Math.max(options.minRuns, Math.floor(options.budgetMs / ms) - 1);
      // The first call was a warm-up (or, with no warm-up asked, already a timed run).
      if (warmup > 0) warmup = 1;
      warmupMs = 0;
      runs = Math.min(runs, fit);
    }
    if (calls > warmup && warmed >= warmupMs) times.push(ms);
    else warmed += ms;
    await yieldTurn();
  }
  return { times };
}

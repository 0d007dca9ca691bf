// Options every experiment takes (size, output folder, seed, backend, progress) and their resolution to defaults.
import { checkNonNegativeInt, getBackend, InvalidArgumentError, listBackends } from '@seqlab/tensor-core';
import type { ProgressListener } from './progress.js';

/**
 * How big a run is: `full` is the experiment as specified (minutes to hours), `quick` is about a minute on two
 * cores (the CLI's `--quick`), `test` takes seconds and exists so the test suite can check the files' structure.
 */
export type ExperimentSize = 'test' | 'quick' | 'full';

/**
 * The sizes in increasing order.
 *
 * @example
 * ```ts
 * console.assert(EXPERIMENT_SIZES.join() === 'test,quick,full');
 * console.assert(EXPERIMENT_SIZES.indexOf('quick') < EXPERIMENT_SIZES.indexOf('full'));
 * ```
 */
export const EXPERIMENT_SIZES: readonly ExperimentSize[] = ['test', 'quick', 'full'];

/** Options of {@link Experiment.run}; the CLI maps `--quick`, `--out`, `--seed` and `--backend` onto them. */
export interface ExperimentOptions {
  /** Run size. Default `full`; `quick: true` is a shorthand for `size: 'quick'`. */
  size?: ExperimentSize;
  /** Shorthand for `size: 'quick'` (the CLI's `--quick`); ignored when `size` is given. */
  quick?: boolean;
  /** Folder the three files `NAME.json`, `NAME.md` and `NAME.svg` are written to (created if missing). Default `experiments`. */
  outDir?: string;
  /** Seed of every generator the experiment uses (weights, batches, sampling). Default 0. */
  seed?: number;
  /** Name of the seqlab backend to run on (`cpu`, `wasm`, ...). Default: the active backend. */
  backend?: string;
  /** Called with progress events while the experiment runs, so a CLI can draw a progress bar. */
  onProgress?: ProgressListener;
  /** Whether to write the three files. Default true. */
  write?: boolean;
  /**
   * `claims` only: judge from the `NAME.json` results already in `outDir` (of any size) where present, running
   * only the experiments that have none. Lets a report judge the claims on a full run made earlier. Default false.
   */
  reuse?: boolean;
}

/** {@link ExperimentOptions} with every default filled in. */
export interface ResolvedOptions {
  /** Run size. */
  readonly size: ExperimentSize;
  /** Output folder. */
  readonly outDir: string;
  /** Seed. */
  readonly seed: number;
  /** Backend name. */
  readonly backend: string;
  /** Progress listener (a no-op when none was given). */
  readonly onProgress: ProgressListener;
  /** Whether to write files. */
  readonly write: boolean;
  /** Whether `claims` reuses results found in `outDir`. */
  readonly reuse: boolean;
}

/**
 * Checks `options` and fills in defaults; bad values throw `InvalidArgumentError` (code `INVALID_ARGUMENT`) naming the option.
 *
 * @example
 * ```ts
 * const o = resolveOptions('speed', { quick: true, seed: 3, write: false });
 * console.assert(o.size === 'quick' && o.seed === 3 && o.outDir === 'experiments' && o.write === false && o.reuse === false);
 * try {
 *   resolveOptions('speed', { seed: -1 });
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function resolveOptions(experiment: string, options: ExperimentOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`experiment ${experiment}: argument 'options' must be an object; received ${options === null ? 'null' : typeof options}`);
  }
  const size = options.size ?? (options.quick ? 'quick' : 'full');
  if (!EXPERIMENT_SIZES.includes(size)) {
    throw new InvalidArgumentError(`experiment ${experiment}: option 'size' must be one of ${EXPERIMENT_SIZES.join(', ')}; received ${JSON.stringify(size)}`);
  }
  const seed = options.seed ?? 0;
  checkNonNegativeInt(`experiment ${experiment}`, 'seed', seed, 'option');
  const backend = options.backend ?? getBackend().name;
  if (!listBackends().includes(backend)) {
    throw new InvalidArgumentError(
      `experiment ${experiment}: option 'backend' must be a registered backend (${listBackends().join(', ')}); received ${JSON.stringify(backend)}`,
    );
  }
  const outDir = options.outDir ?? 'experiments';
  if (typeof outDir !== 'string' || outDir.length === 0) {
    throw new InvalidArgumentError(`experiment ${experiment}: option 'outDir' must be a non-empty path; received ${JSON.stringify(outDir)}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidArgumentError(`experiment ${experiment}: option 'onProgress' must be a function; received ${typeof options.onProgress}`);
  }
  return { size, outDir, seed, backend, onProgress: options.onProgress ?? (() => {}), write: options.write ?? true, reuse: options.reuse ?? false };
}

/**
 * Picks the value for the run's size from a `{ test, quick, full }` table, so each experiment's sizes read as one line.
 *
 * @example
 * ```ts
 * const steps = bySize('quick', { test: 5, quick: 200, full: 2000 });
 * console.assert(steps === 200);
 * ```
 */
export function bySize<T>(size: ExperimentSize, table: Readonly<Record<ExperimentSize, T>>): T {
  return table[size];
}

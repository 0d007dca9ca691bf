// Progress events an experiment emits while it runs, and a reporter that numbers the units of work.

/** One progress report: `completed` of `total` units of the current experiment are done. */
export interface ProgressEvent {
  /** Experiment name, e.g. `speed`. */
  readonly experiment: string;
  /** Units finished so far (0 ≤ completed ≤ total). */
  readonly completed: number;
  /** Units in the whole run. */
  readonly total: number;
  /** What is being measured now, e.g. `LSTM T=200`. */
  readonly message: string;
}

/** Receives {@link ProgressEvent}s. */
export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Counts units of work for one experiment and forwards each step to a listener.
 *
 * @example
 * ```ts
 * const events: string[] = [];
 * const progress = new ProgressReporter('speed', 2, (e) => events.push(`${e.completed}/${e.total} ${e.message}`));
 * progress.status('LSTM T=10');
 * progress.advance('LSTM T=10');
 * progress.advance('LSTM T=20');
 * console.assert(events.join(', ') === '0/2 starting, 0/2 LSTM T=10, 1/2 LSTM T=10, 2/2 LSTM T=20');
 * ```
 */
export class ProgressReporter {
  private done = 0;

  constructor(
    private readonly experiment: string,
    private readonly total: number,
    private readonly listener: ProgressListener,
  ) {
    this.listener({ experiment, completed: 0, total, message: 'starting' });
  }

  /** Announces the unit about to run without counting it. */
  status(message: string): void {
    this.listener({ experiment: this.experiment, completed: this.done, total: this.total, message });
  }

  /** Marks one unit (or `units`) finished. */
  advance(message: string, units = 1): void {
    this.done = Math.min(this.total, this.done + units);
    this.listener({ experiment: this.experiment, completed: this.done, total: this.total, message });
  }
}

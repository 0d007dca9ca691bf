// Live training progress on stderr: a cli-progress bar with ETA, loss and tokens/s on a terminal, plain lines elsewhere.
import { MultiBar, type SingleBar } from 'cli-progress';
import { formatClock, formatLoss, formatRate } from '../report/format.js';
import { colorEnabled } from '../style.js';

/** What the display shows after a training step. */
export interface ProgressSnapshot {
  /** Fraction of the budget (steps or seconds) done, in [0, 1]. */
  readonly fraction: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** Smoothed training loss in nats per character. */
  readonly loss: number;
  /** Training throughput. */
  readonly tokensPerSecond: number;
  /** Training seconds so far. */
  readonly elapsedSeconds: number;
}

/** Units of the bar: fine enough for a smooth bar, coarse enough to stay an integer. */
const BAR_UNITS = 1000;

/**
 * Shows one training run's progress. On a terminal it draws a bar (re-drawn on cli-progress's timer, so the
 * training loop must yield to the event loop between steps); when stderr is not a terminal (CI logs, pipes) it
 * prints only the lines given to {@link log}, so logs stay readable.
 */
export class ProgressDisplay {
  private readonly multibar: MultiBar | undefined;
  private bar: SingleBar | undefined;
  private readonly stream: NodeJS.WriteStream;

  /**
   * @param label - the run's name, shown before the bar
   * @param enabled - false silences everything (as `--json` needs)
   */
  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.stream = stream;
    if (enabled && stream.isTTY === true) {
      const color = colorEnabled(stream);
      this.multibar = new MultiBar({
        stream,
        // Short enough for an 80-column terminal; {eta} is cli-progress's own token, so ours is {remaining}.
        format: `${color ? '\u001b[36m{label}\u001b[39m' : '{label}'} {bar} {percentage}% step {step} loss {loss} {rate} tok/s ETA {remaining}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 14,
        hideCursor: true,
        clearOnComplete: false,
        fps: 5,
      });
    }
  }

  /** Shows the bar at `fraction` of the budget (non-zero when resuming). */
  start(fraction = 0): void {
    this.bar = this.multibar?.create(BAR_UNITS, Math.round(fraction * BAR_UNITS), {
      label: this.label,
      step: 0,
      loss: '-',
      rate: '-',
      remaining: '?',
    });
  }

  /** Updates the bar after a step. */
  update(s: ProgressSnapshot): void {
    if (this.bar === undefined) return;
    const remaining = s.fraction > 0 ? (s.elapsedSeconds / s.fraction) * (1 - s.fraction) : Number.NaN;
    this.bar.update(Math.min(BAR_UNITS, Math.round(s.fraction * BAR_UNITS)), {
      step: s.step,
      loss: formatLoss(s.loss),
      rate: formatRate(s.tokensPerSecond),
      remaining: formatClock(remaining),
    });
  }

  /** Prints a line above the bar (or alone, without a terminal). */
  log(line: string): void {
    if (!this.enabled) return;
    if (this.multibar !== undefined) this.multibar.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** Removes the timer and leaves the final bar on screen. */
  stop(): void {
    this.multibar?.stop();
  }
}

// Progress of a long measurement counted in units of work (an experiment, a benchmark), drawn on stderr.
import { SingleBar } from 'cli-progress';

/**
 * A cli-progress bar with ETA for work counted in units, with a line of what runs now. Without a terminal (CI logs,
 * pipes) it prints one line per message change instead, so logs show what happened; disabled, it prints nothing.
 */
export class WorkProgress {
  private readonly bar: SingleBar | undefined;
  private started = false;
  private lastMessage = '';

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (enabled && stream.isTTY === true) {
      this.bar = new SingleBar({
        stream,
        format: `${label} {bar} {value}/{total} | ETA {eta_formatted} | {message}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 24,
        hideCursor: true,
        etaBuffer: 8,
      });
    }
  }

  /** Shows `completed` of `total` units done and what runs now. */
  update(completed: number, total: number, message: string): void {
    if (!this.enabled) return;
    if (this.bar !== undefined) {
      if (!this.started) this.bar.start(total, completed, { message });
      else {
        this.bar.setTotal(total);
        this.bar.update(completed, { message });
      }
      this.started = true;
    } else if (message !== this.lastMessage) {
      this.stream.write(`${this.label} [${completed}/${total}] ${message}\n`);
    }
    this.lastMessage = message;
  }

  /** Leaves the final state on screen. */
  stop(): void {
    if (this.started) this.bar?.stop();
  }
}

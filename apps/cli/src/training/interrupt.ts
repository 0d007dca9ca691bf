// Ctrl-C during training: the first press asks the loop to checkpoint and stop; a second one quits at once.

/** A stop request raised by SIGINT or SIGTERM, polled by the training loop between steps. */
export class InterruptFlag {
  private requested = false;
  private readonly handler = (): void => {
    if (this.requested) process.exit(130);
    this.requested = true;
    this.onFirst();
  };

  /** @param onFirst - called on the first signal, e.g. to say that a checkpoint is being written */
  constructor(private readonly onFirst: () => void) {}

  /** Starts listening. */
  install(): this {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    return this;
  }

  /** Stops listening (default signal behaviour returns). */
  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  /** True once a signal arrived. */
  get stopRequested(): boolean {
    return this.requested;
  }
}

// The settings of a training run, as given on the command line and stored in its checkpoints.

/** How long a run trains: a number of optimizer steps or a number of training seconds. */
export type TrainBudget = { readonly kind: 'steps'; readonly steps: number } | { readonly kind: 'time'; readonly seconds: number };

/** Everything that decides a run's numbers besides the model; stored in checkpoints so `--resume` continues it. */
export interface TrainSettings {
  /** `--data` as given: a shipped corpus name or a file path. */
  readonly data: string;
  /** Windows per batch. */
  readonly batchSize: number;
  /** Characters per window. */
  readonly seqLen: number;
  /** AdamW learning rate. */
  readonly lr: number;
  /** AdamW decoupled weight decay. */
  readonly weightDecay: number;
  /** Gradients are scaled down to this total norm. */
  readonly clipNorm: number;
  /** Seed of the weights and of the batch sampler. */
  readonly seed: number;
  /** When training stops. */
  readonly budget: TrainBudget;
  /** Validate every this many steps (and at the start and the end). */
  readonly evalEvery: number;
  /**
   * Validate when this many more training seconds have passed, instead of counting steps (the demo, whose
   * budget is time). Validation draws no random numbers, so this never changes the training losses.
   */
  readonly evalEverySeconds?: number;
  /** Validation characters per periodic evaluation. */
  readonly evalTokens: number;
  /** Write a checkpoint every this many steps (and at the end and on Ctrl-C); 0 writes only those. */
  readonly checkpointEvery: number;
}

// The mutable state of a training run that a checkpoint must carry for `--resume` to continue exactly.
import { Generator, type GeneratorState } from '@seqlab/tensor-core';

/** A validation measurement along a run. */
export interface ValidationPoint {
  /** Optimizer steps taken when it was measured. */
  readonly step: number;
  /** Training seconds (validation and checkpoint time excluded) at that point. */
  readonly seconds: number;
  /** Loss in nats per character. */
  readonly nats: number;
  /** Loss in bits per character. */
  readonly bitsPerChar: number;
}

/** The JSON form of {@link RunProgress}, stored in checkpoint metadata. */
export interface RunProgressJSON {
  readonly step: number;
  readonly elapsedSeconds: number;
  readonly tokensSeen: number;
  readonly sampler: GeneratorState;
  readonly validation: readonly ValidationPoint[];
}

/** Where a run stands: steps, time, the batch sampler's generator and the validation curve so far. */
export class RunProgress {
  constructor(
    /** Optimizer steps taken. */
    public step: number,
    /** Training seconds so far, over all sessions of the run. */
    public elapsedSeconds: number,
    /** Training characters consumed so far. */
    public tokensSeen: number,
    /** Draws the batch windows; its state is saved so a resumed run draws the same batches. */
    readonly sampler: Generator,
    /** Validation measurements so far. */
    readonly validation: ValidationPoint[],
  ) {}

  /** A run that has not started, drawing its batches from `sampler` (`startLanguageModelTraining`'s). */
  static fresh(sampler: Generator): RunProgress {
    return new RunProgress(0, 0, 0, sampler, []);
  }

  /** Restores a saved run; the caller has checked the shape of `json`. */
  static fromJSON(json: RunProgressJSON): RunProgress {
    return new RunProgress(json.step, json.elapsedSeconds, json.tokensSeen, Generator.fromState(json.sampler), [...json.validation]);
  }

  /** The JSON form for checkpoint metadata. */
  toJSON(): RunProgressJSON {
    return { step: this.step, elapsedSeconds: this.elapsedSeconds, tokensSeen: this.tokensSeen, sampler: this.sampler.getState(), validation: this.validation };
  }
}

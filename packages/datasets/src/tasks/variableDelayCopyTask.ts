// The copy task with a delay drawn per example, so that a model cannot learn the output time by counting alone.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import { checkOptions, checkPositiveInt } from '../validate.js';
import { CopyTaskBase, type CopyTaskBaseOptions } from './copyTaskBase.js';

/** Options of {@link VariableDelayCopyTask}. */
export interface VariableDelayCopyTaskOptions extends CopyTaskBaseOptions {
  /** Smallest delay T (at least 1). */
  minDelay: number;
  /** Largest delay T (at least `minDelay`). */
  maxDelay: number;
}

/** A batch of the variable-delay copy task. */
export interface VariableDelayCopyTaskBatch {
  /** int32 `[batchSize, sequenceLength]` input symbols. */
  readonly inputs: Tensor;
  /** int32 `[batchSize, sequenceLength]` target symbols. */
  readonly targets: Tensor;
  /** Each row's delay T. */
  readonly delays: Int32Array;
}

/**
 * The copy task of {@link CopyTask} with the delay T drawn uniformly from `[minDelay, maxDelay]` for each
 * example. Every sequence has `maxDelay + 2S` steps; a row with delay T follows the {@link CopyTask} layout for
 * its first T + 2S steps (delimiter at step S + T − 1, data echoed at steps T + S … T + 2S − 1) and is blank in
 * input and target after that. The output window moves with the delimiter, so the model has to react to it.
 *
 * `baselineLoss` is the mean cross-entropy per step of a model that knows the output window but not the
 * symbols: S·ln K / (maxDelay + 2S).
 *
 * @example
 * ```ts
 * const task = new VariableDelayCopyTask({ minDelay: 10, maxDelay: 50, seed: 3 });
 * const { inputs, delays } = task.sample(16); // inputs int32 [16, 70]
 * ```
 */
export class VariableDelayCopyTask extends CopyTaskBase {
  /** Smallest delay. */
  readonly minDelay: number;
  /** Largest delay. */
  readonly maxDelay: number;

  constructor(options: VariableDelayCopyTaskOptions) {
    const fn = 'VariableDelayCopyTask';
    const opts = checkOptions(fn, options);
    const minDelay = checkPositiveInt(fn, 'minDelay', opts.minDelay);
    const maxDelay = checkPositiveInt(fn, 'maxDelay', opts.maxDelay);
    if (maxDelay < minDelay) {
      throw new InvalidArgumentError(`${fn}: argument 'maxDelay' must be at least 'minDelay' (${minDelay}); received ${maxDelay}`);
    }
    super(fn, opts, maxDelay);
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): VariableDelayCopyTaskBatch {
    const fn = 'VariableDelayCopyTask.sample';
    const delays = new Int32Array(checkPositiveInt(fn, 'batchSize', batchSize));
    const batch = this.sampleBatch(fn, batchSize, (b, generator) => {
      delays[b] = generator.int(this.minDelay, this.maxDelay);
      return delays[b];
    });
    return { ...batch, delays };
  }
}

// The copy task of Arjovsky, Shah & Bengio (2016): remember 10 symbols across T blanks, with its memoryless baseline.
import type { Tensor } from '@seqlab/tensor-core';
import { checkOptions, checkPositiveInt } from '../validate.js';
import { CopyTaskBase, type CopyTaskBaseOptions } from './copyTaskBase.js';

/** Options of {@link CopyTask}. */
export interface CopyTaskOptions extends CopyTaskBaseOptions {
  /** T: the delay, so that inputs hold T − 1 blanks between the data and the delimiter. At least 1. */
  delay: number;
}

/** A batch of a copy task. */
export interface CopyTaskBatch {
  /** int32 `[batchSize, sequenceLength]` input symbols. */
  readonly inputs: Tensor;
  /** int32 `[batchSize, sequenceLength]` target symbols, one per step. */
  readonly targets: Tensor;
}

/**
 * The copy task as in Arjovsky, Shah & Bengio, "Unitary Evolution Recurrent Neural Networks" (2016). With the
 * defaults (S = 10 data symbols from an alphabet of K = 8) the vocabulary has 10 ids: 0 blank, 1–8 data, 9
 * delimiter; each sequence has T + 20 steps:
 *
 * | steps            | input                          | target              |
 * |------------------|--------------------------------|---------------------|
 * | 0 … 9            | 10 data symbols, uniform 1–8   | blank               |
 * | 10 … T + 8       | T − 1 blanks                   | blank               |
 * | T + 9            | delimiter (9)                  | blank               |
 * | T + 10 … T + 19  | blanks                         | the 10 data symbols |
 *
 * `baselineLoss` is the mean cross-entropy per step of the memoryless strategy, which emits blanks and then
 * a uniform guess over the K data symbols for the S output steps: S·ln K / (T + 2S), i.e. 10·ln 8 / (T + 20).
 *
 * @example
 * ```ts
 * const task = new CopyTask({ delay: 100, seed: 0 });
 * const { inputs, targets } = task.sample(32); // int32 [32, 120] each
 * task.baselineLoss;                            // 10·ln 8 / 120 ≈ 0.1733
 * ```
 */
export class CopyTask extends CopyTaskBase {
  /** T. */
  readonly delay: number;

  constructor(options: CopyTaskOptions) {
    const fn = 'CopyTask';
    const opts = checkOptions(fn, options);
    const delay = checkPositiveInt(fn, 'delay', opts.delay);
    super(fn, opts, delay);
    this.delay = delay;
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): CopyTaskBatch {
    return this.sampleBatch('CopyTask.sample', batchSize, () => this.delay);
  }
}

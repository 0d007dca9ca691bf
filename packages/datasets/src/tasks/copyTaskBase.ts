// CopyTaskBase: the alphabet, sequence layout and batch sampling that CopyTask and VariableDelayCopyTask share.
import { InvalidArgumentError, tensor, type Generator } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkPositiveInt } from '../validate.js';
import type { CopyTaskBatch } from './copyTask.js';
import { COPY_BLANK, writeCopyExample } from './copyLayout.js';

/** Options every copy task takes besides its delay. */
export interface CopyTaskBaseOptions extends SeedOptions {
  /** Data symbols to copy. Default 10. */
  copyLength?: number;
  /** Size of the data alphabet. Default 8. */
  numDataSymbols?: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/**
 * Base of {@link CopyTask} and {@link VariableDelayCopyTask}: S data symbols from an alphabet of K, ids 0 blank,
 * 1…K data and K + 1 delimiter, and sequences long enough for the longest delay.
 *
 * @example
 * ```ts
 * const tasks: CopyTaskBase[] = [new CopyTask({ delay: 20, seed: 0 }), new VariableDelayCopyTask({ minDelay: 10, maxDelay: 20, seed: 0 })];
 * for (const task of tasks) {
 *   // K = 8 symbols, S = 10 to copy, longest delay T = 20: ids 0..9, T + 2S = 40 steps.
 *   console.assert(task.vocabSize === 10 && task.delimiterId === 9 && task.sequenceLength === 40);
 * }
 * ```
 */
export abstract class CopyTaskBase {
  /** S, the number of symbols to copy. */
  readonly copyLength: number;
  /** K, the size of the data alphabet. */
  readonly numDataSymbols: number;
  /** Id of the blank symbol (0). */
  readonly blankId = COPY_BLANK;
  /** Id of the delimiter (K + 1). */
  readonly delimiterId: number;
  /** Number of ids, K + 2. */
  readonly vocabSize: number;
  /** Steps per sequence: the longest delay T + 2S. */
  readonly sequenceLength: number;
  /** Cross-entropy per step in nats of a model that knows where the output is but not the symbols, S·ln K / (T + 2S) for the longest T. */
  readonly baselineLoss: number;
  private readonly generator: Generator;
  private readonly backend: string | undefined;

  /**
   * @param fn - the task's name, for errors
   * @param opts - the checked options object
   * @param longestDelay - the largest delay T any example has
   */
  protected constructor(fn: string, opts: CopyTaskBaseOptions, longestDelay: number) {
    this.copyLength = checkPositiveInt(fn, 'copyLength', opts.copyLength ?? 10);
    this.numDataSymbols = checkPositiveInt(fn, 'numDataSymbols', opts.numDataSymbols ?? 8);
    if (this.numDataSymbols < 2) {
      throw new InvalidArgumentError(`${fn}: argument 'numDataSymbols' must be at least 2 (one symbol needs no memory); received ${this.numDataSymbols}`);
    }
    this.generator = resolveGenerator(fn, opts);
    this.backend = opts.backend;
    this.delimiterId = this.numDataSymbols + 1;
    this.vocabSize = this.numDataSymbols + 2;
    this.sequenceLength = longestDelay + 2 * this.copyLength;
    this.baselineLoss = (this.copyLength * Math.log(this.numDataSymbols)) / this.sequenceLength;
  }

  /**
   * `batchSize` examples, example `b` with delay `delayOf(b, generator)`; the delay is asked for just before
   * the example's symbols are drawn, so both come from the task's one random stream.
   */
  protected sampleBatch(fn: string, batchSize: number, delayOf: (b: number, generator: Generator) => number): CopyTaskBatch {
    checkPositiveInt(fn, 'batchSize', batchSize);
    const width = this.sequenceLength;
    const inputs = new Int32Array(batchSize * width);
    const targets = new Int32Array(batchSize * width);
    for (let b = 0; b < batchSize; b++) {
      writeCopyExample(inputs, targets, b, width, delayOf(b, this.generator), this.copyLength, this.numDataSymbols, this.generator);
    }
    const shape = [batchSize, width];
    return {
      inputs: tensor(inputs, shape, { dtype: 'int32', backend: this.backend }),
      targets: tensor(targets, shape, { dtype: 'int32', backend: this.backend }),
    };
  }
}

// The copy task of Arjovsky, Shah & Bengio (2016): remember 10 symbols across T blanks, with its memoryless baseline.
import { InvalidArgumentError, tensor, type Generator, type Tensor } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkOptions, checkPositiveInt } from '../validate.js';
import { COPY_BLANK, writeCopyExample } from './copyLayout.js';

/** Options of {@link CopyTask}. */
export interface CopyTaskOptions extends SeedOptions {
  /** T: the delay, so that inputs hold T − 1 blanks between the data and the delimiter. At least 1. */
  delay: number;
  /** Data symbols to copy. Default 10. */
  copyLength?: number;
  /** Size of the data alphabet. Default 8. */
  numDataSymbols?: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
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
export class CopyTask {
  /** T. */
  readonly delay: number;
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
  /** Steps per sequence, T + 2S. */
  readonly sequenceLength: number;
  /** Memoryless baseline cross-entropy per step in nats, S·ln K / (T + 2S). */
  readonly baselineLoss: number;
  private readonly generator: Generator;
  private readonly backend: string | undefined;

  constructor(options: CopyTaskOptions) {
    const fn = 'CopyTask';
    const opts = checkOptions(fn, options);
    this.delay = checkPositiveInt(fn, 'delay', opts.delay);
    this.copyLength = checkPositiveInt(fn, 'copyLength', opts.copyLength ?? 10);
    this.numDataSymbols = checkPositiveInt(fn, 'numDataSymbols', opts.numDataSymbols ?? 8);
    if (this.numDataSymbols < 2) {
      throw new InvalidArgumentError(`${fn}: argument 'numDataSymbols' must be at least 2 (one symbol needs no memory); received ${this.numDataSymbols}`);
    }
    this.generator = resolveGenerator(fn, opts);
    this.backend = opts.backend;
    this.delimiterId = this.numDataSymbols + 1;
    this.vocabSize = this.numDataSymbols + 2;
    this.sequenceLength = this.delay + 2 * this.copyLength;
    this.baselineLoss = (this.copyLength * Math.log(this.numDataSymbols)) / this.sequenceLength;
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): CopyTaskBatch {
    checkPositiveInt('CopyTask.sample', 'batchSize', batchSize);
    const width = this.sequenceLength;
    const inputs = new Int32Array(batchSize * width);
    const targets = new Int32Array(batchSize * width);
    for (let b = 0; b < batchSize; b++) {
      writeCopyExample(inputs, targets, b, width, this.delay, this.copyLength, this.numDataSymbols, this.generator);
    }
    const shape = [batchSize, width];
    return {
      inputs: tensor(inputs, shape, { dtype: 'int32', backend: this.backend }),
      targets: tensor(targets, shape, { dtype: 'int32', backend: this.backend }),
    };
  }
}

// The copy task with a delay drawn per example, so that a model cannot learn the output time by counting alone.
import { InvalidArgumentError, tensor, type Generator, type Tensor } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkOptions, checkPositiveInt } from '../validate.js';
import { COPY_BLANK, writeCopyExample } from './copyLayout.js';

/** Options of {@link VariableDelayCopyTask}. */
export interface VariableDelayCopyTaskOptions extends SeedOptions {
  /** Smallest delay T (at least 1). */
  minDelay: number;
  /** Largest delay T (at least `minDelay`). */
  maxDelay: number;
  /** Data symbols to copy. Default 10. */
  copyLength?: number;
  /** Size of the data alphabet. Default 8. */
  numDataSymbols?: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
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
export class VariableDelayCopyTask {
  /** Smallest delay. */
  readonly minDelay: number;
  /** Largest delay. */
  readonly maxDelay: number;
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
  /** Steps per sequence, maxDelay + 2S. */
  readonly sequenceLength: number;
  /** Baseline cross-entropy per step in nats, S·ln K / (maxDelay + 2S). */
  readonly baselineLoss: number;
  private readonly generator: Generator;
  private readonly backend: string | undefined;

  constructor(options: VariableDelayCopyTaskOptions) {
    const fn = 'VariableDelayCopyTask';
    const opts = checkOptions(fn, options);
    this.minDelay = checkPositiveInt(fn, 'minDelay', opts.minDelay);
    this.maxDelay = checkPositiveInt(fn, 'maxDelay', opts.maxDelay);
    if (this.maxDelay < this.minDelay) {
      throw new InvalidArgumentError(`${fn}: argument 'maxDelay' must be at least 'minDelay' (${this.minDelay}); received ${this.maxDelay}`);
    }
    this.copyLength = checkPositiveInt(fn, 'copyLength', opts.copyLength ?? 10);
    this.numDataSymbols = checkPositiveInt(fn, 'numDataSymbols', opts.numDataSymbols ?? 8);
    if (this.numDataSymbols < 2) {
      throw new InvalidArgumentError(`${fn}: argument 'numDataSymbols' must be at least 2 (one symbol needs no memory); received ${this.numDataSymbols}`);
    }
    this.generator = resolveGenerator(fn, opts);
    this.backend = opts.backend;
    this.delimiterId = this.numDataSymbols + 1;
    this.vocabSize = this.numDataSymbols + 2;
    this.sequenceLength = this.maxDelay + 2 * this.copyLength;
    this.baselineLoss = (this.copyLength * Math.log(this.numDataSymbols)) / this.sequenceLength;
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): VariableDelayCopyTaskBatch {
    checkPositiveInt('VariableDelayCopyTask.sample', 'batchSize', batchSize);
    const width = this.sequenceLength;
    const inputs = new Int32Array(batchSize * width);
    const targets = new Int32Array(batchSize * width);
    const delays = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      delays[b] = this.generator.int(this.minDelay, this.maxDelay);
      writeCopyExample(inputs, targets, b, width, delays[b], this.copyLength, this.numDataSymbols, this.generator);
    }
    const shape = [batchSize, width];
    return {
      inputs: tensor(inputs, shape, { dtype: 'int32', backend: this.backend }),
      targets: tensor(targets, shape, { dtype: 'int32', backend: this.backend }),
      delays,
    };
  }
}

// Sequence reversal: read a random symbol sequence and emit it backwards, with lengths and masks for variable lengths.
import { InvalidArgumentError, tensor, type Generator, type Tensor } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkOptions, checkPositiveInt } from '../validate.js';

/** Options of {@link ReversalTask}. */
export interface ReversalTaskOptions extends SeedOptions {
  /** Longest sequence. */
  maxLength: number;
  /** Shortest sequence. Default `maxLength` (every sequence as long). */
  minLength?: number;
  /** Symbols to draw from (ids 1…numSymbols; 0 is padding). Default 10. */
  numSymbols?: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/** A batch of the reversal task. */
export interface ReversalTaskBatch {
  /** int32 `[batchSize, maxLength]` symbols, padded with 0 after each row's length. */
  readonly inputs: Tensor;
  /** int32 `[batchSize, maxLength]`: each row's symbols in reverse order, padded with 0. */
  readonly targets: Tensor;
  /** int32 `[batchSize]` sequence lengths. */
  readonly lengths: Tensor;
  /** float32 `[batchSize, maxLength]`: 1 at real steps, 0 at padding. */
  readonly mask: Tensor;
}

/**
 * Sequence reversal: the input is a sequence of symbols drawn uniformly from `1..numSymbols`, with a length
 * drawn uniformly from `[minLength, maxLength]`; the target is the same symbols reversed. Padding (id 0) fills
 * rows to `maxLength`; `mask` and `lengths` say which steps are real.
 *
 * `baselineLoss` is the cross-entropy per real step of a model that remembers nothing of the input and guesses
 * uniformly over the symbols: ln(numSymbols).
 *
 * @example
 * ```ts
 * const task = new ReversalTask({ minLength: 5, maxLength: 20, seed: 1 });
 * const { inputs, targets, lengths, mask } = task.sample(8); // [8, 20], [8, 20], [8], [8, 20]
 * ```
 */
export class ReversalTask {
  /** Shortest sequence. */
  readonly minLength: number;
  /** Longest sequence, the width of every batch. */
  readonly maxLength: number;
  /** Symbols drawn from, ids 1…numSymbols. */
  readonly numSymbols: number;
  /** Id of padding (0). */
  readonly padId = 0;
  /** Number of ids, numSymbols + 1. */
  readonly vocabSize: number;
  /** Cross-entropy per step of a uniform guess, ln(numSymbols). */
  readonly baselineLoss: number;
  private readonly generator: Generator;
  private readonly backend: string | undefined;

  constructor(options: ReversalTaskOptions) {
    const fn = 'ReversalTask';
    const opts = checkOptions(fn, options);
    this.maxLength = checkPositiveInt(fn, 'maxLength', opts.maxLength);
    this.minLength = checkPositiveInt(fn, 'minLength', opts.minLength ?? this.maxLength);
    if (this.minLength > this.maxLength) {
      throw new InvalidArgumentError(`${fn}: argument 'minLength' must be at most 'maxLength' (${this.maxLength}); received ${this.minLength}`);
    }
    this.numSymbols = checkPositiveInt(fn, 'numSymbols', opts.numSymbols ?? 10);
    this.generator = resolveGenerator(fn, opts);
    this.backend = opts.backend;
    this.vocabSize = this.numSymbols + 1;
    this.baselineLoss = Math.log(this.numSymbols);
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): ReversalTaskBatch {
    checkPositiveInt('ReversalTask.sample', 'batchSize', batchSize);
    const width = this.maxLength;
    const g = this.generator;
    const inputs = new Int32Array(batchSize * width);
    const targets = new Int32Array(batchSize * width);
    const lengths = new Int32Array(batchSize);
    const mask = new Float32Array(batchSize * width);
    for (let b = 0; b < batchSize; b++) {
      const n = g.int(this.minLength, this.maxLength);
      const base = b * width;
      lengths[b] = n;
      for (let t = 0; t < n; t++) {
        const symbol = g.int(1, this.numSymbols);
        inputs[base + t] = symbol;
        targets[base + n - 1 - t] = symbol;
      }
      mask.fill(1, base, base + n);
    }
    const shape = [batchSize, width];
    return {
      inputs: tensor(inputs, shape, { dtype: 'int32', backend: this.backend }),
      targets: tensor(targets, shape, { dtype: 'int32', backend: this.backend }),
      lengths: tensor(lengths, [batchSize], { dtype: 'int32', backend: this.backend }),
      mask: tensor(mask, shape, { dtype: 'float32', backend: this.backend }),
    };
  }
}

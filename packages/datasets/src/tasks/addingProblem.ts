// The adding problem (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015): add the two marked numbers of a long sequence.
import { InvalidArgumentError, tensor, type Generator, type Tensor } from '@seqlab/tensor-core';
import { resolveGenerator, type SeedOptions } from '../seeding.js';
import { checkOptions, checkPositiveInt } from '../validate.js';

/** Variance of U(0, 1). */
const UNIFORM_VARIANCE = 1 / 12;

/** Options of {@link AddingProblem}. */
export interface AddingProblemOptions extends SeedOptions {
  /** T, the sequence length (at least 2). */
  length: number;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/** A batch of the adding problem. */
export interface AddingProblemBatch {
  /** float32 `[batchSize, length, 2]`: channel 0 the values, channel 1 the markers. */
  readonly inputs: Tensor;
  /** float32 `[batchSize, 1]`: the sum of the two marked values. */
  readonly targets: Tensor;
  /** `[batchSize · 2]`: each row's marked steps, first then second. */
  readonly markerPositions: Int32Array;
}

/**
 * The adding problem. Each step carries a value drawn from U(0, 1) and a marker that is 1 at exactly two
 * steps — one drawn uniformly from the first half `[0, ⌊T/2⌋)`, one from the second half `[⌊T/2⌋, T)` — and
 * 0 elsewhere; the target is the sum of the two marked values.
 *
 * `baselineMse` is the mean squared error of always predicting the expected sum 1: the variance of a sum of
 * two independent U(0, 1) values, 2 · 1/12 = 1/6 ≈ 0.167. A model has learnt something once it beats it.
 *
 * @example
 * ```ts
 * const task = new AddingProblem({ length: 200, seed: 0 });
 * const { inputs, targets } = task.sample(64); // [64, 200, 2] and [64, 1]
 * task.baselineMse;                            // 0.1667
 * ```
 */
export class AddingProblem {
  /** T, the sequence length. */
  readonly length: number;
  /** MSE of predicting the constant 1: 1/6. */
  readonly baselineMse: number = 2 * UNIFORM_VARIANCE;
  private readonly generator: Generator;
  private readonly backend: string | undefined;

  constructor(options: AddingProblemOptions) {
    const fn = 'AddingProblem';
    const opts = checkOptions(fn, options);
    this.length = checkPositiveInt(fn, 'length', opts.length);
    if (this.length < 2) throw new InvalidArgumentError(`${fn}: argument 'length' must be at least 2 (one marker per half); received ${this.length}`);
    this.generator = resolveGenerator(fn, opts);
    this.backend = opts.backend;
  }

  /** A fresh batch of `batchSize` sequences; successive calls continue the task's random stream. */
  sample(batchSize: number): AddingProblemBatch {
    checkPositiveInt('AddingProblem.sample', 'batchSize', batchSize);
    const T = this.length;
    const half = Math.floor(T / 2);
    const g = this.generator;
    const inputs = new Float32Array(batchSize * T * 2);
    const targets = new Float32Array(batchSize);
    const markerPositions = new Int32Array(batchSize * 2);
    for (let b = 0; b < batchSize; b++) {
      const base = b * T * 2;
      for (let t = 0; t < T; t++) inputs[base + 2 * t] = g.uniform();
      const first = g.int(0, half - 1);
      const second = g.int(half, T - 1);
      inputs[base + 2 * first + 1] = 1;
      inputs[base + 2 * second + 1] = 1;
      markerPositions[2 * b] = first;
      markerPositions[2 * b + 1] = second;
      // Summed from the stored float32 values so that the target is exactly what the inputs show.
      targets[b] = inputs[base + 2 * first] + inputs[base + 2 * second];
    }
    return {
      inputs: tensor(inputs, [batchSize, T, 2], { dtype: 'float32', backend: this.backend }),
      targets: tensor(targets, [batchSize, 1], { dtype: 'float32', backend: this.backend }),
      markerPositions,
    };
  }
}

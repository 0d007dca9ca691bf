// Choosing the Generator a sampler draws from: an explicit one, one made from a seed, or the process-wide default.
import { defaultGenerator, Generator, InvalidArgumentError } from '@seqlab/tensor-core';
import { checkGenerator, describeValue } from './validate.js';

/** Where a sampler's randomness comes from. Give at most one of the two; neither means `defaultGenerator()`. */
export interface SeedOptions {
  /** A generator to draw from (it advances). */
  generator?: Generator;
  /** A seed for a fresh generator owned by the sampler. */
  seed?: number;
}

/** The generator described by `options`, or a typed error. */
export function resolveGenerator(fn: string, options: SeedOptions): Generator {
  if (options.generator !== undefined && options.seed !== undefined) {
    throw new InvalidArgumentError(`${fn}: give either 'generator' or 'seed', not both; received both`);
  }
  if (options.generator !== undefined) return checkGenerator(fn, options.generator);
  if (options.seed !== undefined) {
    if (typeof options.seed !== 'number' || !Number.isSafeInteger(options.seed)) {
      throw new InvalidArgumentError(`${fn}: argument 'seed' must be a safe integer; received ${describeValue(options.seed)}`);
    }
    return new Generator(options.seed);
  }
  return defaultGenerator();
}

// Dropout: zeroes a seeded random fraction p of the inputs in training and scales the rest by 1/(1−p).
import { bernoulli, defaultGenerator, InvalidArgumentError, mul, type Generator, type Tensor } from '@seqlab/tensor-core';
import { Module } from './module.js';

/**
 * Inverted dropout, as `torch.nn.Dropout`: in training mode each element is zeroed with probability `p` and the
 * survivors are scaled by 1/(1−p); in eval mode (or with p = 0) the input passes through unchanged.
 * Masks come from `generator` (default `defaultGenerator()`), so a seeded run drops the same elements every time.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { generator: new Generator(0) });
 * const x = ones([1000]);
 * const y = drop.forward(x); // about half the elements 0, the others 1 / (1 − 0.5) = 2
 * console.assert(Array.from(y.dataSync()).every((v) => v === 0 || v === 2));
 * drop.eval();
 * console.assert(drop.forward(x) === x); // eval mode: unchanged
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  /** Source of the masks; null uses the default generator at each call. */
  readonly generator: Generator | null;

  constructor(p = 0.5, options: { generator?: Generator } = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InvalidArgumentError(`Dropout: argument 'p' must be in [0, 1]; received ${String(p)}`);
    this.p = p;
    this.generator = options.generator ?? null;
  }

  /** `x` with dropout applied in training mode. */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const generator = this.generator ?? defaultGenerator();
    if (this.p === 1) return mul(x, 0);
    const keep = bernoulli(1 - this.p, x.shape, { generator, dtype: x.dtype, backend: x.backendName });
    return mul(x, mul(keep, 1 / (1 - this.p)));
  }
}

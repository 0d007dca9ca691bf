// Sampling the next token from logits: temperature, top-k and nucleus (top-p) filtering, drawn from an explicit Generator.
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';

/** How {@link sampleFromLogits} turns logits into a draw. */
export interface SamplingOptions {
  /** Divides the logits; below 1 sharpens, above 1 flattens; 0 always takes the most likely token. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens. Default: all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability adds up to at least p, in (0, 1]. Default 1. */
  topP?: number;
}

/** Checks sampling options and fills in the defaults. */
export function checkSamplingOptions(op: string, options: SamplingOptions, vocabSize: number): Required<SamplingOptions> {
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError(`${op}: option 'temperature' must be a finite number ≥ 0; received ${describeValue(temperature)}`);
  }
  const topK = options.topK ?? vocabSize;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
    throw new InvalidArgumentError(`${op}: option 'topK' must be a positive integer; received ${describeValue(topK)}`);
  }
  const topP = options.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError(`${op}: option 'topP' must be in (0, 1]; received ${describeValue(topP)}`);
  }
  return { temperature, topK: Math.min(topK, vocabSize), topP };
}

/**
 * Draws a token index from `logits` (one score per token): softmax of logits/temperature, restricted to the
 * `topK` most likely tokens and then to the nucleus of probability `topP`, renormalised, sampled with one
 * `generator.uniform()`. Temperature 0 returns the arg max (first on ties) and draws nothing.
 *
 * @example
 * ```ts
 * sampleFromLogits([2, 1, 0.1], { temperature: 0.8, topK: 2 }, new Generator(0)); // 0 or 1
 * ```
 */
export function sampleFromLogits(logits: ArrayLike<number>, options: SamplingOptions, generator: Generator): number {
  const n = logits.length;
  if (n === 0) throw new InvalidArgumentError(`sampleFromLogits: argument 'logits' must hold at least one score; received 0`);
  const { temperature, topK, topP } = checkSamplingOptions('sampleFromLogits', options, n);
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  const probs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    // Shifting by the maximum keeps exp finite for any logits.
    probs[i] = Math.exp((logits[i] - logits[best]) / temperature);
    total += probs[i];
  }
  // Ranked by the logits themselves: probabilities can tie after rounding where the logits do not.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  let keep = topK;
  if (topP < 1) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += probs[order[r]] / total;
      if (mass >= topP) {
        keep = r + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let r = 0; r < keep; r++) kept += probs[order[r]];
  let u = generator.uniform() * kept;
  for (let r = 0; r < keep; r++) {
    u -= probs[order[r]];
    if (u < 0) return order[r];
  }
  return order[keep - 1];
}

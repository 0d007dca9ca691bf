// Drawing the next token from logits: temperature, top-k and nucleus (top-p) filtering with a seeded generator.
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';

/** How {@link sampleFromLogits} draws a token. */
export interface SamplingOptions {
  /** Divides the logits; lower is more conservative, 0 picks the most likely token. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = all). Default 0. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 = all). Default 1. */
  topP?: number;
}

/** Checks sampling options and fills in their defaults. */
export function resolveSampling(op: string, options: SamplingOptions): Required<SamplingOptions> {
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError(`${op}: option 'temperature' must be a finite number ≥ 0; received ${String(temperature)}`);
  }
  if (!Number.isInteger(topK) || topK < 0) throw new InvalidArgumentError(`${op}: option 'topK' must be a non-negative integer; received ${String(topK)}`);
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw new InvalidArgumentError(`${op}: option 'topP' must be in (0, 1]; received ${String(topP)}`);
  return { temperature, topK, topP };
}

/**
 * Draws a token id from one row of logits: with temperature 0 the arg-max; otherwise softmax(logits / temperature)
 * restricted to the `topK` most likely tokens and then to the smallest prefix (by probability) whose mass reaches
 * `topP`, renormalised, sampled with one `generator.uniform()` draw.
 */
export function sampleFromLogits(logits: ArrayLike<number>, options: Required<SamplingOptions>, generator: Generator): number {
  const n = logits.length;
  if (options.temperature === 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  // Without filtering there is no need to rank the vocabulary.
  const order = options.topK === 0 && options.topP === 1 ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const keep = options.topK > 0 ? Math.min(options.topK, n) : n;
  let max = -Infinity;
  for (let r = 0; r < keep; r++) if (logits[order[r]] > max) max = logits[order[r]];
  const weights = new Float64Array(keep);
  let total = 0;
  for (let r = 0; r < keep; r++) {
    weights[r] = Math.exp((logits[order[r]] - max) / options.temperature);
    total += weights[r];
  }
  let kept = keep;
  if (options.topP < 1) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += weights[r] / total;
      if (mass >= options.topP) {
        kept = r + 1;
        break;
      }
    }
    total = 0;
    for (let r = 0; r < kept; r++) total += weights[r];
  }
  let u = generator.uniform() * total;
  for (let r = 0; r < kept; r++) {
    u -= weights[r];
    if (u < 0) return order[r];
  }
  return order[kept - 1];
}

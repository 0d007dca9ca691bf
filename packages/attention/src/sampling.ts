// The one sampler of seqlab's language models: temperature, top-k, then nucleus (top-p) within the k kept, one seeded draw.
import { InvalidArgumentError, type Generator } from '@seqlab/tensor-core';

/**
 * How {@link sampleFromLogits} draws a token, with the semantics of PyTorch / Hugging Face `generate`: the logits
 * are divided by `temperature`, cut to the `topK` most likely tokens, then to the nucleus of probability `topP`
 * of the distribution renormalised over those k, and one token is drawn from what is left.
 *
 * @example
 * ```ts
 * const options: SamplingOptions = { temperature: 0.8, topK: 40, topP: 0.95 };
 * ```
 */
export interface SamplingOptions {
  /** Divides the logits: below 1 sharpens, above 1 flattens; 0 is greedy (the arg max, no draw). Finite, ≥ 0. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 or undefined keeps all (no top-k filter), as in Hugging Face. Integer ≥ 0. Default 0. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability (after top-k) adds up to at least p; in (0, 1]. Default 1. */
  topP?: number;
}

/**
 * {@link SamplingOptions} checked, with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedSampling = resolveSampling('decode', { topP: 0.9 }); // { temperature: 1, topK: 0, topP: 0.9 }
 * ```
 */
export type ResolvedSampling = Required<SamplingOptions>;

/**
 * The filtered, renormalised distribution {@link samplingDistribution} returns.
 *
 * @example
 * ```ts
 * const { tokens, probabilities } = samplingDistribution([2, 1, 0], { topK: 2 }); // [0, 1], [0.73, 0.27]
 * ```
 */
export interface SamplingDistribution {
  /** The kept token ids, most likely first (ties: lower id first). */
  readonly tokens: readonly number[];
  /** Their probabilities after temperature and filtering, renormalised to sum to 1 (same order as `tokens`). */
  readonly probabilities: Float64Array;
}

// Cumulative sums are rounded; a nucleus that reaches p within this margin counts as reaching it.
const NUCLEUS_SLACK = 1e-12;

function received(value: unknown): string {
  return typeof value === 'number' || value === undefined || value === null ? String(value) : `a ${typeof value}`;
}

/**
 * Checks sampling options and fills in their defaults; `op` names the caller in error messages.
 * Throws INVALID_ARGUMENT naming the option and the received value.
 *
 * @example
 * ```ts
 * resolveSampling('myDecoder', { topK: 5 }); // { temperature: 1, topK: 5, topP: 1 }
 * try {
 *   resolveSampling('myDecoder', { topP: 0 });
 * } catch (e) {
 *   console.assert(String(e).includes("option 'topP' must be in (0, 1]; received 0"));
 * }
 * ```
 */
export function resolveSampling(op: string, options: SamplingOptions = {}): ResolvedSampling {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: argument 'options' must be an object; received ${received(options)}`);
  }
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError(`${op}: option 'temperature' must be a finite number ≥ 0 (0 = greedy); received ${received(temperature)}`);
  }
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 0) {
    throw new InvalidArgumentError(`${op}: option 'topK' must be an integer ≥ 0 (0 = no top-k filter); received ${received(topK)}`);
  }
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError(`${op}: option 'topP' must be in (0, 1]; received ${received(topP)}`);
  }
  return { temperature, topK, topP };
}

function checkLogits(op: string, logits: ArrayLike<number>): void {
  if (logits === null || typeof logits !== 'object' || typeof logits.length !== 'number') {
    throw new InvalidArgumentError(`${op}: argument 'logits' must be an array of scores, one per token; received ${received(logits)}`);
  }
  if (logits.length === 0) throw new InvalidArgumentError(`${op}: argument 'logits' must hold at least one score; received 0`);
  let finite = false;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    // -Infinity masks a token out; NaN and +Infinity have no probability.
    if (typeof v !== 'number' || Number.isNaN(v) || v === Infinity) {
      throw new InvalidArgumentError(`${op}: argument 'logits' must hold finite numbers or -Infinity; received ${received(v)} at index ${i}`);
    }
    if (v !== -Infinity) finite = true;
  }
  if (!finite) throw new InvalidArgumentError(`${op}: argument 'logits' must hold at least one finite score; received all -Infinity`);
}

function argMax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/**
 * The distribution {@link sampleFromLogits} draws from: `softmax(logits / temperature)` over the tokens whose logit
 * is not -Infinity, restricted to the `topK`
 * most likely tokens (exactly k; ties broken by the lower id) and renormalised, then restricted to the nucleus —
 * the smallest prefix, by probability, whose cumulative probability is ≥ `topP` (always at least one token) — and
 * renormalised again. Temperature 0 gives the arg max (first on ties) with probability 1. Throws INVALID_ARGUMENT
 * for bad options and for logits that are empty, NaN, +Infinity or all -Infinity.
 *
 * @example
 * ```ts
 * const logits = [0.35, 0.3, 0.2, 0.15].map(Math.log);
 * samplingDistribution(logits, { topK: 3, topP: 0.7 }).tokens; // [0, 1]: 0.35/0.85 + 0.3/0.85 ≥ 0.7
 * samplingDistribution(logits, { topK: 0 }).tokens;            // [0, 1, 2, 3]
 * ```
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): SamplingDistribution {
  const op = 'samplingDistribution';
  checkLogits(op, logits);
  const { temperature, topK, topP } = resolveSampling(op, options);
  return filtered(logits, temperature, topK, topP);
}

function filtered(logits: ArrayLike<number>, temperature: number, topK: number, topP: number): SamplingDistribution {
  const n = logits.length;
  if (temperature === 0) return { tokens: [argMax(logits)], probabilities: Float64Array.of(1) };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  let finite = n;
  while (logits[order[finite - 1]] === -Infinity) finite--;
  // Masked (-Infinity) tokens are never kept.
  let keep = topK === 0 ? finite : Math.min(topK, finite);
  const max = logits[order[0]];
  const weights = new Float64Array(keep);
  let total = 0;
  for (let r = 0; r < keep; r++) {
    // Shifting by the maximum keeps exp finite for any logits.
    weights[r] = Math.exp((logits[order[r]] - max) / temperature);
    total += weights[r];
  }
  if (topP < 1) {
    // The nucleus is measured on the distribution renormalised over the top-k tokens (Hugging Face's order).
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += weights[r] / total;
      if (mass >= topP - NUCLEUS_SLACK) {
        keep = r + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let r = 0; r < keep; r++) kept += weights[r];
  const probabilities = new Float64Array(keep);
  for (let r = 0; r < keep; r++) probabilities[r] = weights[r] / kept;
  return { tokens: order.slice(0, keep), probabilities };
}

/** The inverse-CDF draw of `u` ∈ [0, 1) from softmax(logits / temperature), walking the ids in order. */
function drawUnfiltered(logits: ArrayLike<number>, temperature: number, u: number): number {
  const max = logits[argMax(logits)];
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += weights[i] = Math.exp((logits[i] - max) / temperature);
  let rest = u * total;
  let last = 0;
  for (let i = 0; i < logits.length; i++) {
    if (weights[i] === 0) continue;
    rest -= weights[i];
    if (rest < 0) return i;
    last = i;
  }
  // Rounding can leave a hair of u above the total; the last token that has any probability takes it.
  return last;
}

/**
 * Draws a token id from one row of logits (one score per token): from {@link samplingDistribution} with one
 * `generator.uniform()` draw (by inverse CDF, most likely token first; over the ids in order when no filter applies),
 * so the same generator state gives the same token. Temperature 0 is greedy decoding:
 * the arg max (first on ties), and the generator is not advanced. `topK: 0` (or undefined) keeps every token;
 * `topK: 1` is greedy too but draws. Invalid options throw INVALID_ARGUMENT naming the option and the received value.
 *
 * @example
 * ```ts
 * const g = new Generator(0);
 * sampleFromLogits([2, 1, 0.1], { temperature: 0.8, topK: 2 }, g);  // 0 or 1
 * sampleFromLogits([2, 1, 0.1], { temperature: 0 }, g);              // 0, without drawing
 * ```
 */
export function sampleFromLogits(logits: ArrayLike<number>, options: SamplingOptions, generator: Generator): number {
  const op = 'sampleFromLogits';
  checkLogits(op, logits);
  const { temperature, topK, topP } = resolveSampling(op, options);
  if (temperature === 0) return argMax(logits);
  if (generator === null || typeof generator !== 'object' || typeof generator.uniform !== 'function') {
    throw new InvalidArgumentError(`${op}: argument 'generator' must be a Generator; received ${received(generator)}`);
  }
  // Without a filter there is nothing to rank: draw over the ids in order (a large vocabulary skips the sort).
  if (topP === 1 && (topK === 0 || topK >= logits.length)) return drawUnfiltered(logits, temperature, generator.uniform());
  const { tokens, probabilities } = filtered(logits, temperature, topK, topP);
  let u = generator.uniform();
  for (let r = 0; r < tokens.length; r++) {
    u -= probabilities[r];
    if (u < 0) return tokens[r];
  }
  // Rounding can leave u a hair above the summed probabilities.
  return tokens[tokens.length - 1];
}

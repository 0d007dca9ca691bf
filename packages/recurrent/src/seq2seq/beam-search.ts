// Beam search over a step function: keeps the best hypotheses per step, sets finished ones aside, returns the best.

/** A finished or open hypothesis. */
export interface BeamHypothesis {
  /** Produced tokens, without the start and end tokens. */
  readonly tokens: number[];
  /** Sum of the log-probabilities of the produced tokens (the end token included when finished). */
  readonly logProbability: number;
  /** Whether the end token was produced. */
  readonly finished: boolean;
}

/** One step of a beam search model. */
export interface BeamStep<S> {
  /** Log-probabilities `[beams × vocab]` (row-major) of the next token of every open beam. */
  readonly logProbabilities: ArrayLike<number>;
  /** The state after the step. */
  readonly state: S;
}

/** What {@link beamSearchOne} needs from a model; `S` is the model's (batched) decoder state. */
export interface BeamSearchSpec<S> {
  /** Hypotheses kept per step. */
  readonly beamWidth: number;
  /** Ranking exponent: hypotheses compare by `logP / length^lengthPenalty`; 0 compares plain log-probabilities. */
  readonly lengthPenalty: number;
  /** Most tokens per hypothesis, the end token included. */
  readonly maxLength: number;
  /** First decoder input. */
  readonly startToken: number;
  /** Token that finishes a hypothesis. */
  readonly endToken: number;
  /** Decoder state for a single hypothesis. */
  readonly initialState: S;
  /** The next-token log-probabilities of every open beam, and the state after the step. */
  step(previous: Int32Array, state: S): BeamStep<S>;
  /** The state rows of the given beams, in order (a beam may be picked several times). */
  selectBeams(state: S, beams: Int32Array): S;
}

interface Candidate {
  readonly beam: number;
  readonly token: number;
  readonly logProbability: number;
  readonly score: number;
}

/** The ranking score of a hypothesis with `length` produced tokens. */
function scoreOf(logProbability: number, length: number, lengthPenalty: number): number {
  return lengthPenalty === 0 ? logProbability : logProbability / Math.pow(Math.max(length, 1), lengthPenalty);
}

/**
 * Beam search for one source. Each step extends every open hypothesis by every token, keeps the `beamWidth` best
 * extensions, and moves those ending in `endToken` to the finished set. It stops at `maxLength`, when no hypothesis is
 * open, or (with `lengthPenalty` 0, where extending never raises a score) when the best finished hypothesis beats
 * every open one. Returns the best of the finished and the still-open hypotheses; ties go to the earlier candidate.
 *
 * @example
 * ```ts
 * // A toy model over tokens 0 (start), 1 (end), 2 and 3 whose state counts each beam's steps: it says 3, then ends.
 * const probabilities = [
 *   [0.01, 0.09, 0.3, 0.6],
 *   [0.01, 0.9, 0.05, 0.04],
 * ];
 * const best = beamSearchOne<number[]>({
 *   beamWidth: 2,
 *   lengthPenalty: 0,
 *   maxLength: 5,
 *   startToken: 0,
 *   endToken: 1,
 *   initialState: [0],
 *   step: (previous, steps) => ({ logProbabilities: steps.flatMap((t) => probabilities[Math.min(t, 1)].map(Math.log)), state: steps.map((t) => t + 1) }),
 *   selectBeams: (steps, beams) => Array.from(beams, (b) => steps[b]),
 * });
 * console.assert(best.finished && best.tokens.join() === '3' && Math.abs(best.logProbability - Math.log(0.6 * 0.9)) < 1e-12);
 * ```
 */
export function beamSearchOne<S>(spec: BeamSearchSpec<S>): BeamHypothesis {
  const { beamWidth, lengthPenalty, maxLength, endToken } = spec;
  let open: BeamHypothesis[] = [{ tokens: [], logProbability: 0, finished: false }];
  let state = spec.initialState;
  let previous = Int32Array.of(spec.startToken);
  const finished: BeamHypothesis[] = [];
  for (let t = 0; t < maxLength && open.length > 0; t++) {
    const { logProbabilities, state: next } = spec.step(previous, state);
    const vocab = logProbabilities.length / open.length;
    const candidates: Candidate[] = [];
    for (let k = 0; k < open.length; k++) {
      for (let v = 0; v < vocab; v++) {
        const logProbability = open[k].logProbability + logProbabilities[k * vocab + v];
        candidates.push({ beam: k, token: v, logProbability, score: scoreOf(logProbability, t + 1, lengthPenalty) });
      }
    }
    // Array.prototype.sort is stable, so equal scores keep the (beam, token) order.
    candidates.sort((a, b) => b.score - a.score);
    const kept: BeamHypothesis[] = [];
    const parents: number[] = [];
    const tokens: number[] = [];
    for (const c of candidates.slice(0, beamWidth)) {
      const tokensSoFar = open[c.beam].tokens;
      if (c.token === endToken) finished.push({ tokens: tokensSoFar, logProbability: c.logProbability, finished: true });
      else {
        kept.push({ tokens: [...tokensSoFar, c.token], logProbability: c.logProbability, finished: false });
        parents.push(c.beam);
        tokens.push(c.token);
      }
    }
    open = kept;
    if (open.length === 0) break;
    state = spec.selectBeams(next, Int32Array.from(parents));
    previous = Int32Array.from(tokens);
    if (lengthPenalty === 0 && finished.length > 0) {
      const bestFinished = Math.max(...finished.map((h) => h.logProbability));
      if (open.every((h) => h.logProbability < bestFinished)) break;
    }
  }
  const all = [...finished, ...open];
  let best = all[0];
  const rank = (h: BeamHypothesis): number => scoreOf(h.logProbability, h.tokens.length + (h.finished ? 1 : 0), lengthPenalty);
  for (const h of all) if (rank(h) > rank(best)) best = h;
  return best;
}

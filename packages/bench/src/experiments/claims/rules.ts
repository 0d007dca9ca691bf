// The tutorials' claims and the explicit rules that turn seqlab's measurements into a verdict. Each rule's
// thresholds are constants beside it; a verdict is `depends` when the measurements show the answer hinges on a
// setting (spectral radius, sequence length, hardware) and name it; a learning claim "depends on the training budget"
// only when the learning curve behind it is still moving at the end of its step budget (shared/curves.ts).
import type { AddingMeasurements } from '../adding/adding.js';
import type { AttentionMapMeasurements } from '../attention-map/attention-map.js';
import type { BottleneckMeasurements } from '../bottleneck/bottleneck.js';
import type { CopyMeasurements, CopyRow } from '../copy/copy.js';
import type { ResultDocument } from '../framework/experiment.js';
import type { GradientMeasurements } from '../gradients/gradients.js';
import type { MemoryMeasurements } from '../memory/memory.js';
import type { SpeedMeasurements } from '../speed/speed.js';
import { MOVING_DEFINITION } from '../shared/curves.js';
import { logLogSlope } from '../shared/losses.js';

/** A verdict on a claim. */
export type Verdict = 'confirmed' | 'refuted' | 'depends';

/** Result documents of the experiments the rules read, by experiment name. */
export interface ClaimEvidence {
  /** `speed` result. */
  readonly speed: ResultDocument<SpeedMeasurements>;
  /** `memory` result. */
  readonly memory: ResultDocument<MemoryMeasurements>;
  /** `gradients` result. */
  readonly gradients: ResultDocument<GradientMeasurements>;
  /** `copy` result. */
  readonly copy: ResultDocument<CopyMeasurements>;
  /** `adding` result. */
  readonly adding: ResultDocument<AddingMeasurements>;
  /** `bottleneck` result. */
  readonly bottleneck: ResultDocument<BottleneckMeasurements>;
  /** `attention-map` result. */
  readonly 'attention-map': ResultDocument<AttentionMapMeasurements>;
}

/** What a rule concludes. */
export interface ClaimJudgement {
  /** The verdict. */
  readonly verdict: Verdict;
  /** What was measured, in one or two sentences with the numbers. */
  readonly measured: string;
  /** Why the rule gave this verdict (and, for `depends`, on what). */
  readonly reason: string;
  /** The numbers the verdict was computed from. */
  readonly values: Record<string, number>;
}

/** One measured quantity against the tutorials' number for it. */
export interface ClaimComparison {
  /** What is compared, with its unit. */
  readonly quantity: string;
  /** The measured value. */
  readonly measured: number;
  /** The tutorials' number (or the threshold standing for their words). */
  readonly tutorial: number;
  /** Where the tutorials' number comes from. */
  readonly tutorialNote: string;
}

/** A claim of the tutorials with its rule. */
export interface ClaimRule {
  /** Short id. */
  readonly id: string;
  /** The claim as the tutorials make it. */
  readonly claim: string;
  /** Experiments whose results the rule reads. */
  readonly sources: readonly (keyof ClaimEvidence)[];
  /** The rule in words, thresholds included. */
  readonly rule: string;
  /** Applies the rule. */
  judge(evidence: ClaimEvidence): ClaimJudgement;
  /** The claim's headline quantity as measured, beside the number the tutorials give (for the claims chart). */
  compare(evidence: ClaimEvidence): ClaimComparison;
}

const f = (x: number, digits = 3): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x));

/** Effective context counts as "5–10 steps" within a factor of two: 2.5 to 20 steps. */
const CONTEXT_RANGE: [number, number] = [2.5, 20];
/** "Decays over 50 steps": the gradient 50 steps back is below 1 % of the last step's. */
const DECAY_50_THRESHOLD = 0.01;
/** Time grows linearly when the log–log slope of training time against T is in this range. */
const LINEAR_SLOPE: [number, number] = [0.7, 1.3];
/** Memory counts as quadratic when the fitted exponent over the longest lengths reaches this. */
const QUADRATIC_EXPONENT = 1.5;
/** ... and as clearly not quadratic below this. */
const LINEAR_EXPONENT = 1.2;
/** A model "solves" a copy or translation setting at this accuracy, and "fails" below `FAIL_ACCURACY`. */
const SOLVED_ACCURACY = 0.9;
const FAIL_ACCURACY = 0.5;
/** Shortest delay at which the LSTM claim is about (100–200 steps). */
const LONG_DELAY = 100;
/** Margin over the memoryless baseline / over another model that counts as a real difference in accuracy. */
const ACCURACY_MARGIN = 0.1;
/** Degradation: accuracy on long sentences (≥ 30 words) at least this much below short ones (≤ 20 words). */
const DEGRADATION_DROP = 0.15;
/** A head "links" the pronoun to a noun when a candidate is its strongest earlier word with at least this multiple of uniform weight. */
const LINK_FACTOR = 2;

/**
 * The claims, in the order of the report.
 *
 * @example
 * ```ts
 * console.assert(CLAIM_RULES.some((r) => r.id === 'rnn-context' && r.sources.includes('gradients')));
 * console.assert(CLAIM_RULES.every((r) => r.claim.length > 0 && r.rule.length > 0 && typeof r.judge === 'function'));
 * ```
 */
export const CLAIM_RULES: readonly ClaimRule[] = [
  {
    id: 'rnn-context',
    claim: 'A vanilla RNN has an effective context of about 5–10 steps.',
    sources: ['gradients'],
    rule: `Effective context = first distance d where ‖∂L/∂h_{T−1−d}‖ falls below 1 % of ‖∂L/∂h_{T−1}‖ (trained models). Confirmed if every vanilla RNN's lies in [${CONTEXT_RANGE}] steps, refuted if none does, otherwise depends on the spectral radius of W_hh.`,
    judge({ gradients }) {
      const rnns = gradients.measurements.profiles.filter((p) => p.kind === 'RNN' && p.stage === 'trained');
      const inRange = rnns.filter((p) => p.effectiveContext >= CONTEXT_RANGE[0] && p.effectiveContext <= CONTEXT_RANGE[1]);
      const values = Object.fromEntries(rnns.map((p) => [`context ρ=${p.spectralRadius}`, p.effectiveContext]));
      const measured = `Effective context of trained vanilla RNNs: ${rnns.map((p) => `ρ=${p.spectralRadius}: ${p.effectiveContext} steps`).join(', ')} (T = ${gradients.measurements.sequenceLength}).`;
      if (inRange.length === rnns.length)
        return { verdict: 'confirmed', measured, reason: `every radius gives ${CONTEXT_RANGE[0]}–${CONTEXT_RANGE[1]} steps`, values };
      if (inRange.length === 0) return { verdict: 'refuted', measured, reason: `no radius gives ${CONTEXT_RANGE[0]}–${CONTEXT_RANGE[1]} steps`, values };
      const out = rnns.filter((p) => !inRange.includes(p));
      return {
        verdict: 'depends',
        measured,
        reason: `on the spectral radius of W_hh: within range for ρ = ${inRange.map((p) => p.spectralRadius).join(', ')}, outside for ρ = ${out.map((p) => p.spectralRadius).join(', ')}`,
        values,
      };
    },
    compare({ gradients }) {
      const contexts = gradients.measurements.profiles.filter((p) => p.kind === 'RNN' && p.stage === 'trained').map((p) => p.effectiveContext);
      contexts.sort((a, b) => a - b);
      return {
        quantity: 'effective context of trained vanilla RNNs, median over radii (steps)',
        measured: contexts.length === 0 ? Number.NaN : contexts[Math.floor(contexts.length / 2)],
        tutorial: 7.5,
        tutorialNote: '"about 5–10 steps" (middle)',
      };
    },
  },
  {
    id: 'lstm-long-delays',
    claim: 'LSTMs struggle with dependencies beyond about 100–200 steps.',
    sources: ['copy'],
    rule: `From the copy task, an LSTM solves a delay at held-out accuracy ≥ ${SOLVED_ACCURACY} and fails it below ${FAIL_ACCURACY}. Refuted if it solves every delay ≥ ${LONG_DELAY}; confirmed if it solves the shortest delay and fails every delay ≥ ${LONG_DELAY} it did not solve, those being longer than every delay it solved, with flat curves; depends on the training budget when a failing curve is still moving (${MOVING_DEFINITION}); refuted when it fails even the shortest delay with a flat curve (the failure is not about long delays).`,
    judge({ copy }) {
      const lstm = copy.measurements.rows.filter((r) => r.model === 'LSTM').sort((a, b) => a.delay - b.delay);
      const long = lstm.filter((r) => r.delay >= LONG_DELAY);
      const values = Object.fromEntries(lstm.map((r) => [`accuracy T=${r.delay}`, r.accuracy]));
      const measured = `LSTM copy accuracy: ${lstm.map((r) => `T=${r.delay}: ${f(r.accuracy)} (${r.steps} steps${r.moving ? ', still moving' : ''})`).join(', ')}; chance ${f(lstm[0]?.baselineAccuracy ?? Number.NaN)}.`;
      const solved = (r: CopyRow): boolean => r.accuracy >= SOLVED_ACCURACY;
      const movingFailures = lstm.filter((r) => !solved(r) && r.moving);
      if (long.length === 0)
        return { verdict: 'depends', measured, reason: `on sequence length: this run's longest delay was ${lstm.at(-1)?.delay}, below ${LONG_DELAY}`, values };
      if (long.every(solved)) return { verdict: 'refuted', measured, reason: `the LSTM solved every delay ≥ ${LONG_DELAY}`, values };
      if (movingFailures.length > 0)
        return {
          verdict: 'depends',
          measured,
          reason: `on the training budget: the held-out accuracy curve of copy.json's LSTM row at T = ${movingFailures.map((r) => r.delay).join(', ')} was still moving after ${movingFailures[0].steps} steps`,
          values,
        };
      if (!solved(lstm[0]))
        return {
          verdict: 'refuted',
          measured,
          reason: `the LSTM failed even T=${lstm[0].delay} with a flat curve: its failure is not about delays beyond ${LONG_DELAY}`,
          values,
        };
      const longestSolved = Math.max(...lstm.filter(solved).map((r) => r.delay));
      const failures = lstm.filter((r) => !solved(r));
      if (failures.every((r) => r.delay > longestSolved && r.delay >= LONG_DELAY && r.accuracy < FAIL_ACCURACY))
        return {
          verdict: 'confirmed',
          measured,
          reason: `solved every delay up to T=${longestSolved} and failed T = ${failures.map((r) => r.delay).join(', ')} with flat curves`,
          values,
        };
      return { verdict: 'refuted', measured, reason: "the LSTM's failures are not confined to delays beyond the ones it solved (or are only partial)", values };
    },
    compare({ copy }) {
      const lstm = copy.measurements.rows.filter((r) => r.model === 'LSTM' && r.accuracy >= SOLVED_ACCURACY);
      return {
        quantity: 'longest copy delay the LSTM solves (steps)',
        measured: lstm.length === 0 ? 0 : Math.max(...lstm.map((r) => r.delay)),
        tutorial: 150,
        tutorialNote: '"about 100–200 steps" (middle)',
      };
    },
  },
  {
    id: 'gradient-decay-50',
    claim: 'Gradients in a vanilla RNN decay to almost nothing over 50 steps.',
    sources: ['gradients'],
    rule: `Relative gradient 50 steps back, vanilla RNNs at initialisation: confirmed if below ${DECAY_50_THRESHOLD} for every radius ≤ 1, refuted if at or above it for every radius, otherwise depends on the spectral radius.`,
    judge({ gradients }) {
      const rnns = gradients.measurements.profiles.filter((p) => p.kind === 'RNN' && p.stage === 'init');
      const values: Record<string, number> = {};
      for (const p of gradients.measurements.profiles) if (p.stage === 'init' && p.decayOver50 !== null) values[`${p.model} d=50`] = p.decayOver50;
      if (rnns.some((p) => p.decayOver50 === null)) {
        return {
          verdict: 'depends',
          measured: `The probe sequence has ${gradients.measurements.sequenceLength} steps.`,
          reason: 'on sequence length: the run is shorter than 50 steps, so the decay over 50 steps was not measured',
          values,
        };
      }
      const measured = `‖∂L/∂h‖ 50 steps back relative to the last step, at initialisation: ${gradients.measurements.profiles
        .filter((p) => p.stage === 'init')
        .map((p) => `${p.model} ${f(p.decayOver50 ?? Number.NaN)}`)
        .join(', ')}.`;
      const small = rnns.filter((p) => (p.spectralRadius ?? 0) <= 1);
      const vanished = (p: (typeof rnns)[number]): boolean => (p.decayOver50 ?? 1) < DECAY_50_THRESHOLD;
      if (rnns.every((p) => !vanished(p)))
        return { verdict: 'refuted', measured, reason: `no radius decays below ${DECAY_50_THRESHOLD} over 50 steps`, values };
      if (small.every(vanished) && rnns.every(vanished))
        return { verdict: 'confirmed', measured, reason: `every radius decays below ${DECAY_50_THRESHOLD}`, values };
      return {
        verdict: 'depends',
        measured,
        reason: `on the spectral radius: below ${DECAY_50_THRESHOLD} for ρ = ${rnns
          .filter(vanished)
          .map((p) => p.spectralRadius)
          .join(', ')}, not for ρ = ${rnns
          .filter((p) => !vanished(p))
          .map((p) => p.spectralRadius)
          .join(', ')}`,
        values,
      };
    },
    compare({ gradients }) {
      const rnn = gradients.measurements.profiles.find((p) => p.kind === 'RNN' && p.stage === 'init' && p.spectralRadius === 1);
      return {
        quantity: 'relative gradient 50 steps back, vanilla RNN with ρ = 1 at initialisation',
        measured: rnn?.decayOver50 ?? Number.NaN,
        tutorial: DECAY_50_THRESHOLD,
        tutorialNote: '"almost nothing", read as 1 %',
      };
    },
  },
  {
    id: 'rnn-linear-time',
    claim: 'RNN time grows linearly with sequence length, while Transformers process the sequence in parallel and are faster.',
    sources: ['speed'],
    rule: `From seqlab's training-step times: (a) the log–log slope of the vanilla RNN's time against T lies in [${LINEAR_SLOPE}]; (b) the Transformer's step is faster than the RNN's at most lengths. Confirmed if both hold, refuted if neither, depends (on the hardware's parallelism) if one holds.`,
    judge({ speed }) {
      const rows = speed.measurements.rows.filter((r) => r.library === 'seqlab' && r.trainStepMs !== null);
      const rnn = rows.filter((r) => r.model === 'RNN');
      const tr = rows.filter((r) => r.model === 'Transformer');
      const slope = logLogSlope(
        rnn.map((r) => r.length),
        rnn.map((r) => r.trainStepMs as number),
      );
      const trSlope = logLogSlope(
        tr.map((r) => r.length),
        tr.map((r) => r.trainStepMs as number),
      );
      const shared = rnn.filter((r) => tr.some((t) => t.length === r.length));
      const faster = shared.filter((r) => (tr.find((t) => t.length === r.length)?.trainStepMs as number) < (r.trainStepMs as number));
      const linear = slope >= LINEAR_SLOPE[0] && slope <= LINEAR_SLOPE[1];
      const parallel = faster.length > shared.length / 2;
      const values = { rnnSlope: slope, transformerSlope: trSlope, lengthsTransformerFaster: faster.length, lengthsCompared: shared.length };
      const measured = `Training-step time ∝ T^${f(slope)} for the RNN and T^${f(trSlope)} for the Transformer (backend ${speed.environment.backend}, ${speed.environment.cores} cores); the Transformer was faster at ${faster.length} of ${shared.length} lengths.`;
      if (linear && parallel) return { verdict: 'confirmed', measured, reason: 'linear RNN time and a faster Transformer', values };
      if (!linear && !parallel) return { verdict: 'refuted', measured, reason: 'neither linear RNN time nor a faster Transformer', values };
      return {
        verdict: 'depends',
        measured,
        reason: linear
          ? `on hardware parallelism: RNN time is linear, but on ${speed.environment.cores} CPU cores the Transformer was not faster at most lengths`
          : `on sequence length: the RNN slope ${f(slope)} is outside [${LINEAR_SLOPE}] over these lengths (fixed per-step costs dominate short sequences)`,
        values,
      };
    },
    compare({ speed }) {
      const rnn = speed.measurements.rows.filter((r) => r.library === 'seqlab' && r.model === 'RNN' && r.trainStepMs !== null);
      return {
        quantity: 'exponent of the vanilla RNN training-step time in T',
        measured: logLogSlope(
          rnn.map((r) => r.length),
          rnn.map((r) => r.trainStepMs as number),
        ),
        tutorial: 1,
        tutorialNote: 'linear in T',
      };
    },
  },
  {
    id: 'attention-memory',
    claim: 'Attention memory grows as O(T²), recurrent memory as O(T).',
    sources: ['memory'],
    rule: `Fitted exponent of peak live-tensor bytes against T over the longest half of the lengths. Confirmed if the Transformer with composed attention (materialised T×T scores) reaches ≥ ${QUADRATIC_EXPONENT}, the LSTM stays ≤ ${LINEAR_EXPONENT}, and so does not the fused-attention Transformer; depends on the attention implementation when composed attention is quadratic but the fused kernel stays ≤ ${LINEAR_EXPONENT}; refuted if even composed attention stays < ${LINEAR_EXPONENT} although the longest T reaches 4× the model width; otherwise depends on T relative to the width.`,
    judge({ memory }) {
      const e = Object.fromEntries(memory.measurements.exponents.map((x) => [x.model, x.longestHalf]));
      const composed = e['Transformer (composed attention)'];
      const fused = e.Transformer;
      const maxT = Math.max(...memory.measurements.rows.map((r) => r.length));
      const width = (memory.settings as { hiddenSize: number }).hiddenSize;
      const values = { composedAttentionExponent: composed, fusedAttentionExponent: fused, lstmExponent: e.LSTM, longestT: maxT, width };
      const measured = `Peak tensor bytes ∝ T^${f(composed)} (Transformer, composed attention), T^${f(fused)} (Transformer, fused attention kernel where the backend has one) and T^${f(e.LSTM)} (LSTM) over the longest lengths, T up to ${maxT}, width ${width}, backend ${memory.environment.backend}.`;
      if (composed >= QUADRATIC_EXPONENT && e.LSTM <= LINEAR_EXPONENT) {
        if (fused <= LINEAR_EXPONENT)
          return {
            verdict: 'depends',
            measured,
            reason: 'on the attention implementation: materialised scores grow as T², a fused kernel that never stores them grows linearly',
            values,
          };
        return { verdict: 'confirmed', measured, reason: 'quadratic attention memory and linear recurrent memory', values };
      }
      if (composed < LINEAR_EXPONENT && maxT >= 4 * width)
        return { verdict: 'refuted', measured, reason: 'attention memory stayed near-linear even where T² terms should dominate', values };
      return {
        verdict: 'depends',
        measured,
        reason: `on T relative to the width: with T ≤ ${maxT} and width ${width} the T·d terms still weigh against the T² attention scores`,
        values,
      };
    },
    compare({ memory }) {
      const e = memory.measurements.exponents.find((x) => x.model === 'Transformer (composed attention)');
      return { quantity: 'exponent of composed-attention peak memory in T', measured: e?.longestHalf ?? Number.NaN, tutorial: 2, tutorialNote: 'O(T²)' };
    },
  },
  {
    id: 'copy-curves',
    claim: 'On the copy task, vanilla RNNs fail as the delay grows while gated RNNs (LSTM/GRU) and Transformers keep high accuracy.',
    sources: ['copy'],
    rule: `At the longest delay the claim predicts that the vanilla RNN fails (accuracy < ${FAIL_ACCURACY}) and that the LSTM, the GRU and the Transformer each keep high accuracy (≥ ${SOLVED_ACCURACY}). Confirmed if every model does as predicted; a model that does not contradicts the claim: refuted if any such model's curve is flat, otherwise (every contradicting curve still moving: ${MOVING_DEFINITION}) it depends on the training budget.`,
    judge({ copy }) {
      const rows = copy.measurements.rows;
      const longest = Math.max(...rows.map((r) => r.delay));
      const at = rows.filter((r) => r.delay === longest);
      const acc = (m: string): number => at.find((r) => r.model === m)?.accuracy ?? Number.NaN;
      const base = at[0]?.baselineAccuracy ?? Number.NaN;
      const values = { delay: longest, rnn: acc('RNN'), lstm: acc('LSTM'), gru: acc('GRU'), transformer: acc('Transformer'), baseline: base };
      const delays = [...new Set(rows.map((r) => r.delay))].sort((a, b) => a - b);
      const byModel = [...new Set(rows.map((r) => r.model))].map(
        (m) => `${m} ${delays.map((d) => f(rows.find((r) => r.model === m && r.delay === d)?.accuracy ?? Number.NaN)).join(' → ')}`,
      );
      const measured = `Copy accuracy at T=${longest}: ${at.map((r) => `${r.model} ${f(r.accuracy)} (${r.steps} steps${r.moving ? ', still moving' : ''})`).join(', ')}; memoryless ${f(base)}. As the delay grows (T = ${delays.join(', ')}): ${byModel.join('; ')}. Per-delay curves are in copy.md.`;
      const contradicting = at.filter((r) => (r.model === 'RNN' ? r.accuracy >= FAIL_ACCURACY : r.accuracy < SOLVED_ACCURACY));
      const describe = (xs: CopyRow[]): string => xs.map((r) => `${r.model} (${f(r.accuracy)})`).join(', ');
      if (contradicting.length === 0)
        return {
          verdict: 'confirmed',
          measured,
          reason: `at T=${longest} the vanilla RNN fails while the LSTM, the GRU and the Transformer all keep high accuracy`,
          values,
        };
      const flat = contradicting.filter((r) => !r.moving);
      if (flat.length > 0)
        return {
          verdict: 'refuted',
          measured,
          reason: `at T=${longest}, ${describe(flat)} did not do as the claim says, with flat curves at the end of the ${flat[0].steps}-step budget`,
          values,
        };
      return {
        verdict: 'depends',
        measured,
        reason: `on the training budget: at T=${longest}, the held-out accuracy curves of ${describe(contradicting)} (copy.json) were still moving`,
        values,
      };
    },
    compare({ copy }) {
      const rows = copy.measurements.rows;
      const longest = Math.max(...rows.map((r) => r.delay));
      const at = rows.filter((r) => r.delay === longest);
      const acc = (m: string): number => at.find((r) => r.model === m)?.accuracy ?? Number.NaN;
      return {
        quantity: `copy accuracy at T=${longest}: the lowest of LSTM, GRU and Transformer`,
        measured: Math.min(acc('LSTM'), acc('GRU'), acc('Transformer')),
        tutorial: SOLVED_ACCURACY,
        tutorialNote: '"keep high accuracy", read as ≥ 0.9',
      };
    },
  },
  {
    id: 'seq2seq-bottleneck',
    claim: 'Seq2seq without attention degrades beyond 30–40 words, and attention repairs it.',
    sources: ['bottleneck'],
    rule: `Greedy-decoding token accuracy by source length. The claim is judged once the no-attention GRU has learnt short sources (accuracy ≥ ${FAIL_ACCURACY} on sources ≤ 20). Degradation = its accuracy on sources ≥ 30 at least ${DEGRADATION_DROP} below sources ≤ 20; repair = GRU+attention at least ${ACCURACY_MARGIN} above it on sources ≥ 30. Confirmed if both; a part that fails is a refutation unless the curve behind it (the GRU's for learning and degradation, GRU+attention's long-source curve for repair) is still moving (${MOVING_DEFINITION}), in which case it depends on the training budget.`,
    judge({ bottleneck }) {
      const rows = bottleneck.measurements.rows;
      const training = (model: string): BottleneckMeasurements['training'][number] | undefined =>
        bottleneck.measurements.training.find((t) => t.model === model);
      const meanOf = (model: string, keep: (n: number) => boolean): number => {
        const xs = rows.filter((r) => r.model === model && keep(r.sourceLength)).map((r) => r.tokenAccuracy);
        return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      const gruShort = meanOf('GRU', (n) => n <= 20);
      const gruLong = meanOf('GRU', (n) => n >= 30);
      const attLong = meanOf('GRU+attention', (n) => n >= 30);
      const trLong = meanOf('Transformer', (n) => n >= 30);
      const values = { gruShort, gruLong, attentionLong: attLong, transformerLong: trLong };
      const gru = training('GRU');
      const att = training('GRU+attention');
      const measured = `Token accuracy, GRU: ${f(gruShort)} (≤ 20 symbols) → ${f(gruLong)} (≥ 30); GRU+attention ${f(attLong)} and Transformer ${f(trLong)} on ≥ 30, after ${gru?.steps ?? 0} / ${att?.steps ?? 0} / ${training('Transformer')?.steps ?? 0} steps.`;
      if (!Number.isFinite(gruLong)) return { verdict: 'depends', measured, reason: 'on sequence length: no source of 30 symbols or more in this run', values };
      if (gruShort < FAIL_ACCURACY) {
        if (gru?.shortMoving)
          return {
            verdict: 'depends',
            measured,
            reason: "on the training budget: the GRU's short-source curve (bottleneck.json training[GRU]) was still moving",
            values,
          };
        return {
          verdict: 'refuted',
          measured,
          reason: `the GRU without attention did not learn even short sources (${f(gruShort)}) and its curve had stopped moving`,
          values,
        };
      }
      const degrades = gruShort - gruLong >= DEGRADATION_DROP;
      const repaired = attLong - gruLong >= ACCURACY_MARGIN;
      if (degrades && repaired)
        return { verdict: 'confirmed', measured, reason: 'the bottleneck model degrades on long sources and attention recovers them', values };
      const pending = [
        ...(!degrades && gru?.longMoving ? ["the GRU's long-source curve"] : []),
        ...(!repaired && att?.longMoving ? ["GRU+attention's long-source curve"] : []),
      ];
      if (pending.length > 0)
        return { verdict: 'depends', measured, reason: `on the training budget: ${pending.join(' and ')} (bottleneck.json) still moving`, values };
      return {
        verdict: 'refuted',
        measured,
        reason: !degrades ? 'the GRU without attention did not degrade with length' : 'attention did not repair the degradation, with a flat curve',
        values,
      };
    },
    compare({ bottleneck }) {
      const gru = bottleneck.measurements.rows.filter((r) => r.model === 'GRU').sort((a, b) => a.sourceLength - b.sourceLength);
      const first = gru[0]?.tokenAccuracy ?? 0;
      const falls = gru.find((r) => r.tokenAccuracy < first / 2);
      return {
        quantity: 'source length where the no-attention GRU falls below half its short-source accuracy',
        measured: falls?.sourceLength ?? gru.at(-1)?.sourceLength ?? 0,
        tutorial: 35,
        tutorialNote: '"beyond 30–40 words" (middle)',
      };
    },
  },
  {
    id: 'pronoun-attention',
    claim: 'Attention links a pronoun to its noun (e.g. "it" to "cat").',
    sources: ['attention-map'],
    rule: `On the pronoun task (the adjective after "it" decides its noun), a trained head links "it" when its mean attention mass on the right noun is at least ${LINK_FACTOR}× that on the wrong noun and at least ${LINK_FACTOR}× uniform (1/10). Confirmed if a trained head links; otherwise depends on the training budget if the Transformer's accuracy curve is still moving (${MOVING_DEFINITION}), refuted if not.`,
    judge(evidence) {
      const m = evidence['attention-map'].measurements;
      const uniform = 1 / 10;
      const links = (stage: string): typeof m.heads =>
        m.heads.filter((h) => h.stage === stage && h.rightNoun >= LINK_FACTOR * h.wrongNoun && h.rightNoun >= LINK_FACTOR * uniform);
      const trained = m.heads.filter((h) => h.stage === 'trained');
      const best = trained.reduce((a, h) => (h.rightNoun > a.rightNoun ? h : a), trained[0]);
      const tr = m.training.find((t) => t.model === 'Transformer');
      const values = {
        bestRightNoun: best?.rightNoun ?? Number.NaN,
        bestWrongNoun: best?.wrongNoun ?? Number.NaN,
        trainedLinks: links('trained').length,
        untrainedLinks: links('untrained').length,
        accuracy: tr?.accuracy ?? Number.NaN,
      };
      const measured = `Trained Transformer (accuracy ${f(tr?.accuracy ?? Number.NaN)} at naming the referent, ${tr?.steps ?? 0} steps): the head with most weight on the right noun, L${best?.layer}H${best?.head}, puts ${f(best?.rightNoun ?? Number.NaN)} on it and ${f(best?.wrongNoun ?? Number.NaN)} on the wrong noun; heads linking: ${links('trained').length} trained, ${links('untrained').length} untrained.`;
      if (links('trained').length > 0)
        return {
          verdict: 'confirmed',
          measured,
          reason: `${links('trained').length} trained head(s) link "it" to the right noun (${links('untrained').length} before training)`,
          values,
        };
      if (tr?.moving)
        return {
          verdict: 'depends',
          measured,
          reason: "on the training budget: the Transformer's accuracy curve (attention-map.json training[Transformer]) was still moving",
          values,
        };
      return { verdict: 'refuted', measured, reason: 'no trained head singles out the right noun, and training had stopped improving', values };
    },
    compare(evidence) {
      const trained = evidence['attention-map'].measurements.heads.filter((h) => h.stage === 'trained');
      return {
        quantity: 'largest attention mass from "it" on its noun (trained heads)',
        measured: Math.max(...trained.map((h) => h.rightNoun)),
        tutorial: 0.5,
        tutorialNote: 'pictures show most of the weight on the noun',
      };
    },
  },
];

// Learning curves: one held-out evaluation per checkpoint, and the rule that says whether a curve is still moving at
// the end of its step budget (the only case in which a claim may "depend on the training budget").
import { markdownTable } from '../framework/markdown.js';

/** One evaluation along training. */
export interface CurvePoint {
  /** Optimizer steps done. */
  readonly step: number;
  /** Seconds of training so far (evaluation excluded). */
  readonly seconds: number;
  /** Mean training loss since the previous point. */
  readonly trainLoss: number;
  /** The held-out metric. */
  readonly value: number;
}

/** The tail of the step budget a curve is judged on: the last 20 % of the steps. */
export const MOVING_TAIL = 0.2;
/** A metric bounded in [0, 1] (an accuracy) is moving when it improved by more than this, absolute, over the tail. */
export const MOVING_ABSOLUTE = 0.03;
/** An unbounded metric (a loss, an MSE) is moving when it improved by more than this fraction of its value over the tail. */
export const MOVING_RELATIVE = 0.03;

/**
 * The plain-words definition of "still moving", for reports.
 *
 * @example
 * ```ts
 * console.assert(MOVING_DEFINITION.includes('last 20 %'));
 * ```
 */
export const MOVING_DEFINITION = `a curve is still moving when its held-out metric improved over the last ${MOVING_TAIL * 100} % of the step budget (from the checkpoint at or before 80 % of the steps to the last one) by more than ${MOVING_ABSOLUTE} absolute for an accuracy, or by more than ${MOVING_RELATIVE * 100} % of its value for a loss or MSE; a run that met its success criterion (stopping early, or at its last evaluation) is not moving`;

/** Whether a curve is still moving, and by how much it moved over the tail. */
export interface CurveTrend {
  /** See {@link MOVING_DEFINITION}. */
  readonly moving: boolean;
  /** Improvement over the tail (absolute for accuracies, relative for losses; positive = better). */
  readonly tailImprovement: number;
}

/**
 * Applies {@link MOVING_DEFINITION} to `curve`: `higherIsBetter` for accuracies (judged absolutely), else a loss
 * (judged relative to its value). A curve with fewer than two points, or of a run that met its success criterion, is not moving.
 *
 * @example
 * ```ts
 * const rising = [0.1, 0.2, 0.3, 0.4, 0.5].map((value, i) => ({ step: (i + 1) * 100, value }));
 * console.assert(curveTrend(rising, true).moving && !curveTrend(rising, true, true).moving);
 * ```
 */
export function curveTrend(curve: readonly Pick<CurvePoint, 'step' | 'value'>[], higherIsBetter: boolean, succeeded = false): CurveTrend {
  if (curve.length < 2 || succeeded) return { moving: false, tailImprovement: 0 };
  const last = curve[curve.length - 1];
  const cut = last.step * (1 - MOVING_TAIL);
  let from = curve[0];
  for (const p of curve) if (p.step <= cut) from = p;
  if (from === last) from = curve[curve.length - 2];
  if (higherIsBetter) {
    const gain = last.value - from.value;
    return { moving: gain > MOVING_ABSOLUTE, tailImprovement: gain };
  }
  const gain = from.value === 0 ? 0 : (from.value - last.value) / Math.abs(from.value);
  return { moving: gain > MOVING_RELATIVE, tailImprovement: gain };
}

/**
 * Kendall's τ between step order and training loss over `losses`, on at most `samples` evenly spaced points: −1 = always falling.
 *
 * @example
 * ```ts
 * console.assert(lossTrend([3, 2.5, 2, 1.8, 1.7]) === -1 && lossTrend([1, 1, 1]) === 0);
 * ```
 */
export function lossTrend(losses: readonly number[], samples = 50): number {
  const stride = Math.max(1, Math.floor(losses.length / samples));
  const ys: number[] = [];
  for (let i = 0; i < losses.length; i += stride) ys.push(losses[i]);
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < ys.length; i++) {
    for (let j = i + 1; j < ys.length; j++) {
      if (ys[j] > ys[i]) concordant++;
      else if (ys[j] < ys[i]) discordant++;
    }
  }
  const pairs = (ys.length * (ys.length - 1)) / 2;
  return pairs === 0 ? 0 : (concordant - discordant) / pairs;
}

/**
 * "yes" or "no", for the tables' stopped-early and still-moving columns.
 *
 * @example
 * ```ts
 * console.assert(yesNo(true) === 'yes');
 * ```
 */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/**
 * The Markdown lines under a learning experiment's table: where its settings come from, the trial runs that chose
 * them (`settings.trials`, when any), and what "still moving" means.
 *
 * @example
 * ```ts
 * const notes = budgetNotes({ literature: 'trial runs', trials: [{ run: 'LSTM T=10', result: 'accuracy 0.9' }] }).join('\n');
 * console.assert(notes.includes('Still moving') && notes.includes('| LSTM T=10 | accuracy 0.9 |'));
 * ```
 */
export function budgetNotes(settings: Record<string, unknown>): string[] {
  const s = settings as { literature?: string; moving?: string; trials?: readonly { run: string; result: string }[] };
  const trials = s.trials ?? [];
  return [
    ...(s.literature === undefined ? [] : ['', `Settings: ${s.literature}.`]),
    ...(trials.length === 0
      ? []
      : [
          '',
          'Trial runs behind the settings (seed 0, wasm backend; wall times on the shared 2-core machine):',
          '',
          markdownTable(
            ['run', 'result'],
            trials.map((t) => [t.run, t.result]),
          ),
        ]),
    '',
    `"Still moving": ${s.moving ?? MOVING_DEFINITION}.`,
  ];
}

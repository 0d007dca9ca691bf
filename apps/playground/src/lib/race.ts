// The race: one config run as an LSTM and as a Transformer, each with its kind's default depth and learning rate.
import { DEFAULT_LANGUAGE_MODEL_LAYERS, DEFAULT_LANGUAGE_MODEL_LR, LANGUAGE_MODEL_LABELS, type LanguageModelKind } from '@seqlab/recurrent';
import type { StepReport } from './char-lm-session.js';
import type { CurvePoint } from './loss-curve.js';
import type { TrainConfig } from './train-config.js';

/** The two contestants, in chart order. */
export const RACE_KINDS: readonly LanguageModelKind[] = ['lstm', 'transformer'];

/**
 * The config of `kind` in a race on `base`: the same data, batch, window, width, optimizer settings and seed; the
 * kind's default layers and learning rate; heads reduced to 1 when they do not divide the width.
 *
 * @example
 * ```ts
 * raceConfig(defaultTrainConfig(), 'transformer').layers; // 2
 * ```
 */
export function raceConfig(base: TrainConfig, kind: LanguageModelKind): TrainConfig {
  const heads = kind === 'transformer' && base.hidden % base.heads !== 0 ? 1 : base.heads;
  return { ...base, model: kind, layers: DEFAULT_LANGUAGE_MODEL_LAYERS[kind], lr: DEFAULT_LANGUAGE_MODEL_LR[kind], heads };
}

/**
 * A contestant's loss (bits per character) against its cumulative training seconds: both train at once, so each
 * step's time is wall-clock time under the same contention.
 *
 * @example
 * ```ts
 * const points = lossAgainstTime(reports); // [{ x: seconds, y: bits }, ...]
 * ```
 */
export function lossAgainstTime(reports: readonly StepReport[]): CurvePoint[] {
  let seconds = 0;
  return reports.map((r) => {
    seconds += r.seconds;
    return { x: seconds, y: r.bitsPerChar };
  });
}

/**
 * The label of a contestant.
 *
 * @example
 * ```ts
 * raceLabel('lstm'); // "LSTM"
 * ```
 */
export function raceLabel(kind: LanguageModelKind): string {
  return LANGUAGE_MODEL_LABELS[kind];
}

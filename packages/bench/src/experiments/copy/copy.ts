// Experiment `copy` (the layout of Hochreiter & Schmidhuber 1997 as set by Arjovsky et al. 2016): held-out accuracy
// and loss along a fixed budget of optimizer steps for RNN, LSTM, GRU and Transformer at each delay T, beside the
// memoryless baseline.
import { CopyTask } from '@seqlab/datasets';
import { curvesByLength } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { formatNumber, markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { budgetNotes, curveTrend, MOVING_DEFINITION, yesNo } from '../shared/curves.js';
import { LITERATURE_SETTINGS } from '../shared/literature.js';
import { MODEL_KINDS } from '../shared/sequence-model.js';
import { trainOnCopy } from '../shared/copy-training.js';

/** One point of a copy-task learning curve. */
export interface CopyCurvePoint {
  /** Steps done. */
  readonly step: number;
  /** Seconds of training so far. */
  readonly seconds: number;
  /** Mean training loss since the previous point. */
  readonly trainLoss: number;
  /** Held-out loss. */
  readonly loss: number;
  /** Held-out accuracy on the copied symbols. */
  readonly accuracy: number;
}

/** One model trained at one delay. */
export interface CopyRow {
  /** Model family. */
  readonly model: string;
  /** Delay T. */
  readonly delay: number;
  /** Held-out accuracy on the copied symbols after training. */
  readonly accuracy: number;
  /** Held-out cross-entropy per step (nats) after training. */
  readonly loss: number;
  /** Memoryless baseline loss S·ln K / (T + 2S). */
  readonly baselineLoss: number;
  /** Memoryless baseline accuracy 1/K on the copied symbols. */
  readonly baselineAccuracy: number;
  /** Training steps taken. */
  readonly steps: number;
  /** Whether the run stopped early on its success criterion. */
  readonly stoppedEarly: boolean;
  /** Whether the held-out accuracy was still moving at the end (see `settings.moving`). */
  readonly moving: boolean;
  /** Held-out accuracy gained over the last 20 % of the steps. */
  readonly tailImprovement: number;
  /** Seconds of training. */
  readonly seconds: number;
  /** Every training step's loss, for the falling-loss check. */
  readonly trainLosses: number[];
  /** Held-out loss and accuracy along training. */
  readonly curve: CopyCurvePoint[];
}

/** Measurements of `copy`. */
export interface CopyMeasurements {
  /** Every (model, delay) run. */
  readonly rows: CopyRow[];
}

const COPY = LITERATURE_SETTINGS.copy;
/** The optimizer and task settings that quick and full runs share (from {@link LITERATURE_SETTINGS}). */
const COPY_RUN = { copyLength: 10, batch: COPY.batch, lr: COPY.lr, forgetBias: COPY.forgetBias, lrMinFactor: COPY.lrMinFactor, stopAccuracy: 0.99 };
/**
 * Sizes and budgets. `delaySteps[i]` is the step budget at `delays[i]` (a longer delay costs more per step, so the
 * budget shrinks with it; the tables state each run's steps); `steps` is the largest budget.
 */
const SIZES = {
  test: {
    ...COPY_RUN,
    delays: [3, 5],
    delaySteps: [16, 16],
    lrDecaySteps: 16,
    copyLength: 3,
    hiddenSize: 8,
    transformerWidth: 8,
    batch: 8,
    lr: 1e-2,
    evalBatch: 8,
    evalEvery: 8,
    stopAccuracy: 1.01,
  },
  quick: { ...COPY_RUN, delays: [10, 20], delaySteps: [150, 150], lrDecaySteps: 150, hiddenSize: 32, transformerWidth: 32, evalBatch: 64, evalEvery: 25 },
  full: {
    ...COPY_RUN,
    delays: [10, 50, 200],
    delaySteps: [4000, 1000, 300],
    lrDecaySteps: 4000,
    hiddenSize: COPY.hiddenSize,
    transformerWidth: 64,
    evalBatch: 200,
    evalEvery: 100,
  },
};

/**
 * The `copy` experiment.
 *
 * @example
 * ```ts
 * console.assert(copyExperiment.name === 'copy' && copyExperiment.description.length > 0);
 * // Writes copy.json, copy.md and copy.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await copyExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const copyExperiment = defineExperiment<CopyMeasurements>({
  name: 'copy',
  description:
    'Copy task (remember 10 symbols across a delay of T blanks): held-out accuracy and loss along a fixed budget of optimizer steps for RNN, LSTM, GRU and Transformer at each T, with the memoryless baseline.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const progress = ctx.progress(s.delays.length * MODEL_KINDS.length);
    const rows: CopyRow[] = [];
    for (const [i, delay] of s.delays.entries()) {
      for (const kind of MODEL_KINDS) {
        progress.status(`${kind} T=${delay}`);
        const run = await trainOnCopy(kind, { ...s, delay, steps: s.delaySteps[i] }, ctx.seed, (step) => {
          if (step % 10 === 0) progress.status(`${kind} T=${delay}: step ${step}`);
        });
        const curve = run.report.checkpoints.map((c) => ({
          step: c.step,
          seconds: c.seconds,
          trainLoss: c.trainLoss,
          loss: c.metrics.loss,
          accuracy: c.metrics.accuracy,
        }));
        const trend = curveTrend(
          curve.map((c) => ({ step: c.step, value: c.accuracy })),
          true,
          run.report.succeeded,
        );
        rows.push({
          model: kind,
          delay,
          accuracy: run.accuracy,
          loss: run.loss,
          baselineLoss: run.task.baselineLoss,
          baselineAccuracy: 1 / run.task.numDataSymbols,
          steps: run.report.steps,
          stoppedEarly: run.report.stoppedEarly,
          moving: trend.moving,
          tailImprovement: trend.tailImprovement,
          seconds: run.report.seconds,
          trainLosses: run.report.losses,
          curve,
        });
        progress.advance(`${kind} T=${delay}: accuracy ${run.accuracy.toFixed(3)} after ${run.report.steps} steps`);
      }
    }
    const task = new CopyTask({ delay: s.delays[0], copyLength: s.copyLength });
    return {
      settings: {
        ...s,
        steps: Math.max(...s.delaySteps),
        numDataSymbols: task.numDataSymbols,
        budget: `${s.delays.map((d, i) => `${s.delaySteps[i]} Adam steps at T=${d}`).join(', ')}, per model (batch ${s.batch}, learning rate ${s.lr} decaying along half a cosine to ${Number((s.lr * s.lrMinFactor).toPrecision(3))} at step ${s.lrDecaySteps}, the same horizon at every delay, LSTM forget-gate bias ${s.forgetBias}), stopping early once held-out accuracy reaches ${s.stopAccuracy}`,
        literature: COPY.source,
        trials: COPY.trials,
        moving: MOVING_DEFINITION,
        transformer: { layers: 1, heads: 4, width: s.transformerWidth, layer: '@seqlab/attention TransformerEncoderLayer (normFirst, GELU, no dropout)' },
      },
      measurements: { rows },
    };
  },
  markdown(result: ResultDocument<CopyMeasurements>) {
    const rows = result.measurements.rows;
    const lstm = rows.filter((r) => r.model === 'LSTM');
    const perStep = (r: CopyRow | undefined): number => (r === undefined ? Number.NaN : r.seconds / r.steps);
    const stepCost = perStep(lstm.at(-1)) / perStep(lstm[0]);
    const settings = result.settings as { budget?: string; delaySteps?: number[] };
    const budgets = settings.delaySteps ?? [];
    const shrinking = budgets.length > 1 && (budgets.at(-1) ?? 0) < budgets[0];
    return [
      markdownTable(
        ['model', 'T', 'accuracy', 'baseline accuracy', 'loss (nats)', 'baseline loss', 'steps', 'stopped early', 'still moving', 'seconds'],
        rows.map((r) => [r.model, r.delay, r.accuracy, r.baselineAccuracy, r.loss, r.baselineLoss, r.steps, yesNo(r.stoppedEarly), yesNo(r.moving), r.seconds]),
      ),
      '',
      `Budget: ${String(settings.budget)}.${shrinking ? ` An LSTM step at T=${lstm.at(-1)?.delay} took ${formatNumber(stepCost, 2)} times one at T=${lstm[0]?.delay} here, so the budget shrinks with the delay to keep the whole report within about 75 minutes on two cores: the longer delays' rows show how far each model gets within that budget, not what it could learn with more.` : ''}`,
      ...budgetNotes(result.settings),
    ].join('\n');
  },
  chart(result: ResultDocument<CopyMeasurements>) {
    const rows = result.measurements.rows;
    return curvesByLength({
      title: 'Copy task: held-out accuracy on the copied symbols',
      curvesTitle: 'learning curves, one panel per delay',
      y: { field: 'accuracy', title: 'accuracy', fraction: true },
      curves: rows.flatMap((r) => r.curve.map((c) => ({ model: r.model, T: `T = ${r.delay}`, step: c.step, accuracy: c.accuracy }))),
      finals: rows.map((r) => ({ model: r.model, T: r.delay, accuracy: r.accuracy })),
      lengthName: 'delay',
      rules: [{ value: rows[0]?.baselineAccuracy ?? 0, label: 'memoryless 1/K' }],
    });
  },
});

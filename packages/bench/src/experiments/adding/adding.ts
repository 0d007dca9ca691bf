// Experiment `adding`: held-out MSE along a fixed budget of optimizer steps on the adding problem (Hochreiter &
// Schmidhuber 1997) for RNN, LSTM, GRU and Transformer at each length T, beside the 1/6 ≈ 0.167 baseline of answering 1.
import { mseLoss, noGrad } from '@seqlab/autograd';
import { AddingProblem } from '@seqlab/datasets';
import { narrow, reshape, type Tensor } from '@seqlab/tensor-core';
import { curvesByLength } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { MODEL_KINDS, SequenceModel } from '../shared/sequence-model.js';
import { budgetNotes, curveTrend, MOVING_DEFINITION, yesNo } from '../shared/curves.js';
import { LITERATURE_SETTINGS } from '../shared/literature.js';
import { trainModel } from '../shared/training.js';

/** One model trained at one length. */
export interface AddingRow {
  /** Model family. */
  readonly model: string;
  /** Sequence length T. */
  readonly length: number;
  /** Held-out mean squared error after training. */
  readonly mse: number;
  /** MSE of always predicting 1 (1/6). */
  readonly baselineMse: number;
  /** Training steps taken. */
  readonly steps: number;
  /** Whether the run stopped early on its success criterion. */
  readonly stoppedEarly: boolean;
  /** Whether the held-out MSE was still moving at the end (see `settings.moving`). */
  readonly moving: boolean;
  /** Relative MSE improvement over the last 20 % of the steps. */
  readonly tailImprovement: number;
  /** Seconds of training. */
  readonly seconds: number;
  /** Every training step's loss, for the falling-loss check. */
  readonly trainLosses: number[];
  /** Held-out MSE along training. */
  readonly curve: {
    /** Steps done. */
    step: number;
    /** Seconds of training so far. */
    seconds: number;
    /** Mean training loss since the previous point. */
    trainLoss: number;
    /** Held-out MSE. */
    mse: number;
  }[];
}

/** Measurements of `adding`. */
export interface AddingMeasurements {
  /** Every (model, length) run. */
  readonly rows: AddingRow[];
}

const ADDING = LITERATURE_SETTINGS.adding;
/** Early stopping: the task counts as solved at a held-out MSE below this (1 % of the 0.167 baseline's order). */
const SOLVED_MSE = 0.002;
/** Sizes and budgets: `lengthSteps[i]` is the step budget at `lengths[i]`; `steps` is the largest. */
const SIZES = {
  test: { lengths: [4, 6], lengthSteps: [24, 24], hiddenSize: 8, batch: 32, lr: 1e-2, forgetBias: 1, evalBatch: 16, evalEvery: 8 },
  quick: {
    lengths: [10, 25],
    lengthSteps: [150, 150],
    hiddenSize: 32,
    batch: ADDING.batch,
    lr: ADDING.lr,
    forgetBias: ADDING.forgetBias,
    evalBatch: 200,
    evalEvery: 25,
  },
  full: {
    lengths: [50, 200],
    lengthSteps: [1000, 1500],
    hiddenSize: ADDING.hiddenSize,
    batch: ADDING.batch,
    lr: ADDING.lr,
    forgetBias: ADDING.forgetBias,
    evalBatch: 500,
    evalEvery: 100,
  },
};

/** The prediction at the last step, `[batch, 1]`. */
function lastStep(model: SequenceModel, inputs: Tensor): Tensor {
  const out = model.forward(inputs);
  return reshape(narrow(out, 1, out.shape[1] - 1, 1), [out.shape[0], 1]);
}

/** Sequences per evaluation chunk: a Transformer's scores for 1000 sequences of 400 steps would exceed the attention memory budget. */
const EVAL_CHUNK = 100;

/** Mean squared error over a large held-out batch, evaluated in chunks of {@link EVAL_CHUNK} sequences. */
function heldOutMse(model: SequenceModel, inputs: Tensor, targets: Tensor): number {
  const n = inputs.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    total += mseLoss(lastStep(model, narrow(inputs, 0, start, size)), narrow(targets, 0, start, size), { reduction: 'sum' }).item();
  }
  return total / n;
}

/**
 * The `adding` experiment.
 *
 * @example
 * ```ts
 * console.assert(addingExperiment.name === 'adding' && addingExperiment.description.length > 0);
 * // Writes adding.json, adding.md and adding.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await addingExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const addingExperiment = defineExperiment<AddingMeasurements>({
  name: 'adding',
  description:
    'Adding problem (sum the two marked values of a length-T sequence): held-out MSE against T for RNN, LSTM, GRU and Transformer under the same training budget, with the 0.167 baseline of always answering 1.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const progress = ctx.progress(s.lengths.length * MODEL_KINDS.length);
    const rows: AddingRow[] = [];
    for (const [i, length] of s.lengths.entries()) {
      const heldOut = new AddingProblem({ length, seed: ctx.seed + 7919 }).sample(s.evalBatch);
      for (const kind of MODEL_KINDS) {
        progress.status(`${kind} T=${length}`);
        const task = new AddingProblem({ length, seed: ctx.seed });
        const model = new SequenceModel({
          kind,
          vocabSize: null,
          inputFeatures: 2,
          hiddenSize: s.hiddenSize,
          outputSize: 1,
          heads: 4,
          maxLength: length,
          forgetBias: kind === 'LSTM' ? s.forgetBias : undefined,
          seed: ctx.seed,
        });
        const report = await trainModel(
          model,
          () => {
            const b = task.sample(s.batch);
            return mseLoss(lastStep(model, b.inputs), b.targets);
          },
          { steps: s.lengthSteps[i], lr: s.lr, evalEvery: s.evalEvery, stopWhen: (m) => m.mse < SOLVED_MSE },
          () => ({ mse: noGrad(() => heldOutMse(model, heldOut.inputs, heldOut.targets)) }),
        );
        const final = report.checkpoints[report.checkpoints.length - 1].metrics;
        const curve = report.checkpoints.map((c) => ({ step: c.step, seconds: c.seconds, trainLoss: c.trainLoss, mse: c.metrics.mse }));
        const trend = curveTrend(
          curve.map((c) => ({ step: c.step, value: c.mse })),
          false,
          report.succeeded,
        );
        rows.push({
          model: kind,
          length,
          mse: final.mse,
          baselineMse: task.baselineMse,
          steps: report.steps,
          stoppedEarly: report.stoppedEarly,
          moving: trend.moving,
          tailImprovement: trend.tailImprovement,
          seconds: report.seconds,
          trainLosses: report.losses,
          curve,
        });
        progress.advance(`${kind} T=${length}: MSE ${final.mse.toFixed(4)}`);
      }
    }
    return {
      settings: {
        ...s,
        steps: Math.max(...s.lengthSteps),
        budget: `${s.lengths.map((t, j) => `${s.lengthSteps[j]} Adam steps at T=${t}`).join(', ')}, per model (batch ${s.batch}, learning rate ${s.lr}, LSTM forget-gate bias ${s.forgetBias}), stopping early once held-out MSE is below ${SOLVED_MSE}`,
        literature: ADDING.source,
        trials: ADDING.trials,
        moving: MOVING_DEFINITION,
        readout: 'linear head on the last step',
        transformer: { layers: 1, heads: 4, width: s.hiddenSize, layer: '@seqlab/attention TransformerEncoderLayer (normFirst, GELU, no dropout)' },
      },
      measurements: { rows },
    };
  },
  markdown(result: ResultDocument<AddingMeasurements>) {
    const s = result.settings as { literature?: string; moving?: string };
    return [
      markdownTable(
        ['model', 'T', 'MSE', 'baseline MSE', 'MSE / baseline', 'steps', 'stopped early', 'still moving', 'seconds'],
        result.measurements.rows.map((r) => [
          r.model,
          r.length,
          r.mse,
          r.baselineMse,
          r.mse / r.baselineMse,
          r.steps,
          yesNo(r.stoppedEarly),
          yesNo(r.moving),
          r.seconds,
        ]),
      ),
      ...budgetNotes(result.settings),
    ].join('\n');
  },
  chart(result: ResultDocument<AddingMeasurements>) {
    const rows = result.measurements.rows;
    const baseline = rows[0]?.baselineMse ?? 1 / 6;
    // The first evaluations of an untrained model can sit far above the baseline; clip them so the scale shows the learning.
    const ceiling = 2 * baseline;
    return curvesByLength({
      title: 'Adding problem: held-out MSE',
      curvesTitle: `learning curves, one panel per length (values above ${Number(ceiling.toFixed(3))} drawn at it)`,
      y: { field: 'mse', title: 'MSE', zero: true },
      curves: rows.flatMap((r) => r.curve.map((c) => ({ model: r.model, T: `T = ${r.length}`, step: c.step, mse: Math.min(c.mse, ceiling) }))),
      finals: rows.map((r) => ({ model: r.model, T: r.length, mse: Math.min(r.mse, ceiling) })),
      lengthName: 'length',
      rules: [{ value: baseline, label: 'predict 1: 0.167' }],
    });
  },
});

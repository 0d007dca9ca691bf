// Experiment `adding`: held-out MSE against the sequence length T on the adding problem for RNN, LSTM, GRU and
// Transformer under the same training budget, beside the 1/6 ≈ 0.167 baseline of always answering 1.
import { mseLoss, noGrad } from '@seqlab/autograd';
import { AddingProblem } from '@seqlab/datasets';
import { narrow, reshape, type Tensor } from '@seqlab/tensor-core';
import { lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { MODEL_KINDS, SequenceModel } from '../models/sequence-model.js';
import { trainModel } from '../models/training.js';

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
  /** Seconds of training. */
  readonly seconds: number;
  /** Held-out MSE along training. */
  readonly curve: {
    /** Steps done. */
    step: number;
    /** Seconds of training so far. */
    seconds: number;
    /** Held-out MSE. */
    mse: number;
  }[];
}

/** Measurements of `adding`. */
export interface AddingMeasurements {
  /** Every (model, length) run. */
  readonly rows: AddingRow[];
}

const SIZES = {
  test: { lengths: [4, 6], hiddenSize: 8, batch: 4, steps: 4, timeBudgetSeconds: 5, lr: 3e-3, evalBatch: 16, evalEvery: 2 },
  quick: { lengths: [10, 25, 50], hiddenSize: 32, batch: 32, steps: 100, timeBudgetSeconds: 3, lr: 3e-3, evalBatch: 256, evalEvery: 25 },
  full: { lengths: [25, 50, 100, 200, 400], hiddenSize: 128, batch: 64, steps: 2000, timeBudgetSeconds: 30, lr: 1e-3, evalBatch: 1000, evalEvery: 100 },
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
    for (const length of s.lengths) {
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
          seed: ctx.seed,
        });
        const report = await trainModel(
          model,
          () => {
            const b = task.sample(s.batch);
            return mseLoss(lastStep(model, b.inputs), b.targets);
          },
          { steps: s.steps, timeBudgetSeconds: s.timeBudgetSeconds, lr: s.lr, evalEvery: s.evalEvery },
          () => ({ mse: noGrad(() => heldOutMse(model, heldOut.inputs, heldOut.targets)) }),
        );
        const final = report.checkpoints[report.checkpoints.length - 1].metrics;
        rows.push({
          model: kind,
          length,
          mse: final.mse,
          baselineMse: task.baselineMse,
          steps: report.steps,
          seconds: report.seconds,
          curve: report.checkpoints.map((c) => ({ step: c.step, seconds: c.seconds, mse: c.metrics.mse })),
        });
        progress.advance(`${kind} T=${length}: MSE ${final.mse.toFixed(4)}`);
      }
    }
    return {
      settings: {
        ...s,
        budget: `at most ${s.steps} AdamW steps and ${s.timeBudgetSeconds} s of training per model and length`,
        readout: 'linear head on the last step',
        transformer: { layers: 1, heads: 4, width: s.hiddenSize },
      },
      measurements: { rows },
    };
  },
  markdown(result: ResultDocument<AddingMeasurements>) {
    return markdownTable(
      ['model', 'T', 'MSE', 'baseline MSE', 'MSE / baseline', 'steps', 'seconds'],
      result.measurements.rows.map((r) => [r.model, r.length, r.mse, r.baselineMse, r.mse / r.baselineMse, r.steps, r.seconds]),
    );
  },
  chart(result: ResultDocument<AddingMeasurements>) {
    const rows = result.measurements.rows;
    const data: ChartRow[] = rows.map((r) => ({ model: r.model, T: r.length, mse: r.mse }));
    return lineChart({
      title: 'Adding problem: held-out MSE under an equal training budget',
      data,
      x: { field: 'T', title: 'sequence length T', log: true },
      y: { field: 'mse', title: 'MSE', zero: true },
      series: 'model',
      rules: [{ value: rows[0]?.baselineMse ?? 1 / 6, label: 'predict 1: 0.167' }],
    });
  },
});

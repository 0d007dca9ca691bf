// Experiment `copy`: held-out accuracy and loss against the delay T for RNN, LSTM, GRU and Transformer under the
// same training budget (steps and wall-clock time), beside the memoryless baseline.
import { CopyTask } from '@seqlab/datasets';
import { concatCharts, lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { MODEL_KINDS } from '../models/sequence-model.js';
import { trainOnCopy } from '../shared/copy-training.js';

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
  /** Seconds of training. */
  readonly seconds: number;
  /** Held-out loss and accuracy along training. */
  readonly curve: {
    /** Steps done. */
    step: number;
    /** Seconds of training so far. */
    seconds: number;
    /** Held-out loss. */
    loss: number;
    /** Held-out accuracy on the copied symbols. */
    accuracy: number;
  }[];
}

/** Measurements of `copy`. */
export interface CopyMeasurements {
  /** Every (model, delay) run. */
  readonly rows: CopyRow[];
}

const SIZES = {
  test: { delays: [3, 5], copyLength: 3, hiddenSize: 8, batch: 4, steps: 4, timeBudgetSeconds: 5, lr: 3e-3, evalBatch: 8, evalEvery: 2 },
  quick: { delays: [10, 20, 50], copyLength: 10, hiddenSize: 32, batch: 16, steps: 80, timeBudgetSeconds: 3, lr: 3e-3, evalBatch: 64, evalEvery: 20 },
  full: {
    delays: [10, 20, 50, 100, 200],
    copyLength: 10,
    hiddenSize: 128,
    batch: 32,
    steps: 1500,
    timeBudgetSeconds: 30,
    lr: 1e-3,
    evalBatch: 256,
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
    'Copy task (remember 10 symbols across a delay of T blanks): held-out accuracy and loss against T for RNN, LSTM, GRU and Transformer under the same training budget, with the memoryless baseline.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const progress = ctx.progress(s.delays.length * MODEL_KINDS.length);
    const rows: CopyRow[] = [];
    for (const delay of s.delays) {
      for (const kind of MODEL_KINDS) {
        progress.status(`${kind} T=${delay}`);
        const run = await trainOnCopy(kind, { ...s, delay }, ctx.seed, (step) => {
          if (step % 10 === 0) progress.status(`${kind} T=${delay}: step ${step}`);
        });
        rows.push({
          model: kind,
          delay,
          accuracy: run.accuracy,
          loss: run.loss,
          baselineLoss: run.task.baselineLoss,
          baselineAccuracy: 1 / run.task.numDataSymbols,
          steps: run.report.steps,
          seconds: run.report.seconds,
          curve: run.report.checkpoints.map((c) => ({ step: c.step, seconds: c.seconds, loss: c.metrics.loss, accuracy: c.metrics.accuracy })),
        });
        progress.advance(`${kind} T=${delay}: accuracy ${run.accuracy.toFixed(3)}`);
      }
    }
    const task = new CopyTask({ delay: s.delays[0], copyLength: s.copyLength });
    return {
      settings: {
        ...s,
        numDataSymbols: task.numDataSymbols,
        budget: `at most ${s.steps} AdamW steps and ${s.timeBudgetSeconds} s of training per model and delay`,
        transformer: { layers: 1, heads: 4, width: s.hiddenSize },
      },
      measurements: { rows },
    };
  },
  markdown(result: ResultDocument<CopyMeasurements>) {
    const rows = result.measurements.rows;
    return markdownTable(
      ['model', 'T', 'accuracy', 'baseline accuracy', 'loss (nats)', 'baseline loss', 'steps', 'seconds'],
      rows.map((r) => [r.model, r.delay, r.accuracy, r.baselineAccuracy, r.loss, r.baselineLoss, r.steps, r.seconds]),
    );
  },
  chart(result: ResultDocument<CopyMeasurements>) {
    const rows = result.measurements.rows;
    const data: ChartRow[] = rows.map((r) => ({ model: r.model, T: r.delay, accuracy: r.accuracy, loss: r.loss }));
    const baselineAccuracy = rows[0]?.baselineAccuracy ?? 0;
    const baselines = [...new Map(rows.map((r) => [r.delay, r.baselineLoss])).entries()].map(([T, loss]) => ({
      model: 'memoryless baseline',
      T,
      accuracy: null,
      loss,
    }));
    return concatCharts(
      'Copy task under an equal training budget',
      [
        lineChart({
          title: 'held-out accuracy on the copied symbols',
          data,
          x: { field: 'T', title: 'delay T', log: true },
          y: { field: 'accuracy', title: 'accuracy', zero: true },
          series: 'model',
          rules: [{ value: baselineAccuracy, label: 'memoryless 1/K' }],
        }),
        lineChart({
          title: 'held-out loss per step',
          data: [...data, ...baselines],
          x: { field: 'T', title: 'delay T', log: true },
          y: { field: 'loss', title: 'cross-entropy (nats)', zero: true },
          series: 'model',
        }),
      ],
      'horizontal',
    );
  },
});

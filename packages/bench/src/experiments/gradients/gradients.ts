// Experiment `gradients`: ‖∂L/∂h_k‖ against k for vanilla RNNs of several spectral radii, LSTM and GRU, and
// ‖∂L/∂x_k‖ for a Transformer, at initialisation and after training on the copy task.
import { CopyTask } from '@seqlab/datasets';
import { lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { SequenceModel, type ModelKind } from '../shared/sequence-model.js';
import { trainModel } from '../shared/training.js';
import { sequenceCrossEntropy } from '../shared/losses.js';
import { evaluateCopy } from '../shared/copy-training.js';
import { effectiveContext, gradientNorms, relativeToLast } from './gradient-probe.js';

/** Gradient norms of one model at one stage. */
export interface GradientProfile {
  /** Label, e.g. `RNN ρ=0.9`. */
  readonly model: string;
  /** Model family. */
  readonly kind: ModelKind;
  /** Spectral radius of W_hh for vanilla RNNs, else null. */
  readonly spectralRadius: number | null;
  /** `init` or `trained`. */
  readonly stage: 'init' | 'trained';
  /** ‖∂L/∂h_k‖ (‖∂L/∂x_k‖ for the Transformer) for k = 0…T−1, L the last step's loss, summed over the probe batch. */
  readonly norms: number[];
  /** The same norms d = 0…T−1 steps before the loss, relative to d = 0. */
  readonly relative: number[];
  /** Smallest d with relative norm below 1 %: how far back a useful gradient reaches. */
  readonly effectiveContext: number;
  /** Relative norm 50 steps back (null when the sequence is shorter). */
  readonly decayOver50: number | null;
}

/** Training outcome of one model. */
export interface GradientTraining {
  /** Label. */
  readonly model: string;
  /** Steps taken. */
  readonly steps: number;
  /** Seconds of training. */
  readonly seconds: number;
  /** Held-out accuracy on the copied symbols after training. */
  readonly accuracy: number;
  /** Held-out loss after training. */
  readonly loss: number;
}

/** Measurements of `gradients`. */
export interface GradientMeasurements {
  /** Every profile, init then trained per model. */
  readonly profiles: GradientProfile[];
  /** Training outcome per model. */
  readonly training: GradientTraining[];
  /** Sequence length T of the probe (delay + 2·copy length). */
  readonly sequenceLength: number;
}

const SIZES = {
  test: { delay: 4, copyLength: 3, hiddenSize: 8, batch: 4, probeBatch: 2, steps: 3, radii: [0.5, 1.0], lr: 3e-3 },
  quick: { delay: 50, copyLength: 10, hiddenSize: 32, batch: 16, probeBatch: 8, steps: 60, radii: [0.5, 0.9, 1.0, 1.2], lr: 3e-3 },
  full: { delay: 100, copyLength: 10, hiddenSize: 64, batch: 20, probeBatch: 16, steps: 300, radii: [0.5, 0.9, 1.0, 1.1, 1.5], lr: 1e-3 },
};

/**
 * The `gradients` experiment.
 *
 * @example
 * ```ts
 * console.assert(gradientsExperiment.name === 'gradients' && gradientsExperiment.description.length > 0);
 * // Writes gradients.json, gradients.md and gradients.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await gradientsExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const gradientsExperiment = defineExperiment<GradientMeasurements>({
  name: 'gradients',
  description:
    '‖∂L/∂h_k‖ against k for vanilla RNNs with several spectral radii of W_hh, LSTM and GRU, and ‖∂L/∂x_k‖ for a Transformer encoder, L being the loss at the last step, at initialisation and after training on the copy task.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const specs: { label: string; kind: ModelKind; radius: number | null }[] = [
      ...s.radii.map((r) => ({ label: `RNN ρ=${r}`, kind: 'RNN' as const, radius: r })),
      { label: 'LSTM', kind: 'LSTM', radius: null },
      { label: 'GRU', kind: 'GRU', radius: null },
      { label: 'Transformer', kind: 'Transformer', radius: null },
    ];
    const progress = ctx.progress(specs.length * (s.steps + 2));
    const probeTask = new CopyTask({ delay: s.delay, copyLength: s.copyLength, seed: ctx.seed + 104729 });
    const probe = probeTask.sample(s.probeBatch);
    const profiles: GradientProfile[] = [];
    const training: GradientTraining[] = [];
    const profile = (model: SequenceModel, spec: (typeof specs)[number], stage: 'init' | 'trained'): GradientProfile => {
      const norms = gradientNorms(model, probe.inputs, probe.targets);
      for (const p of model.parameters()) p.grad = null;
      const relative = relativeToLast(norms);
      return {
        model: spec.label,
        kind: spec.kind,
        spectralRadius: spec.radius,
        stage,
        norms,
        relative,
        effectiveContext: effectiveContext(relative),
        decayOver50: relative.length > 50 ? relative[50] : null,
      };
    };
    for (const spec of specs) {
      const task = new CopyTask({ delay: s.delay, copyLength: s.copyLength, seed: ctx.seed });
      const model = new SequenceModel({
        kind: spec.kind,
        vocabSize: task.vocabSize,
        hiddenSize: s.hiddenSize,
        outputSize: task.vocabSize,
        heads: 4,
        maxLength: task.sequenceLength,
        seed: ctx.seed,
        ...(spec.radius !== null ? { spectralRadius: spec.radius } : {}),
      });
      progress.status(`${spec.label}: probing at initialisation`);
      profiles.push(profile(model, spec, 'init'));
      progress.advance(`${spec.label}: probed at initialisation`);
      let reported = 0;
      const report = await trainModel(
        model,
        () => {
          const b = task.sample(s.batch);
          return sequenceCrossEntropy(model.forward(b.inputs), b.targets);
        },
        { steps: s.steps, lr: s.lr },
        () => evaluateCopy(model, probeTask, probe),
        (step) => {
          progress.advance(`${spec.label}: training step ${step}`);
          reported = step;
        },
      );
      progress.advance(`${spec.label}: trained`, s.steps - reported);
      const final = report.checkpoints[report.checkpoints.length - 1].metrics;
      training.push({ model: spec.label, steps: report.steps, seconds: report.seconds, accuracy: final.accuracy, loss: final.loss });
      profiles.push(profile(model, spec, 'trained'));
      progress.advance(`${spec.label}: probed after training`);
    }
    return {
      settings: {
        ...s,
        task: 'copy',
        loss: 'cross-entropy of the last step only',
        norm: 'Frobenius norm over the probe batch',
        effectiveContextThreshold: 0.01,
        transformer: { layers: 1, heads: 4, width: s.hiddenSize },
      },
      measurements: { profiles, training, sequenceLength: probeTask.sequenceLength },
    };
  },
  markdown(result: ResultDocument<GradientMeasurements>) {
    const m = result.measurements;
    const at = (p: GradientProfile, d: number): number | null => (d < p.relative.length ? p.relative[d] : null);
    return [
      `Sequence length T = ${m.sequenceLength}. Relative norm = ‖∂L/∂h_{T−1−d}‖ / ‖∂L/∂h_{T−1}‖; effective context = first d where it drops below 1 %.`,
      '',
      markdownTable(
        ['model', 'stage', 'd=1', 'd=5', 'd=10', 'd=20', 'd=50', 'effective context (steps)'],
        m.profiles.map((p) => [p.model, p.stage, at(p, 1), at(p, 5), at(p, 10), at(p, 20), at(p, 50), p.effectiveContext]),
      ),
      '',
      '### Training on the copy task',
      '',
      markdownTable(
        ['model', 'steps', 'seconds', 'copy accuracy', 'loss'],
        m.training.map((t) => [t.model, t.steps, t.seconds, t.accuracy, t.loss]),
      ),
    ].join('\n');
  },
  chart(result: ResultDocument<GradientMeasurements>) {
    const data: ChartRow[] = [];
    for (const p of result.measurements.profiles) {
      p.norms.forEach((n, k) => {
        // A log axis cannot show exact zeros (gradients that underflowed); those points are left out.
        if (n > 0) data.push({ model: p.model, k, norm: n, stage: p.stage === 'init' ? 'at initialisation' : 'after training' });
      });
    }
    return lineChart({
      title: '‖∂L/∂h_k‖ (Transformer: ‖∂L/∂x_k‖), L = loss at the last step',
      data,
      x: { field: 'k', title: 'time step k' },
      y: { field: 'norm', title: 'gradient norm', log: true },
      series: 'model',
      column: { field: 'stage', title: '', sort: ['at initialisation', 'after training'] },
      width: 360,
      height: 260,
    });
  },
});

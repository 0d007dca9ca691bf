// Experiment `attention-map`: does attention link a pronoun to its noun? A Transformer encoder is trained to name the
// noun "it" refers to in generated sentences where only the adjective after "it" decides; per layer and head, the
// attention mass from "it" to the right noun, the wrong noun and the rest, trained against untrained; and a vanilla
// RNN trained on the same sentences (answer read at the last word), with its hidden-state change per word.
import { crossEntropy, noGrad } from '@seqlab/autograd';
import { argmax, Generator, narrow, reshape, type Tensor } from '@seqlab/tensor-core';
import type { ChartSpec } from '../framework/chart.js';
import { concatCharts, DASH_LEGEND, learningCurves, lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { seriesColorScale } from '../framework/palette.js';
import { budgetNotes, curveTrend, MOVING_DEFINITION, yesNo } from '../shared/curves.js';
import { SequenceModel, type ModelKind } from '../shared/sequence-model.js';
import { trainModel } from '../shared/training.js';
import { NOUN_POSITIONS, PRONOUN_POSITION, PRONOUN_ROLES, PRONOUN_VOCABULARY, pronounBatch, type PronounBatch } from './pronoun-task.js';

/** Attention mass from "it" in one head, averaged over the held-out sentences. */
export interface HeadMass {
  /** `trained` or `untrained`. */
  readonly stage: 'trained' | 'untrained';
  /** Layer index. */
  readonly layer: number;
  /** Head index. */
  readonly head: number;
  /** Mean weight on the noun "it" refers to. */
  readonly rightNoun: number;
  /** Mean weight on the other noun. */
  readonly wrongNoun: number;
  /** Mean weight on every other word (itself and the adjective included). */
  readonly rest: number;
}

/** Training of one model on the pronoun task. */
export interface PronounTraining {
  /** `Transformer` or `RNN`. */
  readonly model: string;
  /** Steps taken. */
  readonly steps: number;
  /** Whether training stopped early on its success criterion. */
  readonly stoppedEarly: boolean;
  /** Whether held-out accuracy was still moving at the end (see `settings.moving`). */
  readonly moving: boolean;
  /** Seconds of training. */
  readonly seconds: number;
  /** Held-out accuracy of naming the referent before training. */
  readonly untrainedAccuracy: number;
  /** Held-out accuracy of naming the referent after training. */
  readonly accuracy: number;
  /** Every training step's loss, for the falling-loss check. */
  readonly trainLosses: number[];
  /** Held-out accuracy along training. */
  readonly curve: {
    /** Steps done. */
    step: number;
    /** Seconds of training so far. */
    seconds: number;
    /** Mean training loss since the previous point. */
    trainLoss: number;
    /** Held-out accuracy of naming the referent. */
    accuracy: number;
  }[];
}

/** Measurements of `attention-map`. */
export interface AttentionMapMeasurements {
  /** A few held-out sentences. */
  readonly examples: string[];
  /** Attention mass from "it" per layer and head, trained and untrained. */
  readonly heads: HeadMass[];
  /** Training of the Transformer and of the RNN. */
  readonly training: PronounTraining[];
  /** The RNN's mean ‖h_t − h_{t−1}‖ per word position over the held-out sentences, trained and untrained. */
  readonly rnnStateChange: {
    /** Before or after training. */
    stage: 'trained' | 'untrained';
    /** Word position. */
    position: number;
    /** The word's role (see `PRONOUN_ROLES`). */
    role: string;
    /** Mean ‖h_t − h_{t−1}‖ at that position. */
    change: number;
  }[];
}

/** Early stopping: held-out accuracy of naming the referent. */
const STOP_ACCURACY = 0.99;
const SIZES = {
  test: { width: 16, layers: 1, heads: 2, rnnHidden: 16, batch: 16, steps: 16, lr: 1e-2, evalSentences: 32, evalEvery: 8 },
  quick: { width: 32, layers: 2, heads: 4, rnnHidden: 32, batch: 32, steps: 150, lr: 3e-3, evalSentences: 200, evalEvery: 25 },
  full: { width: 64, layers: 2, heads: 4, rnnHidden: 64, batch: 32, steps: 1500, lr: 1e-3, evalSentences: 500, evalEvery: 100 },
};

/** Logits at the position the model answers at: "it" for the (bidirectional) Transformer, the last word for the RNN. */
function answerLogits(model: SequenceModel, inputs: Tensor, position: number): Tensor {
  const out = model.forward(inputs);
  return reshape(narrow(out, 1, position, 1), [out.shape[0], out.shape[2]]);
}

function accuracy(model: SequenceModel, b: PronounBatch, position: number): number {
  const predicted = argmax(answerLogits(model, b.inputs, position), 1).dataSync();
  const wanted = b.referents.dataSync();
  let hits = 0;
  for (let i = 0; i < wanted.length; i++) if (predicted[i] === wanted[i]) hits++;
  return hits / wanted.length;
}

/** Mean attention mass from "it" to the right noun, the wrong noun and the rest, per layer and head. */
function headMasses(model: SequenceModel, b: PronounBatch, stage: HeadMass['stage']): HeadMass[] {
  const { attention } = noGrad(() => model.run(b.inputs, { needWeights: true }));
  const out: HeadMass[] = [];
  attention.forEach((weights, layer) => {
    const [batch, heads, length] = weights.shape;
    const w = weights.dataSync();
    for (let h = 0; h < heads; h++) {
      let right = 0;
      let wrong = 0;
      for (let i = 0; i < batch; i++) {
        const row = ((i * heads + h) * length + PRONOUN_POSITION) * length;
        const r = b.rightPositions[i];
        const other = r === NOUN_POSITIONS[0] ? NOUN_POSITIONS[1] : NOUN_POSITIONS[0];
        right += w[row + r];
        wrong += w[row + other];
      }
      out.push({ stage, layer, head: h, rightNoun: right / batch, wrongNoun: wrong / batch, rest: 1 - (right + wrong) / batch });
    }
  });
  return out;
}

/** Mean ‖h_t − h_{t−1}‖ (h_{−1} = 0) per position of the RNN's hidden states over the batch. */
function stateChange(model: SequenceModel, b: PronounBatch, stage: 'trained' | 'untrained'): AttentionMapMeasurements['rnnStateChange'] {
  const hidden = noGrad(() => model.run(b.inputs).hidden);
  const [batch, length, width] = hidden.shape;
  const h = hidden.dataSync();
  return PRONOUN_ROLES.map((role, t) => {
    let total = 0;
    for (let i = 0; i < batch; i++) {
      let d = 0;
      for (let u = 0; u < width; u++) {
        const now = h[(i * length + t) * width + u];
        const before = t > 0 ? h[(i * length + t - 1) * width + u] : 0;
        d += (now - before) ** 2;
      }
      total += Math.sqrt(d);
    }
    return { stage, position: t, role, change: total / batch };
  });
}

/**
 * The `attention-map` experiment.
 *
 * @example
 * ```ts
 * console.assert(attentionMapExperiment.name === 'attention-map' && attentionMapExperiment.description.length > 0);
 * // Writes attention-map.json, attention-map.md and attention-map.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await attentionMapExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const attentionMapExperiment = defineExperiment<AttentionMapMeasurements>({
  name: 'attention-map',
  description:
    'Pronoun resolution in generated sentences ("the cat sat on the mat because it was tired/soft": only the adjective after "it" decides its noun): a Transformer encoder trained to name the referent at "it", with the attention mass from "it" to the right noun, the wrong noun and the rest per layer and head, trained and untrained; and a vanilla RNN trained on the same sentences, with its hidden-state change per word.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const heldOut = pronounBatch(s.evalSentences, new Generator(ctx.seed + 7919));
    const vocab = PRONOUN_VOCABULARY.length;
    const length = PRONOUN_ROLES.length;
    const specs: { kind: ModelKind; position: number; hidden: number }[] = [
      { kind: 'Transformer', position: PRONOUN_POSITION, hidden: s.width },
      { kind: 'RNN', position: length - 1, hidden: s.rnnHidden },
    ];
    const progress = ctx.progress(specs.length * s.steps);
    const training: PronounTraining[] = [];
    const heads: HeadMass[] = [];
    const rnnStateChange: AttentionMapMeasurements['rnnStateChange'] = [];
    for (const spec of specs) {
      const model = new SequenceModel({
        kind: spec.kind,
        vocabSize: vocab,
        hiddenSize: spec.hidden,
        outputSize: vocab,
        numLayers: spec.kind === 'Transformer' ? s.layers : 1,
        heads: s.heads,
        maxLength: length,
        seed: ctx.seed,
      });
      const untrainedAccuracy = noGrad(() => accuracy(model, heldOut, spec.position));
      if (spec.kind === 'Transformer') heads.push(...headMasses(model, heldOut, 'untrained'));
      else rnnStateChange.push(...stateChange(model, heldOut, 'untrained'));
      const generator = new Generator(ctx.seed + 1);
      const report = await trainModel(
        model,
        () => {
          const b = pronounBatch(s.batch, generator);
          return crossEntropy(answerLogits(model, b.inputs, spec.position), b.referents);
        },
        { steps: s.steps, lr: s.lr, evalEvery: s.evalEvery, stopWhen: (m) => m.accuracy >= STOP_ACCURACY },
        () => ({ accuracy: accuracy(model, heldOut, spec.position) }),
        (step) => progress.advance(`${spec.kind}: step ${step}`),
      );
      progress.advance(`${spec.kind}: trained`, s.steps - report.steps);
      const curve = report.checkpoints.map((c) => ({ step: c.step, seconds: c.seconds, trainLoss: c.trainLoss, accuracy: c.metrics.accuracy }));
      const trend = curveTrend(
        curve.map((c) => ({ step: c.step, value: c.accuracy })),
        true,
        report.stoppedEarly,
      );
      training.push({
        model: spec.kind,
        steps: report.steps,
        stoppedEarly: report.stoppedEarly,
        moving: trend.moving,
        seconds: report.seconds,
        untrainedAccuracy,
        accuracy: curve[curve.length - 1].accuracy,
        trainLosses: report.losses,
        curve,
      });
      if (spec.kind === 'Transformer') heads.push(...headMasses(model, heldOut, 'trained'));
      else rnnStateChange.push(...stateChange(model, heldOut, 'trained'));
    }
    return {
      settings: {
        ...s,
        sentences:
          'two templates ("the ANIMAL sat on the OBJECT because it was ADJ", "the OBJECT was under the ANIMAL because it was ADJ"); ADJ fits only animals (tired, hungry, sleepy, scared) or only objects (soft, warm, flat, clean), drawn with equal odds',
        vocabulary: PRONOUN_VOCABULARY,
        transformer: `${s.layers} @seqlab/attention TransformerEncoderLayer(s) (normFirst, GELU, no dropout), ${s.heads} heads, width ${s.width}, bidirectional, answer read at "it"`,
        rnn: `vanilla RNN (tanh), hidden ${s.rnnHidden}, answer read at the last word`,
        budget: `${s.steps} Adam steps per model (batch ${s.batch}, learning rate ${s.lr}), stopping early once held-out accuracy reaches ${STOP_ACCURACY}`,
        moving: MOVING_DEFINITION,
        uniformMass: 1 / length,
      },
      measurements: { examples: heldOut.sentences.slice(0, 4), heads, training, rnnStateChange },
    };
  },
  markdown(result: ResultDocument<AttentionMapMeasurements>) {
    const m = result.measurements;
    return [
      'Held-out examples: ' + m.examples.map((e) => `"${e}"`).join(', ') + '.',
      '',
      '### Training',
      '',
      markdownTable(
        ['model', 'steps', 'stopped early', 'still moving', 'seconds', 'accuracy untrained', 'accuracy trained'],
        m.training.map((t) => [t.model, t.steps, yesNo(t.stoppedEarly), yesNo(t.moving), t.seconds, t.untrainedAccuracy, t.accuracy]),
      ),
      '',
      '### Attention mass from "it" (mean over held-out sentences; uniform would be 0.1 per word)',
      '',
      markdownTable(
        ['stage', 'layer', 'head', 'right noun', 'wrong noun', 'rest'],
        m.heads.map((h) => [h.stage, h.layer, h.head, h.rightNoun, h.wrongNoun, h.rest]),
      ),
      '',
      '### Vanilla RNN: mean ‖h_t − h_{t−1}‖ per word',
      '',
      markdownTable(
        ['position', 'word', 'untrained', 'trained'],
        PRONOUN_ROLES.map((role, t) => [
          t,
          role,
          m.rnnStateChange.find((r) => r.stage === 'untrained' && r.position === t)?.change ?? null,
          m.rnnStateChange.find((r) => r.stage === 'trained' && r.position === t)?.change ?? null,
        ]),
      ),
    ].join('\n');
  },
  chart(result: ResultDocument<AttentionMapMeasurements>) {
    const m = result.measurements;
    const bars: ChartRow[] = m.heads.flatMap((h) =>
      (['right noun', 'wrong noun', 'rest'] as const).map((target) => ({
        head: `L${h.layer} H${h.head}`,
        stage: h.stage,
        target,
        mass: target === 'right noun' ? h.rightNoun : target === 'wrong noun' ? h.wrongNoun : h.rest,
      })),
    );
    const attention = {
      title: 'attention mass from "it", per layer and head',
      data: { values: bars },
      facet: { column: { field: 'stage', type: 'nominal', title: null, sort: ['untrained', 'trained'] } },
      spec: {
        width: 260,
        height: 160,
        mark: 'bar',
        encoding: {
          x: { field: 'head', type: 'nominal', title: 'layer and head' },
          xOffset: { field: 'target', sort: ['right noun', 'wrong noun', 'rest'] },
          y: { field: 'mass', type: 'quantitative', title: 'attention mass', scale: { domain: [0, 1] } },
          color: {
            field: 'target',
            type: 'nominal',
            title: 'attended word',
            sort: ['right noun', 'wrong noun', 'rest'],
            scale: { domain: ['right noun', 'wrong noun', 'rest'], range: ['#2ca02c', '#d62728', '#bbbbbb'] },
          },
        },
      },
    } as unknown as ChartSpec;
    const curves: ChartRow[] = m.training.flatMap((t) => t.curve.map((c) => ({ model: t.model, step: c.step, accuracy: c.accuracy })));
    const change: ChartRow[] = m.rnnStateChange.map((r) => ({ model: 'RNN', stage: r.stage, position: r.position, change: r.change }));
    const changeChart = {
      title: 'vanilla RNN: ‖h_t − h_{t−1}‖ per word',
      data: { values: change },
      width: 320,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'position',
          type: 'ordinal',
          title: 'word',
          axis: { labelExpr: `[${PRONOUN_ROLES.map((r) => `'${r}'`).join(',')}][datum.value]`, labelAngle: -40 },
        },
        y: { field: 'change', type: 'quantitative', title: 'state change', scale: { zero: true } },
        color: { field: 'model', type: 'nominal', title: 'model', scale: seriesColorScale(['RNN']) },
        strokeDash: {
          field: 'stage',
          type: 'nominal',
          title: 'stage',
          sort: ['trained', 'untrained'],
          legend: DASH_LEGEND,
        },
      },
    } as unknown as ChartSpec;
    return concatCharts('Does attention link "it" to its noun?', [
      attention,
      concatCharts(
        'training and the RNN view',
        [
          learningCurves({
            title: 'held-out accuracy of naming the referent',
            data: curves,
            y: { field: 'accuracy', title: 'accuracy', fraction: true },
            series: 'model',
            rules: [{ value: 0.5, label: 'either noun of the sentence: 0.5' }],
          }),
          changeChart,
        ],
        'horizontal',
      ),
    ]);
  },
});

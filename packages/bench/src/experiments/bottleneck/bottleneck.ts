// Experiment `bottleneck`: greedy-decoding token accuracy and exact match against source length on the toy
// English→Spanish set for a GRU seq2seq without attention, with additive attention, and a Transformer.
import { crossEntropy, noGrad } from '@seqlab/autograd';
import { seq2seqCollate, ToyTranslation } from '@seqlab/datasets';
import { reshape } from '@seqlab/tensor-core';
import { lineChart, concatCharts, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { createTranslationModel, type Seq2SeqKind, type TranslationModel } from '../models/seq2seq.js';
import { trainModel } from '../models/training.js';

/** Scores of one model on sentences of one source length. */
export interface BottleneckRow {
  /** Architecture. */
  readonly model: string;
  /** Source length in words. */
  readonly sourceLength: number;
  /** Fraction of reference target tokens the greedy output matches position by position. */
  readonly tokenAccuracy: number;
  /** Fraction of sentences translated exactly. */
  readonly exactMatch: number;
  /** Sentences scored. */
  readonly sentences: number;
}

/** Training outcome of one architecture. */
export interface BottleneckTraining {
  /** Architecture. */
  readonly model: string;
  /** Parameters. */
  readonly parameters: number;
  /** Steps taken. */
  readonly steps: number;
  /** Seconds of training. */
  readonly seconds: number;
  /** Mean teacher-forced training loss over the last tenth of the steps. */
  readonly finalTrainLoss: number;
}

/** Measurements of `bottleneck`. */
export interface BottleneckMeasurements {
  /** Scores by model and source length. */
  readonly rows: BottleneckRow[];
  /** Training outcome per model. */
  readonly training: BottleneckTraining[];
  /** An example translation per model at the longest evaluated length. */
  readonly samples: {
    /** Architecture. */
    model: string;
    /** English sentence. */
    source: string;
    /** Its Spanish translation. */
    reference: string;
    /** The model's greedy output. */
    output: string;
  }[];
}

const MODELS: Seq2SeqKind[] = ['GRU', 'GRU+attention', 'Transformer'];
const SIZES = {
  test: { trainLengths: [3, 6], evalLengths: [3, 6], hiddenSize: 8, batch: 4, steps: 3, timeBudgetSeconds: 5, lr: 3e-3, evalSentences: 2 },
  quick: { trainLengths: [3, 30], evalLengths: [5, 10, 20, 30], hiddenSize: 32, batch: 16, steps: 80, timeBudgetSeconds: 10, lr: 3e-3, evalSentences: 8 },
  full: {
    trainLengths: [3, 60],
    evalLengths: [5, 10, 20, 30, 40, 50, 60],
    hiddenSize: 128,
    batch: 32,
    steps: 3000,
    timeBudgetSeconds: 180,
    lr: 1e-3,
    evalSentences: 50,
  },
};

/**
 * The `bottleneck` experiment.
 *
 * @example
 * ```ts
 * console.assert(bottleneckExperiment.name === 'bottleneck' && bottleneckExperiment.description.length > 0);
 * // Writes bottleneck.json, bottleneck.md and bottleneck.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await bottleneckExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const bottleneckExperiment = defineExperiment<BottleneckMeasurements>({
  name: 'bottleneck',
  description:
    'Toy English→Spanish translation: greedy-decoding token accuracy and exact match against source length for a GRU seq2seq whose decoder sees only the final encoder state, the same with additive (Bahdanau) attention, and a Transformer encoder–decoder, trained under the same budget.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const [minLength, maxLength] = s.trainLengths;
    const progress = ctx.progress(MODELS.length * (s.steps + s.evalLengths.length));
    const evalData = new ToyTranslation({ minLength, maxLength, seed: ctx.seed + 7919 });
    const evalSets = s.evalLengths.map((length) => ({ length, pairs: Array.from({ length: s.evalSentences }, () => evalData.pair(length)) }));
    const rows: BottleneckRow[] = [];
    const training: BottleneckTraining[] = [];
    const samples: BottleneckMeasurements['samples'] = [];
    for (const kind of MODELS) {
      const data = new ToyTranslation({ minLength, maxLength, seed: ctx.seed });
      const collate = seq2seqCollate(data.sourceTokenizer, data.targetTokenizer);
      const tgt = data.targetTokenizer;
      const model: TranslationModel = createTranslationModel({
        kind,
        sourceVocab: data.sourceTokenizer.vocabSize,
        targetVocab: tgt.vocabSize,
        hiddenSize: s.hiddenSize,
        maxLength: 3 * maxLength + 8,
        seed: ctx.seed,
      });
      let done = 0;
      const report = await trainModel(
        model,
        () => {
          const b = collate(data.sample(s.batch));
          const logits = model.forward(b.sourceTokens, b.sourceLengths.dataSync() as Int32Array, b.targetInputs);
          return crossEntropy(reshape(logits, [-1, tgt.vocabSize]), reshape(b.targetOutputs, [-1]), { ignoreIndex: tgt.padId });
        },
        { steps: s.steps, timeBudgetSeconds: s.timeBudgetSeconds, lr: s.lr },
        () => ({}),
        (step) => {
          done = step;
          progress.advance(`${kind}: training step ${step}`);
        },
      );
      progress.advance(`${kind}: trained`, s.steps - done);
      const tail = report.losses.slice(Math.floor(report.losses.length * 0.9));
      training.push({
        model: kind,
        parameters: model.numParameters(),
        steps: report.steps,
        seconds: report.seconds,
        finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      });
      for (const set of evalSets) {
        progress.status(`${kind}: decoding ${set.length}-word sentences`);
        const b = collate(set.pairs);
        const references = set.pairs.map((p) => Array.from(tgt.encode(p.target)));
        const maxSteps = Math.max(...references.map((r) => r.length)) + 5;
        const outputs = noGrad(() => model.greedy(b.sourceTokens, b.sourceLengths.dataSync() as Int32Array, tgt.bosId, tgt.eosId, maxSteps));
        let correct = 0;
        let total = 0;
        let exact = 0;
        references.forEach((ref, i) => {
          const out = outputs[i];
          for (let j = 0; j < ref.length; j++) if (out[j] === ref[j]) correct++;
          total += ref.length;
          if (out.length === ref.length && out.every((id, j) => id === ref[j])) exact++;
        });
        rows.push({
          model: kind,
          sourceLength: set.length,
          tokenAccuracy: correct / total,
          exactMatch: exact / references.length,
          sentences: references.length,
        });
        if (set === evalSets[evalSets.length - 1]) {
          samples.push({ model: kind, source: set.pairs[0].source, reference: set.pairs[0].target, output: tgt.decode(Int32Array.from(outputs[0])) });
        }
        progress.advance(`${kind}: ${set.length}-word sentences scored`);
      }
    }
    return {
      settings: {
        ...s,
        decoding: 'greedy',
        tokenAccuracy: 'position-by-position match with the reference target tokens',
        gru: { layers: 1, decoderInput: '[embedding; context]' },
        transformer: { encoderLayers: 1, decoderLayers: 1, heads: 4, width: s.hiddenSize },
      },
      measurements: { rows, training, samples },
    };
  },
  markdown(result: ResultDocument<BottleneckMeasurements>) {
    const m = result.measurements;
    return [
      markdownTable(
        ['model', 'source words', 'token accuracy', 'exact match', 'sentences'],
        m.rows.map((r) => [r.model, r.sourceLength, r.tokenAccuracy, r.exactMatch, r.sentences]),
      ),
      '',
      '### Training',
      '',
      markdownTable(
        ['model', 'parameters', 'steps', 'seconds', 'final train loss'],
        m.training.map((t) => [t.model, t.parameters, t.steps, t.seconds, t.finalTrainLoss]),
      ),
      '',
      '### Samples (longest source length)',
      '',
      markdownTable(
        ['model', 'source', 'reference', 'output'],
        m.samples.map((x) => [x.model, x.source, x.reference, x.output]),
      ),
    ].join('\n');
  },
  chart(result: ResultDocument<BottleneckMeasurements>) {
    const data: ChartRow[] = result.measurements.rows.map((r) => ({
      model: r.model,
      words: r.sourceLength,
      tokenAccuracy: r.tokenAccuracy,
      exactMatch: r.exactMatch,
    }));
    return concatCharts(
      'Translation quality against source length',
      [
        lineChart({
          title: 'token accuracy',
          data,
          x: { field: 'words', title: 'source length (words)' },
          y: { field: 'tokenAccuracy', title: 'token accuracy', zero: true },
          series: 'model',
        }),
        lineChart({
          title: 'exact match',
          data,
          x: { field: 'words', title: 'source length (words)' },
          y: { field: 'exactMatch', title: 'exact match', zero: true },
          series: 'model',
        }),
      ],
      'horizontal',
    );
  },
});

// Experiment `attention-map`: per-head attention heatmaps of a small causal Transformer trained on tiny-shakespeare
// for a sentence with a pronoun, and the hidden-state evolution of a vanilla RNN trained the same way on it.
import { noGrad } from '@seqlab/autograd';
import { CharTokenizer, loadCorpus, randomWindows } from '@seqlab/datasets';
import { Generator, narrow, reshape, tensor, type Tensor } from '@seqlab/tensor-core';
import { concatCharts, heatmap, lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { SequenceModel, type ModelKind } from '../models/sequence-model.js';
import { trainModel } from '../models/training.js';
import { sequenceCrossEntropy } from '../shared/losses.js';
import { wordAttention, wordSpans } from './word-attention.js';

/** Word-level attention of one head. */
export interface HeadMap {
  /** Layer index. */
  readonly layer: number;
  /** Head index. */
  readonly head: number;
  /** `[words][words]`: row = query word, column = key word; rows sum to 1 over visible words. */
  readonly weights: number[][];
}

/** How strongly the pronoun attends to each candidate antecedent, per head. */
export interface PronounLink {
  /** Layer. */
  readonly layer: number;
  /** Head. */
  readonly head: number;
  /** Weight of the pronoun's row on each earlier word, by word. */
  readonly toWords: Record<string, number>;
  /** The earlier word with the most weight. */
  readonly strongest: string;
}

/** Measurements of `attention-map`. */
export interface AttentionMapMeasurements {
  /** The sentence. */
  readonly sentence: string;
  /** Its words. */
  readonly words: string[];
  /** Word-level attention per layer and head. */
  readonly heads: HeadMap[];
  /** The pronoun's attention per head. */
  readonly pronoun: {
    /** The pronoun. */
    word: string;
    /** Candidate antecedents. */
    candidates: string[];
    /** Its attention per head. */
    links: PronounLink[];
  };
  /** Vanilla-RNN hidden states: `[characters][units shown]`, and ‖h_t − h_{t−1}‖ per character. */
  readonly rnn: {
    /** The sentence's characters. */
    characters: string[];
    /** Hidden units shown. */
    units: number;
    /** `[characters][units]` hidden values. */
    states: number[][];
    /** ‖h_t − h_{t−1}‖ over all units. */
    stepChange: number[];
  };
  /** Training of both models (steps, seconds, final train loss). */
  readonly training: {
    /** Model family. */
    model: string;
    /** Steps taken. */
    steps: number;
    /** Seconds of training. */
    seconds: number;
    /** Mean training loss over the last tenth of the steps. */
    finalTrainLoss: number;
  }[];
}

const SENTENCE = 'The cat sat on the mat because it was comfortable';
const PRONOUN = 'it';
const CANDIDATES = ['cat', 'mat'];
const SIZES = {
  test: {
    width: 16,
    layers: 1,
    heads: 2,
    context: 64,
    batch: 4,
    steps: 3,
    timeBudgetSeconds: 5,
    lr: 3e-3,
    rnnHidden: 16,
    unitsShown: 8,
    trainCharacters: 20000 as number | null,
  },
  quick: {
    width: 64,
    layers: 2,
    heads: 4,
    context: 64,
    batch: 12,
    steps: 400,
    timeBudgetSeconds: 25,
    lr: 3e-3,
    rnnHidden: 64,
    unitsShown: 24,
    trainCharacters: null,
  },
  full: {
    width: 128,
    layers: 4,
    heads: 4,
    context: 64,
    batch: 12,
    steps: 2000,
    timeBudgetSeconds: 300,
    lr: 1e-3,
    rnnHidden: 128,
    unitsShown: 32,
    trainCharacters: null,
  },
};

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
  description: `Per-head attention heatmaps of a small causal character-level Transformer trained on tiny-shakespeare, read on "${SENTENCE}" (character attention summed into words), and the hidden-state evolution of a vanilla RNN trained the same way.`,
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const corpus = loadCorpus('tinyshakespeare');
    const tokenizer = CharTokenizer.fromText(corpus.text);
    const train = tokenizer.encode(s.trainCharacters === null ? corpus.train : corpus.train.slice(0, s.trainCharacters));
    const vocab = tokenizer.vocabSize;
    const progress = ctx.progress(2 * s.steps);
    const training: AttentionMapMeasurements['training'] = [];
    const trained = async (kind: ModelKind, hidden: number): Promise<SequenceModel> => {
      const model = new SequenceModel({
        kind,
        causal: true,
        vocabSize: vocab,
        hiddenSize: hidden,
        outputSize: vocab,
        numLayers: kind === 'Transformer' ? s.layers : 1,
        heads: s.heads,
        maxLength: s.context,
        seed: ctx.seed,
      });
      const batches = new Generator(ctx.seed);
      let done = 0;
      const report = await trainModel(
        model,
        () => {
          const b = randomWindows(train, { batchSize: s.batch, seqLen: s.context, generator: batches });
          return sequenceCrossEntropy(model.forward(b.inputs), b.targets);
        },
        { steps: s.steps, timeBudgetSeconds: s.timeBudgetSeconds, lr: s.lr },
        () => ({}),
        (step) => {
          done = step;
          progress.advance(`${kind}: step ${step}`);
        },
      );
      progress.advance(`${kind}: trained`, s.steps - done);
      const tail = report.losses.slice(Math.floor(report.losses.length * 0.9));
      training.push({ model: kind, steps: report.steps, seconds: report.seconds, finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length });
      return model;
    };
    const ids = tensor(tokenizer.encode(SENTENCE), [1, SENTENCE.length], { dtype: 'int32' });
    const spans = wordSpans(SENTENCE);
    const words = spans.map((w) => w.word);

    const transformer = await trained('Transformer', s.width);
    const attention = noGrad(() => transformer.run(ids, { needWeights: true }).attention);
    const heads: HeadMap[] = [];
    attention.forEach((layerWeights: Tensor, layer) => {
      for (let head = 0; head < s.heads; head++) {
        const w = reshape(narrow(layerWeights, 1, head, 1), [SENTENCE.length, SENTENCE.length]).dataSync();
        heads.push({ layer, head, weights: wordAttention(w, SENTENCE.length, spans) });
      }
    });
    const p = words.indexOf(PRONOUN);
    const links: PronounLink[] = heads.map((h) => {
      const toWords: Record<string, number> = {};
      let strongest = words[0];
      for (let j = 0; j < p; j++) {
        toWords[`${j}:${words[j]}`] = h.weights[p][j];
        if (h.weights[p][j] > h.weights[p][words.indexOf(strongest)]) strongest = words[j];
      }
      return { layer: h.layer, head: h.head, toWords, strongest };
    });

    const rnn = await trained('RNN', s.rnnHidden);
    const hidden = noGrad(() => rnn.run(ids).hidden);
    const h = hidden.dataSync();
    const states: number[][] = [];
    const stepChange: number[] = [];
    for (let t = 0; t < SENTENCE.length; t++) {
      states.push(Array.from(h.subarray(t * s.rnnHidden, t * s.rnnHidden + s.unitsShown)));
      let d = 0;
      for (let u = 0; u < s.rnnHidden; u++) d += (h[t * s.rnnHidden + u] - (t > 0 ? h[(t - 1) * s.rnnHidden + u] : 0)) ** 2;
      stepChange.push(Math.sqrt(d));
    }
    return {
      settings: {
        ...s,
        sentence: SENTENCE,
        corpus: corpus.name,
        vocabSize: vocab,
        level: 'characters; word maps sum key characters and average query characters per word',
      },
      measurements: {
        sentence: SENTENCE,
        words,
        heads,
        pronoun: { word: PRONOUN, candidates: CANDIDATES, links },
        rnn: { characters: [...SENTENCE], units: s.unitsShown, states, stepChange },
        training,
      },
    };
  },
  markdown(result: ResultDocument<AttentionMapMeasurements>) {
    const m = result.measurements;
    const earlier = m.words.slice(0, m.words.indexOf(m.pronoun.word));
    return [
      `Attention of "${m.pronoun.word}" on each earlier word, per head (rows sum to 1 over the words "${m.pronoun.word}" can see, itself included):`,
      '',
      markdownTable(
        ['layer', 'head', ...earlier, 'strongest'],
        m.pronoun.links.map((l) => [l.layer, l.head, ...earlier.map((w, j) => l.toWords[`${j}:${w}`]), l.strongest]),
      ),
      '',
      '### Training',
      '',
      markdownTable(
        ['model', 'steps', 'seconds', 'final train loss'],
        m.training.map((t) => [t.model, t.steps, t.seconds, t.finalTrainLoss]),
      ),
      '',
      '### RNN: change of the hidden state per character',
      '',
      markdownTable(
        ['t', 'character', '‖h_t − h_{t−1}‖'],
        m.rnn.stepChange.map((d, t) => [t, JSON.stringify(m.rnn.characters[t]), d]),
      ),
    ].join('\n');
  },
  chart(result: ResultDocument<AttentionMapMeasurements>) {
    const m = result.measurements;
    const label = (i: number): string => `${i}:${m.words[i]}`;
    const sort = m.words.map((_, i) => label(i));
    const cells: ChartRow[] = m.heads.flatMap((h) =>
      h.weights.flatMap((row, i) =>
        row.map((v, j) => ({ head: `layer ${h.layer} head ${h.head}`, query: label(i), key: label(j), weight: j <= i ? v : null })),
      ),
    );
    const steps = m.rnn.characters.map((c, t) => `${t}:${c === ' ' ? '␣' : c}`);
    const rnnCells: ChartRow[] = m.rnn.states.flatMap((row, t) => row.map((v, u) => ({ step: steps[t], unit: u, value: v })));
    const change: ChartRow[] = m.rnn.stepChange.map((d, t) => ({ t, change: d, model: 'RNN' }));
    return concatCharts(`Attention heads and RNN states on "${m.sentence}"`, [
      heatmap({
        title: 'Transformer attention (query word → key word)',
        data: cells,
        x: { field: 'key', title: 'key word', sort },
        y: { field: 'query', title: 'query word', sort },
        value: { field: 'weight', title: 'weight' },
        facet: { field: 'head', title: '', columns: 4 },
        cell: 16,
      }),
      heatmap({
        title: 'vanilla RNN hidden units over the sentence',
        data: rnnCells,
        x: { field: 'step', title: 'character', sort: steps },
        y: { field: 'unit', title: 'hidden unit' },
        value: { field: 'value', title: 'h' },
        cell: 12,
        scheme: 'redblue',
      }),
      lineChart({
        title: 'RNN ‖h_t − h_{t−1}‖',
        data: change,
        x: { field: 't', title: 'character index t' },
        y: { field: 'change', title: 'state change', zero: true },
        series: 'model',
        width: 600,
        height: 120,
      }),
    ]);
  },
});

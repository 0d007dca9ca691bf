// Experiment `charlm`: an LSTM against a causal Transformer on tiny-shakespeare at equal parameter count and an equal
// budget of optimizer steps: validation loss (nats and bits per character) against steps and time, plus samples.
import { cosineWithWarmup, noGrad } from '@seqlab/autograd';
import { CharTokenizer, loadCorpus, randomWindows } from '@seqlab/datasets';
import { Generator } from '@seqlab/tensor-core';
import { concatCharts, lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { SequenceModel, type SequenceModelOptions } from '../shared/sequence-model.js';
import { curveTrend, MOVING_DEFINITION } from '../shared/curves.js';
import { trainModel } from '../shared/training.js';
import { sequenceCrossEntropy } from '../shared/losses.js';
import { NANOGPT_CPU_PRESET, type CharLMPreset } from './presets.js';
import { sampleTokens } from './sampling.js';

/** One model's run. */
export interface CharLMRun {
  /** `Transformer` or `LSTM`. */
  readonly model: string;
  /** Parameters. */
  readonly parameters: number;
  /** Model settings (width, layers...). */
  readonly config: Record<string, number | string | boolean>;
  /** Steps taken. */
  readonly steps: number;
  /** Seconds of training. */
  readonly seconds: number;
  /** Whether the validation loss was still moving at the end (see `settings.moving`). */
  readonly moving: boolean;
  /** Every training step's loss, for the falling-loss check. */
  readonly trainLosses: number[];
  /** Validation loss along training. */
  readonly curve: {
    /** Steps done. */
    step: number;
    /** Seconds of training so far. */
    seconds: number;
    /** Mean training loss since the previous point. */
    trainLoss: number;
    /** Validation loss, nats per character. */
    validationLoss: number;
    /** Validation loss, bits per character. */
    bitsPerChar: number;
  }[];
  /** Final validation loss in nats per character. */
  readonly validationLoss: number;
  /** Final validation loss in bits per character. */
  readonly bitsPerChar: number;
  /** A sample of generated text (temperature 0.8) after the prompt. */
  readonly sample: string;
}

/** Measurements of `charlm`. */
export interface CharLMMeasurements {
  /** Transformer first, then the LSTM, each for the same number of steps. */
  readonly runs: CharLMRun[];
  /** The prompt of the samples. */
  readonly prompt: string;
  /** Validation loss of the uniform distribution over the vocabulary, ln V. */
  readonly uniformLoss: number;
}

interface CharLMSize {
  readonly transformer: CharLMPreset;
  readonly lstmLayers: number;
  readonly lstmLr: number;
  readonly evalEvery: number;
  readonly evalBatches: number;
  readonly sampleLength: number;
  readonly trainCharacters: number | null;
}

const SIZES: Record<'test' | 'quick' | 'full', CharLMSize> = {
  test: {
    transformer: {
      ...NANOGPT_CPU_PRESET,
      name: 'test',
      layers: 1,
      heads: 2,
      width: 16,
      context: 16,
      batch: 4,
      steps: 16,
      lr: 1e-2,
      warmupSteps: 1,
      referenceValidationLoss: null,
    },
    lstmLayers: 1,
    lstmLr: 1e-2,
    evalEvery: 8,
    evalBatches: 2,
    sampleLength: 20,
    trainCharacters: 20000,
  },
  quick: {
    transformer: {
      ...NANOGPT_CPU_PRESET,
      name: 'quick',
      layers: 2,
      heads: 4,
      width: 64,
      context: 64,
      batch: 12,
      steps: 150,
      warmupSteps: 20,
      referenceValidationLoss: null,
    },
    lstmLayers: 1,
    lstmLr: 3e-3,
    evalEvery: 25,
    evalBatches: 4,
    sampleLength: 120,
    trainCharacters: null,
  },
  full: {
    // nanoGPT's CPU configuration, trained for a shorter budget than its 2000 steps so the whole report fits this machine.
    transformer: { ...NANOGPT_CPU_PRESET, steps: 600 },
    lstmLayers: 1,
    lstmLr: 2e-3,
    evalEvery: 100,
    evalBatches: 20,
    sampleLength: 300,
    trainCharacters: null,
  },
};

const PROMPT = 'ROMEO:\n';

/** Parameters of a one-to-`layers` LSTM language model with embedding `e`, hidden `h` and vocabulary `v`. */
function lstmParameters(v: number, e: number, h: number, layers: number): number {
  let n = v * e + h * v + v;
  for (let l = 0; l < layers; l++) n += 4 * h * ((l === 0 ? e : h) + h) + 8 * h;
  return n;
}

/** The LSTM hidden size whose parameter count is closest to `target`. */
function matchedHidden(target: number, v: number, e: number, layers: number): number {
  let best = 1;
  for (let h = 1; h <= 4096; h++) if (Math.abs(lstmParameters(v, e, h, layers) - target) < Math.abs(lstmParameters(v, e, best, layers) - target)) best = h;
  return best;
}

/**
 * The `charlm` experiment.
 *
 * @example
 * ```ts
 * console.assert(charlmExperiment.name === 'charlm' && charlmExperiment.description.length > 0);
 * // Writes charlm.json, charlm.md and charlm.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await charlmExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const charlmExperiment = defineExperiment<CharLMMeasurements>({
  name: 'charlm',
  description:
    "Character language models on tiny-shakespeare: a causal Transformer (nanoGPT's CPU configuration at full size, for a shorter step budget) against an LSTM with the same parameter count and the same number of optimizer steps; validation loss in nats and bits per character against steps and time, and samples.",
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const p = s.transformer;
    const corpus = loadCorpus('tinyshakespeare');
    const tokenizer = CharTokenizer.fromText(corpus.text);
    const train = tokenizer.encode(s.trainCharacters === null ? corpus.train : corpus.train.slice(0, s.trainCharacters));
    const validation = tokenizer.encode(corpus.validation);
    const vocab = tokenizer.vocabSize;
    const progress = ctx.progress(2 * p.steps);
    const evalGenerator = new Generator(ctx.seed + 7919);
    const evalBatches = Array.from({ length: s.evalBatches }, () =>
      randomWindows(validation, { batchSize: p.batch, seqLen: p.context, generator: evalGenerator }),
    );
    const runs: CharLMRun[] = [];

    const run = async (label: string, options: SequenceModelOptions, steps: number, lr: number, schedule: boolean): Promise<CharLMRun> => {
      const model = new SequenceModel(options);
      const batches = new Generator(ctx.seed);
      const validate = (): Record<string, number> => {
        const losses = evalBatches.map((b) => noGrad(() => sequenceCrossEntropy(model.forward(b.inputs), b.targets).item()));
        const loss = losses.reduce((a, b) => a + b, 0) / losses.length;
        return { validationLoss: loss, bitsPerChar: loss / Math.LN2 };
      };
      const report = await trainModel(
        model,
        () => {
          const b = randomWindows(train, { batchSize: p.batch, seqLen: p.context, generator: batches });
          return sequenceCrossEntropy(model.forward(b.inputs), b.targets);
        },
        {
          steps,
          lr,
          weightDecay: p.weightDecay,
          evalEvery: s.evalEvery,
          ...(schedule ? { schedule: cosineWithWarmup({ warmupSteps: p.warmupSteps, totalSteps: p.steps, minFactor: p.minLr / p.lr }) } : {}),
        },
        validate,
        (step) => progress.status(`${label}: step ${step}`),
      );
      const final = report.checkpoints[report.checkpoints.length - 1];
      const sample = tokenizer.decode(sampleTokens(model, tokenizer.encode(PROMPT), s.sampleLength, p.context, new Generator(ctx.seed + 1)));
      return {
        model: label,
        parameters: model.numParameters(),
        config: { ...options, vocabSize: vocab, lr, schedule: schedule ? `cosine with ${p.warmupSteps} warm-up steps to ${p.minLr}` : 'constant' } as Record<
          string,
          number | string | boolean
        >,
        steps: report.steps,
        seconds: report.seconds,
        moving: curveTrend(
          report.checkpoints.map((c) => ({ step: c.step, value: c.metrics.validationLoss })),
          false,
        ).moving,
        trainLosses: report.losses,
        curve: report.checkpoints.map((c) => ({
          step: c.step,
          seconds: c.seconds,
          trainLoss: c.trainLoss,
          validationLoss: c.metrics.validationLoss,
          bitsPerChar: c.metrics.bitsPerChar,
        })),
        validationLoss: final.metrics.validationLoss,
        bitsPerChar: final.metrics.bitsPerChar,
        sample,
      };
    };

    const transformerOptions: SequenceModelOptions = {
      kind: 'Transformer',
      causal: true,
      vocabSize: vocab,
      hiddenSize: p.width,
      outputSize: vocab,
      numLayers: p.layers,
      heads: p.heads,
      maxLength: p.context,
      seed: ctx.seed,
    };
    const transformer = await run('Transformer', transformerOptions, p.steps, p.lr, true);
    runs.push(transformer);
    progress.advance('Transformer trained', p.steps);
    // Equal parameter count: the LSTM's hidden size is solved for; equal budget: it takes as many steps as the Transformer.
    const embedding = p.width;
    const hidden = matchedHidden(transformer.parameters, vocab, embedding, s.lstmLayers);
    const lstmOptions: SequenceModelOptions = {
      kind: 'LSTM',
      vocabSize: vocab,
      embeddingSize: embedding,
      hiddenSize: hidden,
      outputSize: vocab,
      numLayers: s.lstmLayers,
      seed: ctx.seed,
    };
    runs.push(await run('LSTM', lstmOptions, p.steps, s.lstmLr, false));
    progress.advance('LSTM trained', p.steps);
    return {
      settings: {
        corpus: corpus.name,
        vocabSize: vocab,
        trainCharacters: train.length,
        validationCharacters: validation.length,
        transformerPreset: p,
        budget: `${p.steps} optimizer steps per model`,
        moving: MOVING_DEFINITION,
        lstm: { layers: s.lstmLayers, embedding, hidden, lr: s.lstmLr, budget: 'as many steps as the Transformer' },
        evalEvery: s.evalEvery,
        evalWindows: s.evalBatches * p.batch,
        sampling: { prompt: PROMPT, temperature: 0.8, length: s.sampleLength },
      },
      measurements: { runs, prompt: PROMPT, uniformLoss: Math.log(vocab) },
    };
  },
  markdown(result: ResultDocument<CharLMMeasurements>) {
    const m = result.measurements;
    const preset = (result.settings as { transformerPreset: CharLMPreset }).transformerPreset;
    const reference =
      preset.referenceValidationLoss === null
        ? ''
        : `Preset \`${preset.name}\`: PyTorch reaches about ${preset.referenceValidationLoss} nats validation loss after ${preset.steps} steps.`;
    return [
      reference,
      '',
      markdownTable(
        ['model', 'parameters', 'steps', 'seconds', 'validation loss (nats)', 'bits per char', 'still moving'],
        m.runs.map((r) => [r.model, r.parameters, r.steps, r.seconds, r.validationLoss, r.bitsPerChar, r.moving ? 'yes' : 'no']),
      ),
      '',
      `Uniform guess: ${m.uniformLoss.toFixed(3)} nats. "Still moving": ${MOVING_DEFINITION}.`,
      '',
      '### Validation loss along training',
      '',
      markdownTable(
        ['model', 'step', 'seconds', 'train loss', 'validation loss', 'bits per char'],
        m.runs.flatMap((r) => r.curve.map((c) => [r.model, c.step, c.seconds, c.trainLoss, c.validationLoss, c.bitsPerChar])),
      ),
      '',
      '### Samples',
      '',
      ...m.runs.flatMap((r) => [`**${r.model}**`, '', '```text', `${m.prompt}${r.sample}`, '```', '']),
    ].join('\n');
  },
  chart(result: ResultDocument<CharLMMeasurements>) {
    const data: ChartRow[] = result.measurements.runs.flatMap((r) =>
      r.curve.map((c) => ({ model: r.model, step: c.step, seconds: c.seconds, loss: c.validationLoss })),
    );
    return concatCharts(
      'tiny-shakespeare validation loss',
      [
        lineChart({
          title: 'against training time',
          data,
          x: { field: 'seconds', title: 'seconds of training' },
          y: { field: 'loss', title: 'validation loss (nats/char)' },
          series: 'model',
        }),
        lineChart({
          title: 'against steps',
          data,
          x: { field: 'step', title: 'optimizer steps' },
          y: { field: 'loss', title: 'validation loss (nats/char)' },
          series: 'model',
        }),
      ],
      'horizontal',
    );
  },
});

// Training sessions of the synthetic tasks of @seqlab/datasets: copy, adding, reversal and toy translation (the
// last two with the library's Seq2Seq, with or without additive attention), each with its baseline and an example.
import { AdamW, clipGradNorm, crossEntropy, mseLoss, noGrad } from '@seqlab/autograd';
import { AddingProblem, CopyTask, ReversalTask, seq2seqCollate, ToyTranslation, type Seq2SeqBatch } from '@seqlab/datasets';
import { Seq2Seq, unigramCrossEntropy } from '@seqlab/recurrent';
import { argmax, Generator, manualSeed, narrow, reshape, tensor, type Tensor } from '@seqlab/tensor-core';
import type { StepReport } from './char-lm-session.js';
import { SequenceTagger } from './task-models.js';
import type { TrainConfig } from './train-config.js';

/** A reference loss drawn on the chart, in the session's metric. */
export interface Baseline {
  /** What it is. */
  readonly label: string;
  /** Its value. */
  readonly value: number;
}

/** One worked example of the current model on fresh data. */
export interface TaskExample {
  /** The input, as text. */
  readonly input: string;
  /** The correct output. */
  readonly target: string;
  /** The model's output (greedy). */
  readonly prediction: string;
}

/** What every synthetic-task session offers the worker. */
export interface TaskSession {
  /** Steps taken. */
  readonly step: number;
  /** The run's settings. */
  readonly config: TrainConfig;
  /** What the loss measures (for the chart's axis). */
  readonly metric: string;
  /** One optimizer step on a fresh batch. */
  trainStep(): StepReport;
  /** Reference losses. */
  baselines(): Baseline[];
  /** Trainable parameters. */
  parameterCount(): number;
  /** The model on one fresh example. */
  example(): TaskExample;
}

/** Whether `task` is a sequence-to-sequence task (trained with Seq2Seq, recurrent cells only). */
export function isSeq2SeqTask(task: TrainConfig['task']): boolean {
  return task === 'reversal' || task === 'translation';
}

/** A task's own data seed: a stream apart from the weights' seed. */
const dataSeed = (seed: number): number => (seed + 0x9e3779b9) >>> 0;

/** The steps every session shares: AdamW, clipping, timing and the report. */
abstract class BaseSession implements TaskSession {
  step = 0;
  protected optimizer!: AdamW;
  abstract readonly metric: string;

  constructor(readonly config: TrainConfig) {
    manualSeed(config.seed);
  }

  protected abstract model(): { parameters(): Tensor[]; train(): unknown };
  protected abstract batchLoss(): { loss: Tensor; tokens: number };
  abstract baselines(): Baseline[];
  abstract example(): TaskExample;

  protected init(): void {
    this.optimizer = new AdamW(this.model().parameters(), { lr: this.config.lr, weightDecay: this.config.weightDecay });
    this.model().train();
  }

  parameterCount(): number {
    return this.model()
      .parameters()
      .reduce((n, p) => n + p.size, 0);
  }

  trainStep(): StepReport {
    const started = performance.now();
    const { loss, tokens } = this.batchLoss();
    const value = loss.item();
    if (!Number.isFinite(value)) throw new Error(`training diverged at step ${this.step + 1}: the loss is ${value}`);
    loss.backward();
    const gradNorm = clipGradNorm(this.model().parameters(), this.config.clip);
    this.optimizer.step();
    this.optimizer.zeroGrad();
    const ended = performance.now();
    this.step++;
    return {
      step: this.step,
      loss: value,
      bitsPerChar: value / Math.LN2,
      gradNorm,
      seconds: (ended - started) / 1000,
      tokens,
      endedAt: performance.timeOrigin + ended,
    };
  }
}

/** Mean cross-entropy of `[batch, length, classes]` logits against int32 `[batch, length]` targets. */
function sequenceCrossEntropy(logits: Tensor, targets: Tensor, ignoreIndex?: number): Tensor {
  return crossEntropy(reshape(logits, [-1, logits.shape[2]]), reshape(targets, [-1]), ignoreIndex === undefined ? {} : { ignoreIndex });
}

const symbols = (ids: ArrayLike<number>): string => Array.from(ids).join(' ');

/** A causal {@link SequenceTagger} of the config's kind and sizes, weights from the config's seed. */
function taggerFor(config: TrainConfig, io: { vocabSize: number | null; inputFeatures?: number; outputSize: number; maxLength: number }): SequenceTagger {
  const { model: kind, hidden, layers, heads, seed } = config;
  return new SequenceTagger({ kind, hidden, layers, heads, ...io, causal: true, generator: new Generator(seed) });
}

/** A session whose model is a {@link SequenceTagger}. */
abstract class TaggerSession extends BaseSession {
  protected tagger!: SequenceTagger;

  protected model(): SequenceTagger {
    return this.tagger;
  }
}

/** The copy task (Arjovsky et al. 2016): remember 10 symbols across `taskLength` blanks. */
class CopySession extends TaggerSession {
  readonly metric = 'cross-entropy (nats per step)';
  private readonly task: CopyTask;

  constructor(config: TrainConfig) {
    super(config);
    this.task = new CopyTask({ delay: config.taskLength, seed: dataSeed(config.seed) });
    this.tagger = taggerFor(config, { vocabSize: this.task.vocabSize, outputSize: this.task.vocabSize, maxLength: this.task.sequenceLength });
    this.init();
  }

  protected batchLoss(): { loss: Tensor; tokens: number } {
    const b = this.task.sample(this.config.batch);
    return { loss: sequenceCrossEntropy(this.tagger.forward(b.inputs), b.targets), tokens: b.inputs.size };
  }

  baselines(): Baseline[] {
    return [{ label: 'memoryless', value: this.task.baselineLoss }];
  }

  example(): TaskExample {
    const t = this.task;
    const b = t.sample(1);
    const out = t.sequenceLength - t.copyLength;
    const predicted = noGrad(() => argmax(narrow(this.tagger.forward(b.inputs), 1, out, t.copyLength), -1)).dataSync();
    return {
      input: symbols(narrow(b.inputs, 1, 0, t.copyLength).dataSync()),
      target: symbols(narrow(b.targets, 1, out, t.copyLength).dataSync()),
      prediction: symbols(predicted),
    };
  }
}

/** The adding problem: the sum of the two marked values among `taskLength` (MSE on the last step's output). */
class AddingSession extends TaggerSession {
  readonly metric = 'mean squared error';
  private readonly task: AddingProblem;

  constructor(config: TrainConfig) {
    super(config);
    this.task = new AddingProblem({ length: config.taskLength, seed: dataSeed(config.seed) });
    this.tagger = taggerFor(config, { vocabSize: null, inputFeatures: 2, outputSize: 1, maxLength: config.taskLength });
    this.init();
  }

  private predict(inputs: Tensor): Tensor {
    const out = this.tagger.forward(inputs);
    return reshape(narrow(out, 1, out.shape[1] - 1, 1), [out.shape[0], 1]);
  }

  protected batchLoss(): { loss: Tensor; tokens: number } {
    const b = this.task.sample(this.config.batch);
    return { loss: mseLoss(this.predict(b.inputs), b.targets), tokens: this.config.batch * this.config.taskLength };
  }

  baselines(): Baseline[] {
    return [{ label: 'predict 1', value: this.task.baselineMse }];
  }

  example(): TaskExample {
    const b = this.task.sample(1);
    const values = b.inputs.dataSync();
    const [first, second] = b.markerPositions;
    const prediction = noGrad(() => this.predict(b.inputs)).item();
    return {
      input: `marked values ${values[first * 2].toFixed(3)} (step ${first}) and ${values[second * 2].toFixed(3)} (step ${second})`,
      target: b.targets.item().toFixed(3),
      prediction: prediction.toFixed(3),
    };
  }
}

/** A Seq2Seq session: teacher-forced cross-entropy over the target tokens, padding ignored. */
abstract class Seq2SeqSession extends BaseSession {
  readonly metric = 'cross-entropy (nats per target token)';
  protected net!: Seq2Seq;

  protected build(sourceVocabSize: number, targetVocabSize: number): void {
    const c = this.config;
    if (c.model === 'transformer') throw new Error(`${c.task}: the sequence-to-sequence tasks train the recurrent Seq2Seq; choose RNN, LSTM or GRU`);
    this.net = new Seq2Seq(
      { sourceVocabSize, targetVocabSize, embeddingDim: c.hidden, hiddenSize: c.hidden, numLayers: c.layers, cell: c.model, attention: c.attention === 1 },
      { generator: new Generator(c.seed) },
    );
    this.init();
  }

  protected model(): Seq2Seq {
    return this.net;
  }

  protected abstract batch(size: number): Seq2SeqBatch;

  protected batchLoss(): { loss: Tensor; tokens: number } {
    const b = this.batch(this.config.batch);
    const logits = this.net.forward(b.sourceTokens, b.targetInputs, { sourceLengths: b.sourceLengths });
    return { loss: sequenceCrossEntropy(logits, b.targetOutputs, 0), tokens: b.targetOutputs.size };
  }

  /** Greedy decoding of one fresh example's source. */
  protected decodeOne(b: Seq2SeqBatch, bos: number, eos: number): number[] {
    const maxLength = b.targetOutputs.shape[1] + 2;
    const [decoded] = noGrad(() => this.net.greedyDecode(b.sourceTokens, { startToken: bos, endToken: eos, maxLength, sourceLengths: b.sourceLengths }));
    this.net.train();
    return decoded.tokens;
  }
}

/** Sequence reversal as sequence-to-sequence: read `taskLength` symbols, write them backwards. */
class ReversalSession extends Seq2SeqSession {
  private readonly task: ReversalTask;
  private readonly bos: number;
  private readonly eos: number;

  constructor(config: TrainConfig) {
    super(config);
    this.task = new ReversalTask({ maxLength: config.taskLength, seed: dataSeed(config.seed) });
    // Ids: 0 padding, 1…K symbols, then the start and end tokens.
    this.bos = this.task.vocabSize;
    this.eos = this.task.vocabSize + 1;
    this.build(this.task.vocabSize + 2, this.task.vocabSize + 2);
  }

  protected batch(size: number): Seq2SeqBatch {
    const b = this.task.sample(size);
    const n = this.task.maxLength;
    const src = b.inputs.dataSync();
    const tgt = b.targets.dataSync();
    const inputs = new Int32Array(size * (n + 1));
    const outputs = new Int32Array(size * (n + 1));
    for (let r = 0; r < size; r++) {
      inputs[r * (n + 1)] = this.bos;
      for (let t = 0; t < n; t++) {
        inputs[r * (n + 1) + t + 1] = tgt[r * n + t];
        outputs[r * (n + 1) + t] = tgt[r * n + t];
      }
      outputs[r * (n + 1) + n] = this.eos;
    }
    const ones = new Float32Array(size * (n + 1)).fill(1);
    return {
      sourceTokens: tensor(Int32Array.from(src), [size, n], { dtype: 'int32' }),
      sourceLengths: tensor(new Int32Array(size).fill(n), [size], { dtype: 'int32' }),
      sourceMask: tensor(new Float32Array(size * n).fill(1), [size, n]),
      targetInputs: tensor(inputs, [size, n + 1], { dtype: 'int32' }),
      targetOutputs: tensor(outputs, [size, n + 1], { dtype: 'int32' }),
      targetLengths: tensor(new Int32Array(size).fill(n + 1), [size], { dtype: 'int32' }),
      targetMask: tensor(ones, [size, n + 1]),
    };
  }

  baselines(): Baseline[] {
    // Guessing uniformly among the symbols, and the end token known: (n·ln K) / (n + 1) per target token.
    const n = this.task.maxLength;
    return [{ label: 'uniform guess', value: (n * Math.log(this.task.numSymbols)) / (n + 1) }];
  }

  example(): TaskExample {
    const b = this.batch(1);
    const target = Array.from(b.targetOutputs.dataSync()).filter((id) => id !== this.eos);
    return { input: symbols(b.sourceTokens.dataSync()), target: symbols(target), prediction: symbols(this.decodeOne(b, this.bos, this.eos)) };
  }
}

/** Toy English→Spanish translation of sentences of 3 to `taskLength` words. */
class TranslationSession extends Seq2SeqSession {
  private readonly data: ToyTranslation;
  private readonly collate: ReturnType<typeof seq2seqCollate>;
  private unigram: number | undefined;

  constructor(config: TrainConfig) {
    super(config);
    this.data = new ToyTranslation({ minLength: 3, maxLength: Math.max(3, config.taskLength), seed: dataSeed(config.seed) });
    this.collate = seq2seqCollate(this.data.sourceTokenizer, this.data.targetTokenizer);
    this.build(this.data.sourceTokenizer.vocabSize, this.data.targetTokenizer.vocabSize);
  }

  protected batch(size: number): Seq2SeqBatch {
    return this.collate(this.data.sample(size));
  }

  baselines(): Baseline[] {
    if (this.unigram === undefined) {
      // The unigram model of Spanish target tokens (with <eos>), fitted and measured on separate samples.
      const sampleIds = (seed: number) => {
        const data = new ToyTranslation({ minLength: 3, maxLength: this.data.maxLength, seed });
        return data.sample(256).flatMap((p) => Array.from(data.targetTokenizer.encode(p.target, { addEos: true })));
      };
      this.unigram = unigramCrossEntropy(sampleIds(1), sampleIds(2), this.data.targetTokenizer.vocabSize);
    }
    return [{ label: 'unigram', value: this.unigram }];
  }

  example(): TaskExample {
    const [pair] = this.data.sample(1);
    const b = this.collate([pair]);
    const t = this.data.targetTokenizer;
    return { input: pair.source, target: pair.target, prediction: t.decode(Int32Array.from(this.decodeOne(b, t.bosId, t.eosId))) };
  }
}

/**
 * A session of a synthetic task (`config.task` other than `charlm`), seeded by `config.seed` (weights) and a stream
 * apart from it (data).
 *
 * @example
 * ```ts
 * const session = createTaskSession({ ...defaultTrainConfig('lstm', 'copy'), hidden: 32 });
 * session.trainStep().loss;
 * ```
 */
export function createTaskSession(config: TrainConfig): TaskSession {
  switch (config.task) {
    case 'copy':
      return new CopySession(config);
    case 'adding':
      return new AddingSession(config);
    case 'reversal':
      return new ReversalSession(config);
    case 'translation':
      return new TranslationSession(config);
    default:
      throw new Error(`createTaskSession: '${config.task}' is not a synthetic task`);
  }
}

// A character-language-model training session on the shipped corpus: the shared model and step of @seqlab/recurrent,
// batches from @seqlab/datasets, baselines, sampling, and safetensors checkpoints the CLI reads and writes.
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint, type AdamW } from '@seqlab/autograd';
import { CharTokenizer, encodeCorpus, loadCorpus, randomWindows, type EncodedCorpus } from '@seqlab/datasets';
import {
  buildLanguageModel,
  LANGUAGE_MODEL_KINDS,
  languageModelBatchSampler,
  languageModelOptimizer,
  languageModelSpec,
  languageModelSpecOf,
  languageModelTrainStep,
  startLanguageModelTraining,
  unigramCrossEntropy,
  type AnyLanguageModel,
  type LanguageModelSpec,
} from '@seqlab/recurrent';
import { Generator, getBackend } from '@seqlab/tensor-core';
import { CHAR_LM_DATA } from './cli-command.js';
import type { TrainConfig } from './train-config.js';

/** What one training step reported. */
export interface StepReport {
  /** Steps taken, this one included. */
  readonly step: number;
  /** The batch's loss in nats per character. */
  readonly loss: number;
  /** The same in bits per character. */
  readonly bitsPerChar: number;
  /** Gradient norm before clipping. */
  readonly gradNorm: number;
  /** Seconds this step took. */
  readonly seconds: number;
  /** Characters this step trained on (batch × window). */
  readonly tokens: number;
  /** When the step ended, in milliseconds since the epoch (`performance.timeOrigin + performance.now()`). */
  readonly endedAt: number;
}

/** Reference losses a model must beat, in nats per character, measured on the corpus. */
export interface Baselines {
  /** Uniform guessing over the vocabulary: ln V. */
  readonly uniform: number;
  /** The unigram model of the training text (add-one smoothed), on the validation text. */
  readonly unigram: number;
}

/** Sampling settings: the library's one sampler (`generate` of every seqlab language model). */
export interface SampleOptions {
  /** Text to continue; a newline when absent. */
  readonly prompt?: string;
  /** Characters to draw. */
  readonly length: number;
  /** Softmax temperature. */
  readonly temperature: number;
  /** Keep the k likeliest characters (0: all). */
  readonly topK: number;
  /** Keep the smallest set reaching this probability (1: all). */
  readonly topP: number;
  /** Sampler seed: the same seed gives the same text. */
  readonly seed: number;
}

let corpusCache: EncodedCorpus | undefined;

/**
 * The shipped tiny-shakespeare corpus, encoded as the CLI's `--data tinyshakespeare` encodes it (its own vocabulary,
 * a 90/10 train/validation split); decoded once per thread.
 *
 * @example
 * ```ts
 * charCorpus().tokenizer.vocabSize; // 65
 * ```
 */
export function charCorpus(): EncodedCorpus {
  corpusCache ??= encodeCorpus(loadCorpus(CHAR_LM_DATA));
  return corpusCache;
}

/**
 * A character model being trained: created fresh from a {@link TrainConfig} (the same weights and batches as
 * `seqlab train` with the same settings) or from a checkpoint.
 */
export class CharLMSession {
  /** Optimizer steps taken. */
  step = 0;

  private constructor(
    /** The model. */
    readonly model: AnyLanguageModel,
    /** AdamW over its parameters. */
    readonly optimizer: AdamW,
    /** Draws the batch windows. */
    readonly sampler: Generator,
    /** The vocabulary. */
    readonly tokenizer: CharTokenizer,
    /** The run's settings (sizes as the model has them). */
    readonly config: TrainConfig,
  ) {}

  /**
   * A new run of `config` on the shipped corpus: `startLanguageModelTraining` with the config's seed, as the CLI.
   *
   * @example
   * ```ts
   * const session = CharLMSession.create(defaultTrainConfig('lstm'));
   * session.trainStep().loss; // about ln 65 ≈ 4.17 at the start
   * ```
   */
  static create(config: TrainConfig): CharLMSession {
    const corpus = charCorpus();
    const spec = languageModelSpec(config.model, {
      vocabSize: corpus.tokenizer.vocabSize,
      hiddenSize: config.hidden,
      numLayers: config.layers,
      numHeads: config.heads,
      contextLength: config.seq,
    });
    const { model, optimizer, sampler } = startLanguageModelTraining(spec, { seed: config.seed, lr: config.lr, weightDecay: config.weightDecay });
    model.train();
    return new CharLMSession(model, optimizer, sampler, corpus.tokenizer, config);
  }

  /**
   * Opens a safetensors checkpoint (one written by `seqlab train`, or by {@link toCheckpoint}): rebuilds the model
   * from its spec, loads the weights strictly, and restores AdamW's state and the batch sampler when present, so
   * training continues. `config` supplies what the checkpoint does not store (batch, optimizer settings, sampling);
   * its model fields are replaced by the checkpoint's.
   *
   * @example
   * ```ts
   * const session = CharLMSession.fromCheckpoint(bytes, defaultTrainConfig());
   * ```
   */
  static fromCheckpoint(bytes: Uint8Array, config: TrainConfig): CharLMSession {
    const checkpoint = decodeCheckpoint(bytes, { downcastFloat64: !getBackend().dtypes.includes('float64') });
    const spec = checkpoint.config as LanguageModelSpec | null;
    if (spec === null || typeof spec !== 'object' || !(LANGUAGE_MODEL_KINDS as readonly unknown[]).includes(spec.kind) || typeof spec.config !== 'object') {
      throw new Error(`CharLMSession.fromCheckpoint: the checkpoint holds no seqlab language-model config (metadata 'config' must be { kind, config })`);
    }
    const tokenizer = CharTokenizer.fromJSON(checkpoint.vocab as never);
    const model = buildLanguageModel(spec);
    const optimizer = languageModelOptimizer(model, config);
    restoreCheckpoint(checkpoint, { model, optimizer: checkpoint.optimizer === null ? undefined : optimizer });
    const sampler = checkpoint.rng === null ? languageModelBatchSampler(config.seed) : Generator.fromState(checkpoint.rng);
    const c = spec.config as Record<string, number>;
    const sizes =
      spec.kind === 'transformer'
        ? { hidden: c.dModel, layers: c.numLayers, heads: c.numHeads, seq: Math.min(config.seq, c.contextLength) }
        : { hidden: c.hiddenSize, layers: c.numLayers ?? 1 };
    const session = new CharLMSession(model, optimizer, sampler, tokenizer, { ...config, model: spec.kind, ...sizes });
    session.step = checkpoint.step ?? 0;
    model.train();
    return session;
  }

  /** The model's spec (kind and full config), as checkpoints store it. */
  get spec(): LanguageModelSpec {
    return languageModelSpecOf(this.model);
  }

  /**
   * The reference losses on the shipped corpus, for the loss chart.
   *
   * @example
   * ```ts
   * session.baselines().unigram; // ≈ 3.3 nats
   * ```
   */
  baselines(): Baselines {
    const corpus = charCorpus();
    const vocab = this.tokenizer.vocabSize;
    return { uniform: Math.log(vocab), unigram: unigramCrossEntropy(corpus.train, corpus.validation, vocab) };
  }

  /**
   * One optimizer step on a fresh batch of windows (`randomWindows` with the run's sampler, then
   * `languageModelTrainStep`, exactly as `seqlab train`). Throws when the loss or gradient stops being finite.
   *
   * @example
   * ```ts
   * const { loss, bitsPerChar } = session.trainStep();
   * ```
   */
  trainStep(): StepReport {
    const { batch: batchSize, seq: seqLen, clip } = this.config;
    const started = performance.now();
    const batch = randomWindows(charCorpus().train, { batchSize, seqLen, generator: this.sampler });
    const { loss, gradNorm, applied } = languageModelTrainStep(this.model, this.optimizer, batch, { clipNorm: clip });
    const ended = performance.now();
    const seconds = (ended - started) / 1000;
    if (!applied) throw new Error(`training diverged at step ${this.step + 1}: loss ${loss}, gradient norm ${gradNorm}`);
    this.step++;
    return { step: this.step, loss, bitsPerChar: loss / Math.LN2, gradNorm, seconds, tokens: batchSize * seqLen, endedAt: performance.timeOrigin + ended };
  }

  /**
   * Text sampled from the model with the library's sampler (the same tokens as `seqlab generate` with the same
   * prompt, length, temperature, top-k, top-p and seed). The model is left in training mode.
   *
   * @example
   * ```ts
   * session.sample({ prompt: 'ROMEO:', length: 80, temperature: 0.8, topK: 0, topP: 1, seed: 0 });
   * ```
   */
  sample(options: SampleOptions): string {
    const prompt = options.prompt ?? (this.tokenizer.idOf('\n') !== undefined ? '\n' : this.tokenizer.characters[0]);
    for (const ch of prompt) {
      if (this.tokenizer.idOf(ch) === undefined) throw new Error(`sample: the prompt holds ${JSON.stringify(ch)}, which is not in the model's vocabulary`);
    }
    const ids = this.model.generate(this.tokenizer.encode(prompt), {
      length: options.length,
      temperature: options.temperature,
      topK: options.topK,
      topP: options.topP,
      seed: options.seed,
    });
    return this.tokenizer.decode(ids);
  }

  /**
   * The run as safetensors bytes in the layout `seqlab train` writes (weights under PyTorch names, AdamW state,
   * step, the batch sampler's state, the model spec and the vocabulary), so `seqlab generate --checkpoint` reads it.
   *
   * @example
   * ```ts
   * const bytes = session.toCheckpoint();
   * ```
   */
  toCheckpoint(): Uint8Array {
    return encodeCheckpoint({
      model: this.model,
      optimizer: this.optimizer,
      step: this.step,
      rng: this.sampler,
      config: this.spec,
      vocab: this.tokenizer.toJSON(),
    });
  }
}

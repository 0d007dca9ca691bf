// The language-model contract RecurrentLM and TransformerLM share (loss, seeded generation whole or streamed, evaluation) and its base class.
import { Module, noGrad } from '@seqlab/autograd';
import { checkIntegerAtLeast, defaultGenerator, Generator, InvalidArgumentError, tensor, type Tensor } from '@seqlab/tensor-core';
import { resolveSampling, sampleFromLogits, type SamplingOptions } from './sampling.js';

/**
 * Options of {@link LanguageModel.generate} and {@link LanguageModel.stream}: how many tokens, how to sample them
 * (see {@link SamplingOptions}) and from which generator.
 *
 * @example
 * ```ts
 * const options: GenerateOptions = { length: 200, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 };
 * ```
 */
export interface GenerateOptions extends SamplingOptions {
  /** Number of tokens to sample after the prompt (an integer ≥ 0). */
  length: number;
  /** Seed of a fresh Generator for the draws (ignored when `generator` is given); the same seed gives the same tokens. */
  seed?: number;
  /** Generator to draw from (it advances). Default: a `Generator(seed)`, else `defaultGenerator()`. */
  generator?: Generator;
}

/**
 * Options of {@link LanguageModel.evaluate}.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = { seqLen: 128, batchSize: 8, maxTokens: 10_000 };
 * ```
 */
export interface EvaluateOptions {
  /** Inputs per window. Default: the model's context length where it has one (TransformerLM), else 256. */
  seqLen?: number;
  /** Windows per forward pass; changes the speed, never the result. Default 1. */
  batchSize?: number;
  /** Score only about the first `maxTokens` predicted tokens (whole windows, at least one). Default: all. */
  maxTokens?: number;
}

/**
 * What {@link LanguageModel.evaluate} returns: the mean next-token cross-entropy and the same in other units.
 *
 * @example
 * ```ts
 * const { nats, bitsPerToken, perplexity, tokens } = model.evaluate(heldOut, { seqLen: 64 });
 * ```
 */
export interface LanguageModelEvaluation {
  /** Mean cross-entropy per predicted token, in nats. */
  readonly nats: number;
  /** The same in bits (per character for a character model): `nats / ln 2`. */
  readonly bitsPerToken: number;
  /** `exp(nats)`. */
  readonly perplexity: number;
  /** Number of predicted tokens averaged over. */
  readonly tokens: number;
}

/**
 * What every language model's plain-data config holds, whatever else its family adds.
 *
 * @example
 * ```ts
 * const config: LanguageModelConfig = model.config; // { vocabSize, ... }
 * ```
 */
export interface LanguageModelConfig {
  /** Number of tokens the model reads and predicts. */
  readonly vocabSize: number;
}

/**
 * The contract of seqlab's causal language models ({@link TransformerLM}, and `RecurrentLM` in `@seqlab/recurrent`):
 *
 * - `loss(inputs, targets)`: the mean next-token cross-entropy in nats as a scalar tensor on the tape (as
 *   PyTorch's `F.cross_entropy`), for int32 `[batch, seq]` inputs and targets, each row read from a fresh state;
 * - `generate(prompt, options)`: the sampled tokens (not the prompt) as an array;
 * - `stream(prompt, options)`: the same tokens as an async iterator, each yielded as soon as it is drawn and the
 *   event loop let run between tokens; same options and seed, same tokens as `generate`;
 * - `evaluate(ids, options)`: the mean loss over consecutive windows of `ids`, each read from a fresh state, so
 *   the numbers of different models on the same windows compare.
 *
 * @example
 * ```ts
 * async function sample(model: LanguageModel, prompt: number[]): Promise<void> {
 *   for await (const token of model.stream(prompt, { length: 100, temperature: 0.8, seed: 1 })) console.log(token);
 * }
 * ```
 */
export interface LanguageModel {
  /** The model's plain-data config; every language model has a vocabulary size. */
  readonly config: LanguageModelConfig;
  /** Mean next-token cross-entropy (nats, a scalar tensor) of predicting int32 `targets` from `inputs`, both `[batch, seq]`. */
  loss(inputs: Tensor, targets: Tensor): Tensor;
  /** Samples `options.length` tokens after `prompt` and returns them. */
  generate(prompt: ArrayLike<number>, options: GenerateOptions): number[];
  /** Samples `options.length` tokens after `prompt`, yielding each as soon as it is drawn. */
  stream(prompt: ArrayLike<number>, options: GenerateOptions): AsyncIterableIterator<number>;
  /** Mean next-token loss of `ids` over consecutive windows, each read from a fresh state. */
  evaluate(ids: ArrayLike<number>, options?: EvaluateOptions): LanguageModelEvaluation;
}

/**
 * A running generation, from {@link LanguageModelBase.startDecoding}: the next-token logits after the prompt, and a
 * step that feeds back a drawn token and returns the logits after it.
 *
 * @example
 * ```ts
 * const session: DecodingSession = { logits: [0.1, 2.0], next: (token) => (token === 0 ? [1, 0] : [0, 1]) };
 * ```
 */
export interface DecodingSession {
  /** Next-token logits after the prompt (one score per token). */
  readonly logits: ArrayLike<number>;
  /** Feeds `token` to the model and returns the next-token logits after it. */
  next(token: number): ArrayLike<number>;
  /** Frees what the session holds (called once when the generation ends, also when a stream is left early); optional. */
  close?(): void;
}

/** A checked generation: prompt ids, number of tokens, sampling options and the generator to draw from. */
interface GenerationRun {
  readonly ids: Int32Array;
  readonly length: number;
  readonly sampling: SamplingOptions;
  readonly generator: Generator;
}

// Lets timers, I/O and rendering run between streamed tokens; setImmediate skips the clamping of nested timeouts.
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Base class of seqlab's language models: a subclass gives `loss`, the decoding of one token at a time
 * ({@link startDecoding}) and, for a model with a fixed context, {@link contextLength}; this class turns them into
 * the {@link LanguageModel} contract with one sampler ({@link sampleFromLogits}), one prompt check and one
 * evaluation protocol. Generation and evaluation run in evaluation mode without recording gradients, and restore
 * the previous mode when they end (also when a stream is left early).
 *
 * @example
 * ```ts
 * class BigramLM extends LanguageModelBase {
 *   readonly config = { vocabSize: 4 };
 *   readonly table = new Embedding(4, 4); // row t: the logits of the token after t
 *   forward(ids: Tensor): Tensor { return this.table.forward(ids); }
 *   loss(inputs: Tensor, targets: Tensor): Tensor { return crossEntropy(reshape(this.forward(inputs), [-1, 4]), reshape(targets, [-1])); }
 *   protected startDecoding(prompt: Int32Array): DecodingSession {
 *     const row = (t: number) => this.table.weight.dataSync().subarray(t * 4, t * 4 + 4);
 *     return { logits: row(prompt[prompt.length - 1]), next: row };
 *   }
 * }
 * ```
 */
export abstract class LanguageModelBase<G extends GenerateOptions = GenerateOptions> extends Module implements LanguageModel {
  /** The model's plain-data config. */
  abstract readonly config: LanguageModelConfig;

  /** Mean next-token cross-entropy (nats, a scalar tensor on the tape) of predicting `targets` from `inputs`, int32 `[batch, seq]`. */
  abstract loss(inputs: Tensor, targets: Tensor): Tensor;

  /**
   * Starts generating after `prompt` (valid token ids, at least one): returns the next-token logits and the step
   * that feeds back each drawn token. Called in evaluation mode; each call of it and of `next` runs without gradients.
   */
  protected abstract startDecoding(prompt: Int32Array, options: G): DecodingSession;

  /** The longest window the model reads at once, or `undefined` when it has no limit (a recurrent model). */
  protected get contextLength(): number | undefined {
    return undefined;
  }

  /** The class name used in error messages. */
  private opName(method: string): string {
    return `${this.constructor.name}.${method}`;
  }

  /** Checks token ids: an array or typed array of integers in [0, vocabSize), at least `min` of them. */
  protected checkTokenIds(op: string, name: string, ids: unknown, min: number): Int32Array {
    const values = this.checkTokenIdRange(op, name, ids, min, Number.POSITIVE_INFINITY);
    return Int32Array.from(values);
  }

  /**
   * Checks that `ids` is an array of at least `min` token ids and that its first `count` entries are ids of this
   * model's vocabulary; returns it uncopied, so evaluating a large corpus neither copies nor scans what it skips.
   */
  private checkTokenIdRange(op: string, name: string, ids: unknown, min: number, count: number): ArrayLike<number> {
    const V = this.config.vocabSize;
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) {
      throw new InvalidArgumentError(`${op}: argument '${name}' must be an array or Int32Array of token ids; received ${ids === null ? 'null' : typeof ids}`);
    }
    const values = ids as ArrayLike<number>;
    if (values.length < min) {
      throw new InvalidArgumentError(`${op}: argument '${name}' must hold at least ${min === 1 ? 'one token' : `${min} tokens`}; received ${values.length}`);
    }
    const end = Math.min(values.length, count);
    for (let i = 0; i < end; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= V) {
        throw new InvalidArgumentError(`${op}: argument '${name}' must hold token ids in [0, ${V}); received ${String(v)} at index ${i}`);
      }
    }
    return values;
  }

  /** Checks the arguments of a generation and returns its prompt, length, sampling and generator. */
  private prepareGeneration(op: string, prompt: unknown, options: G): GenerationRun {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`${op}: argument 'options' must be an object with a 'length'; received ${String(options)}`);
    }
    const ids = this.checkTokenIds(op, 'prompt', prompt, 1);
    const length = checkIntegerAtLeast(op, 'length', options.length, 0, 'option');
    const sampling = resolveSampling(op, options);
    const generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : defaultGenerator());
    return { ids, length, sampling, generator };
  }

  /** Draws the tokens of a checked generation one at a time, in evaluation mode. */
  private *draw(run: GenerationRun, options: G): IterableIterator<number> {
    const wasTraining = this.training;
    this.eval();
    let session: DecodingSession | undefined;
    try {
      session = noGrad(() => this.startDecoding(run.ids, options));
      let logits = session.logits;
      for (let i = 0; i < run.length; i++) {
        const token = sampleFromLogits(logits, run.sampling, run.generator);
        yield token;
        if (i === run.length - 1) break;
        const current = session;
        logits = noGrad(() => current.next(token));
      }
    } finally {
      session?.close?.();
      this.train(wasTraining);
    }
  }

  /**
   * Samples `options.length` tokens after `prompt` and returns them (the prompt is not included): each from
   * `sampleFromLogits` with the options' temperature, `topK` and `topP`, using `options.generator` or a new
   * `Generator(options.seed)`. The same seed gives the same tokens. Throws INVALID_ARGUMENT for an empty prompt,
   * an id outside the vocabulary or bad options.
   */
  generate(prompt: ArrayLike<number>, options: G): number[] {
    return [...this.draw(this.prepareGeneration(this.opName('generate'), prompt, options), options)];
  }

  /**
   * {@link generate} as an async iterator: yields each token as soon as it is drawn and lets the event loop run
   * before drawing the next, so output is written and pages repaint as the text grows. Arguments are checked at
   * once (the call throws); leaving the loop early stops drawing and restores the training mode.
   */
  stream(prompt: ArrayLike<number>, options: G): AsyncIterableIterator<number> {
    const tokens = this.draw(this.prepareGeneration(this.opName('stream'), prompt, options), options);
    return (async function* streamed(): AsyncIterableIterator<number> {
      for (const token of tokens) {
        yield token;
        await nextTurn();
      }
    })();
  }

  /** The `LanguageModelEvaluation` of a mean loss in nats over `tokens` tokens. */
  protected evaluation(nats: number, tokens: number): LanguageModelEvaluation {
    return { nats, bitsPerToken: nats / Math.LN2, perplexity: Math.exp(nats), tokens };
  }

  /** Checks the window length against the model's context (default: the context, else 256). */
  protected checkSeqLen(op: string, seqLen: unknown): number {
    const limit = this.contextLength;
    const value = checkIntegerAtLeast(op, 'seqLen', seqLen ?? limit ?? 256, 1, 'option');
    if (limit !== undefined && value > limit) {
      throw new InvalidArgumentError(`${op}: option 'seqLen' must be at most the model's context of ${limit}; received ${value}`);
    }
    return value;
  }

  /**
   * Mean next-token cross-entropy of `ids` in nats, bits per token and perplexity: `ids` is cut from the start
   * into consecutive windows of `seqLen` inputs (each window's targets are its inputs shifted by one), each read
   * from a fresh state, `batchSize` windows per forward pass; a leftover shorter than a window is not scored, and
   * a text shorter than one window is scored as one window. The windows depend only on the text, so evaluation
   * draws no random numbers and every model is scored on the same predictions.
   */
  evaluate(ids: ArrayLike<number>, options: EvaluateOptions = {}): LanguageModelEvaluation {
    const op = this.opName('evaluate');
    const length = this.checkTokenIdRange(op, 'ids', ids, 2, 0).length;
    let seqLen = this.checkSeqLen(op, options.seqLen);
    const batchSize = checkIntegerAtLeast(op, 'batchSize', options.batchSize ?? 1, 1, 'option');
    let windows = Math.floor((length - 1) / seqLen);
    if (windows === 0) [windows, seqLen] = [1, length - 1];
    if (options.maxTokens !== undefined) {
      windows = Math.min(windows, Math.max(1, Math.floor(checkIntegerAtLeast(op, 'maxTokens', options.maxTokens, 1, 'option') / seqLen)));
    }
    // Only the scored prefix is checked, and each batch is copied from it: a corpus is never copied whole.
    const all = this.checkTokenIdRange(op, 'ids', ids, 2, windows * seqLen + 1);
    const backend = this.parameters()[0]?.backendName;
    const wasTraining = this.training;
    this.eval();
    let total = 0;
    try {
      noGrad(() => {
        for (let first = 0; first < windows; first += batchSize) {
          const rows = Math.min(batchSize, windows - first);
          const inputs = new Int32Array(rows * seqLen);
          const targets = new Int32Array(rows * seqLen);
          for (let r = 0; r < rows; r++) {
            const start = (first + r) * seqLen;
            for (let t = 0; t < seqLen; t++) {
              inputs[r * seqLen + t] = all[start + t];
              targets[r * seqLen + t] = all[start + t + 1];
            }
          }
          const shape = [rows, seqLen];
          // The batch mean weighted by its size, so batches of different sizes average correctly.
          total += this.loss(tensor(inputs, shape, { dtype: 'int32', backend }), tensor(targets, shape, { dtype: 'int32', backend })).item() * rows * seqLen;
        }
      });
    } finally {
      this.train(wasTraining);
    }
    const tokens = windows * seqLen;
    return this.evaluation(total / tokens, tokens);
  }
}

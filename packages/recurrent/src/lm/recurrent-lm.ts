// RecurrentLM: embedding → recurrent stack → linear head, with streaming sampling and evaluation in nats and bits.
import { crossEntropy, Embedding, Linear, Module, noGrad } from '@seqlab/autograd';
import {
  defaultGenerator,
  formatShape,
  Generator,
  InvalidArgumentError,
  ShapeMismatchError,
  tensor,
  transpose,
  reshape,
  type DType,
  type Tensor,
} from '@seqlab/tensor-core';
import { checkCellType, createRecurrentLayer, runRecurrentLayer, type AnyRecurrentLayer, type CellType } from '../layers/recurrent-stack.js';
import type { RecurrentState } from '../state.js';
import { checkInteger, checkRange, checkTensorArg, describeValue } from '../validate.js';
import { scoreFromNats, type LanguageModelScore } from './metrics.js';
import { checkSamplingOptions, sampleFromLogits, type SamplingOptions } from './sampling.js';

/** Plain-data description of a {@link RecurrentLM}, enough to rebuild it (e.g. from a checkpoint's metadata). */
export interface RecurrentLMConfig {
  /** Number of tokens (characters for a character model). */
  readonly vocabSize: number;
  /** Width of the token embeddings. */
  readonly embeddingDim: number;
  /** Hidden size of every recurrent layer. */
  readonly hiddenSize: number;
  /** Number of stacked recurrent layers. Default 1. */
  readonly numLayers?: number;
  /** `lstm` (default), `gru` or `rnn` (tanh). */
  readonly cell?: CellType;
  /** Dropout between recurrent layers in training. Default 0. */
  readonly dropout?: number;
}

/** Construction options of {@link RecurrentLM} that are not part of the model's identity. */
export interface RecurrentLMOptions {
  /** Source of the initial values and the dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/** Options of {@link RecurrentLM.generate} and {@link RecurrentLM.stream}. */
export interface GenerateOptions extends SamplingOptions {
  /** Number of tokens to sample after the prompt. */
  length: number;
  /** Seed of a fresh Generator for the draws; the same seed gives the same text. */
  seed?: number;
  /** Generator to draw from instead of `seed` (it advances). Default: `seed`, else `defaultGenerator()`. */
  generator?: Generator;
  /** Called with each token as soon as it is sampled, and its position in the generated text. */
  onToken?: (token: number, index: number) => void;
}

/** Logits and state from {@link RecurrentLM.forward}. */
export interface LanguageModelOutput {
  /** Next-token logits `[batch, seq, vocabSize]`. */
  readonly logits: Tensor;
  /** The state after the last step, to continue from. */
  readonly state: RecurrentState;
}

/** Loss and state from {@link RecurrentLM.loss}. */
export interface LanguageModelLoss {
  /** Mean cross-entropy in nats per token (a scalar). */
  readonly loss: Tensor;
  /** The state after the last step, to detach and carry into the next chunk. */
  readonly state: RecurrentState;
}

/** Options of {@link RecurrentLM.evaluate}. */
export interface EvaluateOptions {
  /** Steps per forward call; the state is carried across calls, so the whole text is one sequence. Default 256. */
  seqLen?: number;
  /** Number of equal contiguous streams the text is split into and evaluated side by side. Default 1. */
  batchSize?: number;
}

/**
 * A recurrent language model: `embedding` → `rnn` (LSTM, GRU or RNN stack) → `head` (Linear to the vocabulary).
 * Parameter names are the `state_dict` names of the equivalent PyTorch module (`embedding.weight`,
 * `rnn.weight_ih_l0`, …, `head.weight`, `head.bias`; see the package README), and {@link config} is plain data
 * from which the model can be rebuilt.
 *
 * @example
 * ```ts
 * const model = new RecurrentLM({ vocabSize: tok.vocabSize, embeddingDim: 32, hiddenSize: 128 });
 * const { loss } = model.loss(inputs, targets);              // int32 [batch, seq] each
 * const text = tok.decode(model.generate(tok.encode('ROMEO:'), { length: 100, temperature: 0.8, seed: 1 }));
 * ```
 */
export class RecurrentLM extends Module {
  /** The model's description, with defaults filled in. */
  readonly config: Required<RecurrentLMConfig>;
  /** Token embeddings `[vocabSize, embeddingDim]`. */
  readonly embedding: Embedding;
  /** The recurrent stack (time-major internally; batch-first at this model's interface). */
  readonly rnn: AnyRecurrentLayer;
  /** Output projection `[vocabSize, hiddenSize]` plus bias. */
  readonly head: Linear;

  constructor(config: RecurrentLMConfig, options: RecurrentLMOptions = {}) {
    super();
    const op = 'RecurrentLM';
    if (typeof config !== 'object' || config === null) throw new InvalidArgumentError(`${op}: argument 'config' must be an object; received ${describeValue(config)}`);
    this.config = {
      vocabSize: checkInteger(op, 'vocabSize', config.vocabSize),
      embeddingDim: checkInteger(op, 'embeddingDim', config.embeddingDim),
      hiddenSize: checkInteger(op, 'hiddenSize', config.hiddenSize),
      numLayers: checkInteger(op, 'numLayers', config.numLayers ?? 1),
      cell: checkCellType(op, config.cell ?? 'lstm'),
      dropout: checkRange(op, 'dropout', config.dropout ?? 0, 0, 1),
    };
    const { vocabSize, embeddingDim, hiddenSize, numLayers, cell, dropout } = this.config;
    const init = { generator: options.generator, dtype: options.dtype, backend: options.backend };
    this.embedding = new Embedding(vocabSize, embeddingDim, init);
    this.rnn = createRecurrentLayer(cell, embeddingDim, hiddenSize, { ...init, numLayers, dropout });
    this.head = new Linear(hiddenSize, vocabSize, init);
  }

  /** Checks int32 token ids `[batch, seq]`. */
  private checkIds(op: string, name: string, value: unknown): Tensor {
    const ids = checkTensorArg(op, name, value);
    if (ids.dtype !== 'int32' || ids.rank !== 2 || ids.shape[0] === 0 || ids.shape[1] === 0) {
      throw new ShapeMismatchError(`${op}: argument '${name}' must be a non-empty int32 tensor of token ids [batch, seq]; received ${describeValue(ids)}`);
    }
    return ids;
  }

  /** Logits `[seq, batch, vocab]` (time-major) and the final state, from ids `[batch, seq]`. */
  private logitsTimeMajor(ids: Tensor, state: RecurrentState | null): { logits: Tensor; state: RecurrentState } {
    // Embedding the transposed ids yields the time-major sequence directly, with no float transpose.
    const x = this.embedding.forward(transpose(ids, 0, 1));
    const r = runRecurrentLayer(this.rnn, x, state);
    return { logits: this.head.forward(r.output), state: r.state };
  }

  /**
   * Next-token logits for every position.
   * @param ids - int32 token ids `[batch, seq]`
   * @param state - state from a previous call (e.g. the previous chunk of a stream); zeros when null
   * @returns logits `[batch, seq, vocabSize]` and the state after the last step
   */
  forward(ids: Tensor, state: RecurrentState | null = null): LanguageModelOutput {
    const r = this.logitsTimeMajor(this.checkIds('RecurrentLM.forward', 'ids', ids), state);
    return { logits: transpose(r.logits, 0, 1), state: r.state };
  }

  /**
   * Mean cross-entropy (nats per token) of predicting `targets` from `inputs`, both int32 `[batch, seq]`
   * (targets are usually the inputs shifted by one), and the final state for truncated BPTT.
   */
  loss(inputs: Tensor, targets: Tensor, state: RecurrentState | null = null): LanguageModelLoss {
    const op = 'RecurrentLM.loss';
    const ids = this.checkIds(op, 'inputs', inputs);
    const t = this.checkIds(op, 'targets', targets);
    if (t.shape[0] !== ids.shape[0] || t.shape[1] !== ids.shape[1]) {
      throw new ShapeMismatchError(`${op}: argument 'targets' must have the shape of 'inputs' ${formatShape(ids.shape)}; received ${formatShape(t.shape)}`);
    }
    const r = this.logitsTimeMajor(ids, state);
    const [steps, batch, vocab] = r.logits.shape;
    const loss = crossEntropy(reshape(r.logits, [steps * batch, vocab]), reshape(transpose(t, 0, 1), [steps * batch]));
    return { loss, state: r.state };
  }

  /** Checks a prompt of token ids. */
  private checkPrompt(op: string, prompt: unknown): Int32Array {
    if (!Array.isArray(prompt) && !(prompt instanceof Int32Array)) {
      throw new InvalidArgumentError(`${op}: argument 'prompt' must be an array or Int32Array of token ids; received ${describeValue(prompt)}`);
    }
    if (prompt.length === 0) throw new InvalidArgumentError(`${op}: argument 'prompt' must hold at least one token to condition on; received an empty prompt`);
    const ids = Int32Array.from(prompt as ArrayLike<number>);
    for (let i = 0; i < prompt.length; i++) {
      const v = (prompt as ArrayLike<number>)[i];
      if (!Number.isInteger(v) || v < 0 || v >= this.config.vocabSize) {
        throw new InvalidArgumentError(`${op}: argument 'prompt' must hold token ids in [0, ${this.config.vocabSize}); received ${describeValue(v)} at index ${i}`);
      }
    }
    return ids;
  }

  /**
   * Samples `length` tokens after `prompt`, yielding each as soon as it is drawn (for printing as you go).
   * Runs in evaluation mode without recording gradients; the training mode is restored when the iteration ends.
   *
   * @example
   * ```ts
   * for (const id of model.stream(tok.encode('KING'), { length: 200, temperature: 0.8, topK: 10, seed: 3 })) {
   *   process.stdout.write(tok.decode([id]));
   * }
   * ```
   */
  *stream(prompt: readonly number[] | Int32Array, options: GenerateOptions): IterableIterator<number> {
    const op = 'RecurrentLM.stream';
    const ids = this.checkPrompt(op, prompt);
    const length = checkInteger(op, 'length', options?.length, 0);
    checkSamplingOptions(op, options, this.config.vocabSize);
    const generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : defaultGenerator());
    const wasTraining = this.training;
    this.eval();
    try {
      const backend = this.head.weight.backendName;
      let step = noGrad(() => this.logitsTimeMajor(tensor(ids, [1, ids.length], { dtype: 'int32', backend }), null));
      let last = lastRow(step.logits);
      for (let i = 0; i < length; i++) {
        const token = sampleFromLogits(last, options, generator);
        options.onToken?.(token, i);
        yield token;
        if (i === length - 1) break;
        const state = step.state;
        step = noGrad(() => this.logitsTimeMajor(tensor([token], [1, 1], { dtype: 'int32', backend }), state));
        last = lastRow(step.logits);
      }
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * Samples `length` tokens after `prompt` and returns them (the prompt is not included). `onToken` sees each
   * token as it is drawn. The same `seed` gives the same tokens.
   */
  generate(prompt: readonly number[] | Int32Array, options: GenerateOptions): number[] {
    return [...this.stream(prompt, options)];
  }

  /**
   * Mean negative log-likelihood of `ids` (each token predicted from all before it), in nats and bits per
   * character, without recording gradients and in evaluation mode. The text is split into `batchSize` contiguous
   * streams, each read in chunks of `seqLen` with the state carried across chunks.
   */
  evaluate(ids: readonly number[] | Int32Array, options: EvaluateOptions = {}): LanguageModelScore {
    const op = 'RecurrentLM.evaluate';
    const seqLen = checkInteger(op, 'seqLen', options.seqLen ?? 256);
    const batchSize = checkInteger(op, 'batchSize', options.batchSize ?? 1);
    const all = this.checkPrompt(op, ids);
    const streamLength = Math.floor(all.length / batchSize);
    if (streamLength < 2) {
      throw new InvalidArgumentError(`${op}: argument 'ids' must hold at least 2 tokens per stream (batchSize ${batchSize}); received ${all.length} tokens`);
    }
    const backend = this.head.weight.backendName;
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        let state: RecurrentState | null = null;
        let total = 0;
        let count = 0;
        for (let start = 0; start < streamLength - 1; start += seqLen) {
          const n = Math.min(seqLen, streamLength - 1 - start);
          const inputs = new Int32Array(batchSize * n);
          const targets = new Int32Array(batchSize * n);
          for (let b = 0; b < batchSize; b++) {
            const from = b * streamLength + start;
            inputs.set(all.subarray(from, from + n), b * n);
            targets.set(all.subarray(from + 1, from + 1 + n), b * n);
          }
          const r = this.loss(tensor(inputs, [batchSize, n], { dtype: 'int32', backend }), tensor(targets, [batchSize, n], { dtype: 'int32', backend }), state);
          total += r.loss.item() * batchSize * n;
          count += batchSize * n;
          state = r.state;
        }
        return scoreFromNats(total / count, count);
      });
    } finally {
      this.train(wasTraining);
    }
  }
}

/** The logits of the last step of a time-major `[seq, 1, vocab]` tensor, as numbers. */
function lastRow(logits: Tensor): Float64Array {
  const [steps, , vocab] = logits.shape;
  const values = logits.dataSync();
  return Float64Array.from(values.subarray((steps - 1) * vocab, steps * vocab));
}


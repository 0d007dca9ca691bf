// RecurrentLM: embedding → recurrent stack → linear head, with streaming sampling and evaluation in nats and bits.
import { LanguageModelBase, type DecodingSession, type EvaluateOptions, type LanguageModelEvaluation } from '@seqlab/attention';
import { crossEntropy, Embedding, inferenceScope, Linear, noGrad } from '@seqlab/autograd';
import {
  formatShape,
  type Generator,
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
import { fusedRecurrentDecoding } from './recurrent-decoding.js';
import { checkBoolean, checkIntegerAtLeast, checkRange, checkTensorArg, describeValue } from '../validate.js';

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

/** Logits and state from {@link RecurrentLM.forward}. */
export interface LanguageModelOutput {
  /** Next-token logits `[batch, seq, vocabSize]`. */
  readonly logits: Tensor;
  /** The state after the last step, to continue from. */
  readonly state: RecurrentState;
}

/** Loss and state from {@link RecurrentLM.lossWithState}. */
export interface LanguageModelLoss {
  /** Mean cross-entropy in nats per token (a scalar). */
  readonly loss: Tensor;
  /** The state after the last step, to detach and carry into the next chunk. */
  readonly state: RecurrentState;
}

/**
 * Options of {@link RecurrentLM.evaluate}: the shared `EvaluateOptions` of `@seqlab/attention`, and reading the text as one sequence.
 *
 * @example
 * ```ts
 * model.evaluate(heldOut, { seqLen: 128, batchSize: 4, carryState: true });
 * ```
 */
export interface RecurrentEvaluateOptions extends EvaluateOptions {
  /**
   * Carry the state from each window into the next, so the text is read as `batchSize` contiguous streams (each
   * one sequence) rather than as independent windows. The score then depends on `batchSize`. Default false.
   */
  carryState?: boolean;
}

/**
 * A recurrent language model: `embedding` → `rnn` (LSTM, GRU or RNN stack) → `head` (Linear to the vocabulary).
 * Parameter names are the `state_dict` names of the equivalent PyTorch module (`embedding.weight`,
 * `rnn.weight_ih_l0`, …, `head.weight`, `head.bias`; see the package README), and {@link config} is plain data
 * from which the model can be rebuilt. It implements the shared `LanguageModel` contract of `@seqlab/attention`
 * (`loss`, `generate`, `stream`, `evaluate`) like `TransformerLM`; {@link lossWithState} carries the state for
 * truncated backpropagation through time.
 *
 * @example
 * ```ts
 * const model = new RecurrentLM({ vocabSize: tok.vocabSize, embeddingDim: 32, hiddenSize: 128 });
 * const loss = model.loss(inputs, targets);                 // int32 [batch, seq] each; a scalar tensor
 * const text = tok.decode(model.generate(tok.encode('ROMEO:'), { length: 100, temperature: 0.8, seed: 1 }));
 * ```
 */
export class RecurrentLM extends LanguageModelBase {
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
    if (typeof config !== 'object' || config === null)
      throw new InvalidArgumentError(`${op}: argument 'config' must be an object; received ${describeValue(config)}`);
    this.config = {
      vocabSize: checkIntegerAtLeast(op, 'vocabSize', config.vocabSize, 1),
      embeddingDim: checkIntegerAtLeast(op, 'embeddingDim', config.embeddingDim, 1),
      hiddenSize: checkIntegerAtLeast(op, 'hiddenSize', config.hiddenSize, 1),
      numLayers: checkIntegerAtLeast(op, 'numLayers', config.numLayers ?? 1, 1),
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
    const checked = this.checkIds('RecurrentLM.forward', 'ids', ids);
    // Without gradients the intermediates are temporaries, kept in backend memory and disposed at the end.
    return inferenceScope(checked.backend, () => {
      const r = this.logitsTimeMajor(checked, state);
      return { logits: transpose(r.logits, 0, 1), state: r.state };
    });
  }

  /**
   * Mean cross-entropy (nats per token, a scalar tensor) of predicting `targets` from `inputs`, both int32
   * `[batch, seq]` (targets are usually the inputs shifted by one), each row read from a zero state.
   */
  loss(inputs: Tensor, targets: Tensor): Tensor {
    return this.lossWithState(inputs, targets).loss;
  }

  /**
   * {@link loss} starting from `state` (zeros when null), also returning the state after the last step, to detach
   * and carry into the next chunk (truncated backpropagation through time).
   */
  lossWithState(inputs: Tensor, targets: Tensor, state: RecurrentState | null = null): LanguageModelLoss {
    const op = 'RecurrentLM.lossWithState';
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

  /**
   * Generation after `prompt`: the prompt is read once, then each drawn token is one step from the carried state,
   * kept per layer between steps (not stacked and split again each token); ids go in time-major `[T, 1]` directly.
   */
  protected startDecoding(prompt: Int32Array): DecodingSession {
    // On the fused kernels without tensors where the backend allows; the same logits either way.
    const fused = fusedRecurrentDecoding({ embedding: this.embedding, rnn: this.rnn, head: this.head, cell: this.config.cell }, prompt);
    if (fused !== null) return fused;
    const backend = this.head.weight.backendName;
    const stateCount = this.config.cell === 'lstm' ? 2 : 1;
    let states: Tensor[][] | null = null;
    const step = (ids: Int32Array): ArrayLike<number> => {
      const x = this.embedding.forward(tensor(ids, [ids.length, 1], { dtype: 'int32', backend }));
      const r = this.rnn.runDecoding(x, states, stateCount);
      states = r.states;
      return lastRow(this.head.forward(r.output));
    };
    return { logits: step(prompt), next: (token) => step(Int32Array.of(token)) };
  }

  /**
   * Mean next-token loss of `ids` in nats, bits per token and perplexity, without gradients and in evaluation
   * mode. By default the shared protocol (consecutive windows of `seqLen`, each from a zero state; see
   * `LanguageModelBase.evaluate`); with `carryState` the text is split into `batchSize` contiguous streams, each
   * read in chunks of `seqLen` with the state carried across chunks, so each stream is one sequence.
   */
  override evaluate(ids: ArrayLike<number>, options: RecurrentEvaluateOptions = {}): LanguageModelEvaluation {
    const op = 'RecurrentLM.evaluate';
    if (!checkBoolean(op, 'carryState', options.carryState, false)) return super.evaluate(ids, options);
    const seqLen = this.checkSeqLen(op, options.seqLen);
    const batchSize = checkIntegerAtLeast(op, 'batchSize', options.batchSize ?? 1, 1);
    const maxTokens = options.maxTokens === undefined ? Infinity : checkIntegerAtLeast(op, 'maxTokens', options.maxTokens, 1);
    const checked = this.checkTokenIds(op, 'ids', ids, 2);
    const all = checked.subarray(0, Math.min(checked.length, maxTokens + batchSize));
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
          const shape = [batchSize, n];
          const r = this.lossWithState(tensor(inputs, shape, { dtype: 'int32', backend }), tensor(targets, shape, { dtype: 'int32', backend }), state);
          total += r.loss.item() * batchSize * n;
          count += batchSize * n;
          state = r.state;
        }
        return this.evaluation(total / count, count);
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

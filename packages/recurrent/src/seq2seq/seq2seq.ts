// Seq2Seq: recurrent encoder–decoder with optional Bahdanau attention, seeded teacher forcing, greedy and beam-search decoding.
import { Module, noGrad } from '@seqlab/autograd';
import {
  argmax,
  defaultGenerator,
  expand,
  formatShape,
  indexSelect,
  InvalidArgumentError,
  logSoftmax,
  narrow,
  reshape,
  ShapeMismatchError,
  stack,
  tensor,
  type Generator,
  type Tensor,
} from '@seqlab/tensor-core';
import { checkLengths, type SequenceLengths } from '../layers/sequence-lengths.js';
import type { RecurrentState } from '../state.js';
import { checkIntegerAtLeast, checkRange, checkTensorArg, describeValue } from '../validate.js';
import { beamSearchOne, type BeamHypothesis } from './beam-search.js';
import { Seq2SeqDecoder } from './decoder.js';
import { Seq2SeqEncoder, type EncoderMemory, type Seq2SeqInitOptions } from './encoder.js';
import { checkSeq2SeqConfig, type Seq2SeqConfig } from './seq2seq-config.js';

/** Options of {@link Seq2Seq.forward}. */
export interface Seq2SeqForwardOptions {
  /** Lengths of the padded sources (`1..sourceLength`). */
  sourceLengths?: SequenceLengths | null;
  /**
   * Probability, drawn once per step for the whole batch, that the decoder is fed the true previous token rather
   * than its own most likely prediction. Default 1 (full teacher forcing).
   */
  teacherForcingRatio?: number;
  /** Source of the teacher-forcing draws. Default `defaultGenerator()`. */
  generator?: Generator;
}

/** Options of {@link Seq2Seq.greedyDecode} and {@link Seq2Seq.beamSearch}. */
export interface DecodeOptions {
  /** Token that starts every target (the decoder's first input), e.g. `<bos>`. */
  startToken: number;
  /** Token that ends a target; decoding of a sequence stops when it is produced. */
  endToken: number;
  /** Most tokens to produce per sequence (the end token included). */
  maxLength: number;
  /** Lengths of the padded sources. */
  sourceLengths?: SequenceLengths | null;
}

/** Options of {@link Seq2Seq.beamSearch}. */
export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept per step. Default 4. */
  beamWidth?: number;
  /**
   * Hypotheses are ranked by `logP / length^lengthPenalty` (length counts the end token). Default 0: the plain
   * log-probability, under which the search stops as soon as no open hypothesis can beat the best finished one.
   */
  lengthPenalty?: number;
}

/** A decoded sequence. */
export interface DecodedSequence {
  /** The produced tokens, without the start token and without the end token. */
  readonly tokens: number[];
  /** Sum of the log-probabilities of the produced tokens, the end token included when it was produced. */
  readonly logProbability: number;
  /** True when the end token was produced within `maxLength`. */
  readonly finished: boolean;
}

/**
 * Recurrent encoder–decoder, as in the PyTorch seq2seq tutorial: an `encoder` (embedding and RNN/LSTM/GRU stack)
 * reads the source and hands its final state to a `decoder` that predicts the target one token at a time,
 * optionally with additive (Bahdanau) attention over all encoder states. Padded source batches are handled with
 * `sourceLengths`: the encoder's final state is taken at each source's last token and attention ignores padding.
 *
 * @example
 * ```ts
 * const model = new Seq2Seq({ sourceVocabSize: 20, targetVocabSize: 20, embeddingDim: 16, hiddenSize: 32, attention: true });
 * const logits = model.forward(batch.sourceTokens, batch.targetInputs, { sourceLengths: batch.sourceLengths });
 * const loss = crossEntropy(reshape(logits, [-1, 20]), reshape(batch.targetOutputs, [-1]), { ignoreIndex: 0 });
 * const [best] = model.beamSearch(source, { startToken: 1, endToken: 2, maxLength: 20, beamWidth: 5 });
 * ```
 */
export class Seq2Seq extends Module {
  /** The model's description, with defaults filled in. */
  readonly config: Required<Seq2SeqConfig>;
  /** Reads the source. */
  readonly encoder: Seq2SeqEncoder;
  /** Writes the target. */
  readonly decoder: Seq2SeqDecoder;

  constructor(config: Seq2SeqConfig, options: Seq2SeqInitOptions = {}) {
    super();
    this.config = checkSeq2SeqConfig('Seq2Seq', config);
    const c = this.config;
    const init = { generator: options.generator, dtype: options.dtype, backend: options.backend };
    this.encoder = new Seq2SeqEncoder(c.sourceVocabSize, c.embeddingDim, c.hiddenSize, c.numLayers, c.cell, c.dropout, init);
    this.decoder = new Seq2SeqDecoder(c.targetVocabSize, c.embeddingDim, c.hiddenSize, c.numLayers, c.cell, c.dropout, c.attention, init);
  }

  private checkTokens(op: string, name: string, value: unknown, vocab: number): Tensor {
    const t = checkTensorArg(op, name, value);
    if (t.dtype !== 'int32' || t.rank !== 2 || t.shape[0] === 0 || t.shape[1] === 0) {
      throw new ShapeMismatchError(`${op}: argument '${name}' must be a non-empty int32 tensor of token ids [batch, length]; received ${describeValue(t)}`);
    }
    const values = t.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= vocab) {
        throw new InvalidArgumentError(`${op}: argument '${name}' must hold token ids in [0, ${vocab}); received ${values[i]} at flat index ${i}`);
      }
    }
    return t;
  }

  /** Encodes a checked source batch. */
  private encode(op: string, source: unknown, sourceLengths: unknown): { memory: EncoderMemory; state: RecurrentState; projectedKeys: Tensor | null } {
    const src = this.checkTokens(op, 'source', source, this.config.sourceVocabSize);
    const lengths = checkLengths(op, sourceLengths, src.shape[0], src.shape[1], 'sourceLengths');
    const { memory, state } = this.encoder.forward(src, lengths);
    return { memory, state, projectedKeys: this.decoder.projectKeys(memory) };
  }

  /**
   * Teacher-forced decoding for training: logits `[batch, targetLength, targetVocabSize]` for predicting each
   * target token from the source and the decoder inputs `targetInputs` (int32 `[batch, targetLength]`, starting with
   * the start token). With `teacherForcingRatio` below 1 the decoder is sometimes fed its own prediction instead.
   */
  forward(source: Tensor, targetInputs: Tensor, options: Seq2SeqForwardOptions = {}): Tensor {
    const op = 'Seq2Seq.forward';
    const { memory, state: encoded, projectedKeys } = this.encode(op, source, options.sourceLengths);
    const target = this.checkTokens(op, 'targetInputs', targetInputs, this.config.targetVocabSize);
    if (target.shape[0] !== memory.outputs.shape[0]) {
      throw new ShapeMismatchError(
        `${op}: argument 'targetInputs' must have batch ${memory.outputs.shape[0]} like 'source'; received shape ${formatShape(target.shape)}`,
      );
    }
    const ratio = checkRange(op, 'teacherForcingRatio', options.teacherForcingRatio ?? 1, 0, 1);
    const generator = options.generator ?? defaultGenerator();
    const [batch, steps] = target.shape;
    let state = encoded;
    let previous = reshape(narrow(target, 1, 0, 1), [batch]);
    const logits: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const r = this.decoder.forward(previous, state, memory, projectedKeys);
      logits.push(r.logits);
      state = r.state;
      if (t + 1 < steps) {
        // A draw is made only for a ratio strictly between 0 and 1, so full teacher forcing consumes no randomness.
        const teacher = ratio === 1 || (ratio > 0 && generator.uniform() < ratio);
        previous = teacher ? reshape(narrow(target, 1, t + 1, 1), [batch]) : noGrad(() => argmax(r.logits, 1));
      }
    }
    return stack(logits, 1);
  }

  /**
   * Greedy decoding of a source batch: each step feeds back the most likely token, until every sequence has produced
   * `endToken` or `maxLength` tokens. Runs without gradients in evaluation mode.
   */
  greedyDecode(source: Tensor, options: DecodeOptions): DecodedSequence[] {
    const op = 'Seq2Seq.greedyDecode';
    const { startToken, endToken, maxLength } = this.checkDecodeOptions(op, options);
    return this.inEvalMode(() => {
      const { memory, state: encoded, projectedKeys } = this.encode(op, source, options.sourceLengths);
      const batch = memory.outputs.shape[0];
      const out = Array.from({ length: batch }, () => ({ tokens: [] as number[], logProbability: 0, finished: false }));
      let state = encoded;
      let previous = tensor(new Int32Array(batch).fill(startToken), [batch], { dtype: 'int32', backend: memory.outputs.backendName });
      for (let t = 0; t < maxLength && out.some((s) => !s.finished); t++) {
        const r = this.decoder.forward(previous, state, memory, projectedKeys);
        const logp = logSoftmax(r.logits, 1).dataSync();
        const vocab = r.logits.shape[1];
        const next = new Int32Array(batch);
        for (let b = 0; b < batch; b++) {
          let best = 0;
          for (let v = 1; v < vocab; v++) if (logp[b * vocab + v] > logp[b * vocab + best]) best = v;
          next[b] = best;
          const s = out[b];
          if (s.finished) continue;
          s.logProbability += logp[b * vocab + best];
          if (best === endToken) s.finished = true;
          else s.tokens.push(best);
        }
        previous = tensor(next, [batch], { dtype: 'int32', backend: memory.outputs.backendName });
        state = r.state;
      }
      return out;
    });
  }

  /**
   * Beam-search decoding, one source at a time: keeps the `beamWidth` most likely hypotheses per step, sets aside
   * those that produce `endToken`, and returns, for every source, the best hypothesis (by `logP / length^lengthPenalty`)
   * among finished ones and those still open at `maxLength`. With `beamWidth` 1 it is greedy decoding.
   */
  beamSearch(source: Tensor, options: BeamSearchOptions): DecodedSequence[] {
    const op = 'Seq2Seq.beamSearch';
    const { startToken, endToken, maxLength } = this.checkDecodeOptions(op, options);
    const beamWidth = checkIntegerAtLeast(op, 'beamWidth', options.beamWidth ?? 4, 1);
    const lengthPenalty = checkRange(op, 'lengthPenalty', options.lengthPenalty ?? 0, 0, 10);
    return this.inEvalMode(() => {
      const { memory, state, projectedKeys } = this.encode(op, source, options.sourceLengths);
      const batch = memory.outputs.shape[0];
      const results: DecodedSequence[] = [];
      for (let b = 0; b < batch; b++) {
        const one = (t: Tensor, axis: number): Tensor => narrow(t, axis, b, 1);
        const sourceMemory: EncoderMemory = { outputs: one(memory.outputs, 0), mask: memory.mask === null ? null : one(memory.mask, 0) };
        const sourceState: RecurrentState = state.c === undefined ? { h: one(state.h, 1) } : { h: one(state.h, 1), c: one(state.c, 1) };
        const keys = projectedKeys === null ? null : one(projectedKeys, 0);
        const best: BeamHypothesis = beamSearchOne({
          beamWidth,
          lengthPenalty,
          maxLength,
          startToken,
          endToken,
          initialState: sourceState,
          step: (previous, beamState) => {
            const beams = previous.length;
            const widen = (t: Tensor): Tensor => expand(t, [beams, ...t.shape.slice(1)]);
            const r = this.decoder.forward(
              tensor(previous, [beams], { dtype: 'int32', backend: memory.outputs.backendName }),
              beamState,
              { outputs: widen(sourceMemory.outputs), mask: sourceMemory.mask === null ? null : widen(sourceMemory.mask) },
              keys === null ? null : widen(keys),
            );
            return { logProbabilities: logSoftmax(r.logits, 1).dataSync() as Float32Array | Float64Array, state: r.state };
          },
          selectBeams: (beamState, indices) => {
            const idx = tensor(indices, [indices.length], { dtype: 'int32', backend: memory.outputs.backendName });
            return beamState.c === undefined
              ? { h: indexSelect(beamState.h, 1, idx) }
              : { h: indexSelect(beamState.h, 1, idx), c: indexSelect(beamState.c, 1, idx) };
          },
        });
        results.push({ tokens: best.tokens, logProbability: best.logProbability, finished: best.finished });
      }
      return results;
    });
  }

  private checkDecodeOptions(op: string, options: DecodeOptions): { startToken: number; endToken: number; maxLength: number } {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError(`${op}: argument 'options' must be an object; received ${describeValue(options)}`);
    const vocab = this.config.targetVocabSize;
    const startToken = checkIntegerAtLeast(op, 'startToken', options.startToken, 0);
    const endToken = checkIntegerAtLeast(op, 'endToken', options.endToken, 0);
    for (const [name, v] of [
      ['startToken', startToken],
      ['endToken', endToken],
    ] as const) {
      if (v >= vocab) throw new InvalidArgumentError(`${op}: option '${name}' must be a target token id in [0, ${vocab}); received ${v}`);
    }
    return { startToken, endToken, maxLength: checkIntegerAtLeast(op, 'maxLength', options.maxLength, 1) };
  }

  private inEvalMode<T>(fn: () => T): T {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(fn);
    } finally {
      this.train(wasTraining);
    }
  }
}

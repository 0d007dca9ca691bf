// Token-by-token decoding of a RecurrentLM on the backend's fused LSTM/GRU sequence kernels, called on storages directly.
import { StepKernels, type DecodingSession, type FloatArray } from '@seqlab/attention';
import type { Embedding, Linear } from '@seqlab/autograd';
import { isFusedEnabled, type RecurrentSequenceArgs } from '@seqlab/tensor-core';
import type { AnyRecurrentLayer, CellType } from '../layers/recurrent-stack.js';

/**
 * The parts of a recurrent language model a decoding step reads.
 *
 * @example
 * ```ts
 * const parts: RecurrentDecodingModel = { embedding: lm.embedding, rnn: lm.rnn, head: lm.head, cell: lm.config.cell };
 * ```
 */
export interface RecurrentDecodingModel {
  /** Token embeddings `[vocab, E]`. */
  readonly embedding: Embedding;
  /** The unidirectional recurrent stack. */
  readonly rnn: AnyRecurrentLayer;
  /** The output projection `[vocab, H]`. */
  readonly head: Linear;
  /** The stack's cell kind. */
  readonly cell: CellType;
}

/**
 * Generation after `prompt` on the fused sequence kernels of the model's backend, without tensors: the prompt's
 * embedded rows go through each layer's `lstmSequence` / `gruSequence` kernel as one sequence of T steps, then each
 * drawn token is a sequence of one step from the final states the kernels returned (kept as arrays between tokens),
 * and the head is the backend's matmul kernel plus the bias. These are the kernels and shapes the layers' fused path
 * runs under `forward`, so the logits are bitwise those of the tensor path. Returns null, and the caller decodes with
 * tensors, when the backend lacks the kernels (or fused paths are off, by `setFusedEnabled` or the layer's `fused`),
 * for the tanh RNN, or where storages are not typed arrays.
 *
 * @example
 * ```ts
 * const session = fusedRecurrentDecoding({ embedding, rnn, head, cell: 'lstm' }, Int32Array.of(1, 2, 3));
 * if (session !== null) console.log(session.logits, session.next(4)); // next-token logits after 1 2 3, then after 4
 * ```
 */
export function fusedRecurrentDecoding(model: RecurrentDecodingModel, prompt: Int32Array): DecodingSession | null {
  const { embedding, rnn, head, cell } = model;
  if (cell === 'rnn' || rnn.bidirectional || !rnn.fused || !isFusedEnabled()) return null;
  const step = StepKernels.create(head.weight);
  const fused = head.weight.backend.fused;
  // The layers' fused path needs both kernels of the cell; without the backward one they run composed, and so does decoding.
  const lstm = cell === 'lstm' && fused?.lstmSequenceBackward !== undefined ? fused.lstmSequence : undefined;
  const gru = cell === 'gru' && fused?.gruSequenceBackward !== undefined ? fused.gruSequence : undefined;
  if (step === null || (lstm === undefined && gru === undefined)) return null;
  const H = rnn.hiddenSize,
    E = embedding.weight.shape[1];
  const zeros = step.zeros(H);
  const h: FloatArray[] = new Array<FloatArray>(rnn.numLayers).fill(zeros);
  const c: FloatArray[] = new Array<FloatArray>(rnn.numLayers).fill(zeros);
  const layerArgs = Array.from({ length: rnn.numLayers }, (_, l) => {
    const p = rnn.cellParameters(l);
    // Decoding never runs a backward, so the kernels keep no workspace for one.
    return { weightIh: p.weightIh, weightHh: p.weightHh, biasIh: p.biasIh, biasHh: p.biasHh, lengths: null, reverse: false, saveWorkspace: false };
  });
  const row = step.zeros(E);
  const run = (ids: ArrayLike<number>): FloatArray => {
    const T = ids.length;
    // A token's step reuses one input buffer: the kernels copy their inputs and return new arrays.
    let x = step.gatherRows(embedding.weight, ids, T === 1 ? row : step.zeros(T * E));
    let width = E;
    for (let l = 0; l < rnn.numLayers; l++) {
      const args: RecurrentSequenceArgs = { ...layerArgs[l], x: step.info(x, [T, 1, width]), h0: step.info(h[l], [1, H]) };
      if (lstm !== undefined) {
        const r = lstm({ ...args, c0: step.info(c[l], [1, H]) });
        [x, h[l], c[l]] = [r.output as FloatArray, r.hN as FloatArray, r.cN as FloatArray];
      } else if (gru !== undefined) {
        const r = gru(args);
        [x, h[l]] = [r.output as FloatArray, r.hN as FloatArray];
      }
      width = H;
    }
    // Every step's logits, as the tensor path's head does (one product of T rows), of which the last is the next token's.
    const V = head.outFeatures;
    return step.linear(x, T, head.weight, head.bias).subarray((T - 1) * V, T * V);
  };
  const one = new Int32Array(1);
  return {
    logits: run(prompt),
    next: (token) => {
      one[0] = token;
      return run(one);
    },
  };
}

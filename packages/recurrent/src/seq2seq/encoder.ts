// The seq2seq encoder: source embedding and a recurrent stack over padded source batches.
import { Embedding, Module } from '@seqlab/autograd';
import { tensor, type DType, type Generator, type Tensor } from '@seqlab/tensor-core';
import { createRecurrentLayer, runRecurrentLayer, type AnyRecurrentLayer, type CellType } from '../layers/recurrent-stack.js';
import type { RecurrentState } from '../state.js';

/** What the decoder reads from the encoder. */
export interface EncoderMemory {
  /** Top-layer states at every source step, `[batch, sourceLength, hiddenSize]` (0 past each source's end). */
  readonly outputs: Tensor;
  /** Key padding mask `[batch, sourceLength]`, true past each source's end; null when no source is padded. */
  readonly mask: Tensor | null;
}

/** The encoder's result. */
export interface EncoderResult {
  /** What the decoder attends over. */
  readonly memory: EncoderMemory;
  /** The final state, the decoder's initial state. */
  readonly state: RecurrentState;
}

/** Initialisation options shared by the seq2seq modules. */
export interface Seq2SeqInitOptions {
  /** Source of the initial values and dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/**
 * The encoder of {@link Seq2Seq}: `embedding` then `rnn` (batch-first).
 *
 * @example
 * ```ts
 * const encoder = new Seq2SeqEncoder(10, 8, 16, 1, 'gru', 0, { generator: new Generator(0) });
 * const source = tensor([[3, 4, 5], [6, 7, 0]], undefined, 'int32'); // the second source is padded
 * const encoded = encoder.forward(source, Int32Array.of(3, 2));
 * console.assert(encoded.memory.outputs.shape.join() === '2,3,16' && encoded.state.h.shape.join() === '1,2,16');
 * encoded.memory.mask!.toArray(); // [[false, false, false], [false, false, true]]: the padding
 * ```
 */
export class Seq2SeqEncoder extends Module {
  /** Source token embeddings. */
  readonly embedding: Embedding;
  /** The recurrent stack. */
  readonly rnn: AnyRecurrentLayer;

  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number, numLayers: number, cell: CellType, dropout: number, init: Seq2SeqInitOptions) {
    super();
    this.embedding = new Embedding(vocabSize, embeddingDim, init);
    this.rnn = createRecurrentLayer(cell, embeddingDim, hiddenSize, { ...init, numLayers, dropout, batchFirst: true });
  }

  /**
   * Encodes int32 `source` `[batch, sourceLength]`; `lengths` (checked `1..sourceLength`) marks padded sources,
   * whose final state is taken at their last real token.
   */
  forward(source: Tensor, lengths: Int32Array | null): EncoderResult {
    const r = runRecurrentLayer(this.rnn, this.embedding.forward(source), null, lengths);
    return { memory: { outputs: r.output, mask: lengths === null ? null : paddingMask(lengths, source.shape[1], source.backendName) }, state: r.state };
  }
}

/** `[batch, steps]` bool mask, true at steps ≥ the sequence's length. */
export function paddingMask(lengths: Int32Array, steps: number, backend: string): Tensor {
  const m = new Uint8Array(lengths.length * steps);
  lengths.forEach((n, b) => m.fill(1, b * steps + n, (b + 1) * steps));
  return tensor(m, [lengths.length, steps], { dtype: 'bool', backend });
}

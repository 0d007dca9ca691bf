// The models the synthetic tasks train, composed from the library's layers: a sequence tagger (embedding or linear
// input → RNN/LSTM/GRU or a Transformer encoder → linear head) and the library's Seq2Seq for the sequence-to-sequence tasks.
import { sinusoidalPositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '@seqlab/attention';
import { Embedding, Linear, Module } from '@seqlab/autograd';
import { createRecurrentLayer, runRecurrentLayer, type AnyRecurrentLayer, type LanguageModelKind } from '@seqlab/recurrent';
import { add, narrow, type Generator, type Tensor } from '@seqlab/tensor-core';

/** Sizes and inputs of a {@link SequenceTagger}. */
export interface SequenceTaggerOptions {
  /** Model family. */
  readonly kind: LanguageModelKind;
  /** Token inputs: the vocabulary size (an embedding), or `null` for real-valued inputs of `inputFeatures` each. */
  readonly vocabSize: number | null;
  /** Features per step of real-valued inputs. */
  readonly inputFeatures?: number;
  /** Hidden width (recurrent state, or Transformer width; also the input width). */
  readonly hidden: number;
  /** Stacked layers. */
  readonly layers: number;
  /** Transformer heads. */
  readonly heads: number;
  /** Outputs per step (classes, or 1 for regression). */
  readonly outputSize: number;
  /** Longest sequence (the Transformer's positional table). */
  readonly maxLength: number;
  /** Transformer: mask future positions, so each output sees only the past as a recurrent model does. */
  readonly causal: boolean;
  /** Source of the initial weights. */
  readonly generator: Generator;
}

/**
 * Per-step outputs of a sequence: input layer → encoder → linear head, batch first. A recurrent encoder reads left to
 * right; the Transformer encoder (pre-norm, 4× feed-forward, sinusoidal positions) is causal when asked, so the copy
 * task compares memories fairly.
 *
 * @example
 * ```ts
 * const tagger = new SequenceTagger({ kind: 'lstm', vocabSize: 10, hidden: 16, layers: 1, heads: 2, outputSize: 10, maxLength: 40, causal: true, generator: new Generator(0) });
 * tagger.forward(ids).shape; // [batch, length, 10]
 * ```
 */
export class SequenceTagger extends Module {
  /** Token embedding, or null for real-valued inputs. */
  readonly embedding: Embedding | null;
  /** Linear input layer for real-valued inputs, or null. */
  readonly input_proj: Linear | null;
  /** The recurrent encoder, or null for a Transformer. */
  readonly recurrent: AnyRecurrentLayer | null;
  /** The Transformer encoder, or null for a recurrent model. */
  readonly transformer: TransformerEncoder | null;
  /** Per-step output layer. */
  readonly head: Linear;
  private readonly positions: Tensor | null;
  private readonly causal: boolean;

  constructor(options: SequenceTaggerOptions) {
    super();
    const { hidden, generator } = options;
    this.embedding = options.vocabSize === null ? null : new Embedding(options.vocabSize, hidden, { generator });
    this.input_proj = options.vocabSize === null ? new Linear(options.inputFeatures ?? 1, hidden, { generator }) : null;
    this.causal = options.causal;
    if (options.kind === 'transformer') {
      const layer = new TransformerEncoderLayer(hidden, options.heads, {
        dimFeedforward: 4 * hidden,
        dropout: 0,
        batchFirst: true,
        normFirst: true,
        generator,
      });
      this.transformer = new TransformerEncoder(layer, options.layers);
      this.recurrent = null;
      this.positions = sinusoidalPositionalEncoding(options.maxLength, hidden);
    } else {
      this.recurrent = createRecurrentLayer(options.kind, hidden, hidden, { numLayers: options.layers, batchFirst: true, generator });
      this.transformer = null;
      this.positions = null;
    }
    this.head = new Linear(hidden, options.outputSize, { generator });
  }

  /** Outputs `[batch, length, outputSize]` for inputs int32 `[batch, length]` or float32 `[batch, length, features]`. */
  forward(inputs: Tensor): Tensor {
    const x = this.embedding !== null ? this.embedding.forward(inputs) : (this.input_proj as Linear).forward(inputs);
    if (this.transformer !== null) {
      const positioned = add(x, narrow(this.positions as Tensor, 0, 0, inputs.shape[1]));
      return this.head.forward(this.transformer.forward(positioned, { isCausal: this.causal }));
    }
    return this.head.forward(runRecurrentLayer(this.recurrent as AnyRecurrentLayer, x, null).output);
  }
}

// The encoder–decoder models of the bottleneck experiment, built from the library: @seqlab/recurrent's Seq2Seq (a GRU
// encoder–decoder, with or without additive attention) and @seqlab/attention's Transformer with its embeddings,
// sinusoidal positions and output layer, behind one train/decode interface.
import { SinusoidalPositionalEncoding, Transformer } from '@seqlab/attention';
import { Embedding, Linear, Module } from '@seqlab/autograd';
import { Seq2Seq } from '@seqlab/recurrent';
import { argmax, Generator, narrow, reshape, tensor, type Tensor } from '@seqlab/tensor-core';

/** The three architectures compared. */
export type TranslatorKind = 'GRU' | 'GRU+attention' | 'Transformer';

/** Sizes of a translator. */
export interface TranslatorOptions {
  /** Architecture. */
  readonly kind: TranslatorKind;
  /** Source vocabulary (id 0 is padding). */
  readonly sourceVocab: number;
  /** Target vocabulary (id 0 is padding). */
  readonly targetVocab: number;
  /** Hidden / model width. */
  readonly hiddenSize: number;
  /** Longest target (Transformer positions). */
  readonly maxLength: number;
  /** Seed of the initial weights. */
  readonly seed: number;
}

/** A trainable encoder–decoder: teacher-forced logits for training, greedy decoding for evaluation. */
export interface Translator {
  /** The module holding every parameter. */
  readonly module: Module;
  /** Logits `[batch, targetWidth, targetVocab]` for the teacher-forced decoder inputs (which start with `<bos>`). */
  logits(source: Tensor, sourceLengths: Int32Array, targetInputs: Tensor): Tensor;
  /** Greedy decoding of at most `maxSteps` tokens per source; `<eos>` excluded. */
  greedy(source: Tensor, sourceLengths: Int32Array, bosId: number, eosId: number, maxSteps: number): number[][];
}

/** `[batch, width]` bool, true at padding. */
function paddingMask(lengths: Int32Array, width: number): Tensor {
  const mask = new Uint8Array(lengths.length * width);
  lengths.forEach((n, b) => mask.fill(1, b * width + n, (b + 1) * width));
  return tensor(mask, [lengths.length, width], { dtype: 'bool' });
}

/** Token embeddings, the library's Transformer (pre-norm, GELU, no dropout, one encoder and one decoder layer) and an output layer. */
class TransformerTranslator extends Module {
  /** Source embedding. */
  readonly source_embedding: Embedding;
  /** Target embedding. */
  readonly target_embedding: Embedding;
  /** Sinusoidal positions, shared by source and target. */
  readonly positions: SinusoidalPositionalEncoding;
  /** The encoder–decoder. */
  readonly transformer: Transformer;
  /** Output layer. */
  readonly out: Linear;

  constructor(o: TranslatorOptions) {
    super();
    const generator = new Generator(o.seed);
    const d = o.hiddenSize;
    this.source_embedding = new Embedding(o.sourceVocab, d, { generator });
    this.target_embedding = new Embedding(o.targetVocab, d, { generator });
    this.positions = new SinusoidalPositionalEncoding(d, { maxLen: o.maxLength, batchFirst: true });
    this.transformer = new Transformer({
      dModel: d,
      nhead: 4,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 4 * d,
      dropout: 0,
      activation: 'gelu',
      normFirst: true,
      batchFirst: true,
      generator,
    });
    this.out = new Linear(d, o.targetVocab, { generator });
  }

  encode(source: Tensor, lengths: Int32Array): { memory: Tensor; padding: Tensor } {
    const padding = paddingMask(lengths, source.shape[1]);
    return { memory: this.transformer.encode(this.positions.forward(this.source_embedding.forward(source)), { srcKeyPaddingMask: padding }), padding };
  }

  /** Teacher-forced logits `[batch, targetWidth, targetVocab]`. */
  forward(source: Tensor, lengths: Int32Array, targetInputs: Tensor): Tensor {
    return this.decode(this.encode(source, lengths), targetInputs);
  }

  decode(enc: { memory: Tensor; padding: Tensor }, targetInputs: Tensor): Tensor {
    const y = this.transformer.decode(this.positions.forward(this.target_embedding.forward(targetInputs)), enc.memory, {
      tgtIsCausal: true,
      memoryKeyPaddingMask: enc.padding,
    });
    return this.out.forward(y);
  }
}

/**
 * Builds the translator of `options.kind`: the library's `Seq2Seq` (GRU cells, additive attention for
 * `GRU+attention`) or its `Transformer` between embeddings and an output layer.
 *
 * @example
 * ```ts
 * const model = createTranslator({ kind: 'GRU+attention', sourceVocab: 12, targetVocab: 10, hiddenSize: 16, maxLength: 8, seed: 0 });
 * const source = tensor(Int32Array.from([3, 4, 5, 0, 6, 7, 8, 9]), [2, 4], { dtype: 'int32' }); // the first sentence is padded
 * const lengths = Int32Array.from([3, 4]);
 * console.assert(model.logits(source, lengths, tensor(Int32Array.from([1, 5, 1, 6]), [2, 2], { dtype: 'int32' })).shape.join() === '2,2,10');
 * console.assert(model.greedy(source, lengths, 1, 2, 5).every((ids) => ids.length <= 5));
 * ```
 */
export function createTranslator(options: TranslatorOptions): Translator {
  if (options.kind === 'Transformer') {
    const m = new TransformerTranslator(options);
    return {
      module: m,
      logits: (source, lengths, targetInputs) => m.forward(source, lengths, targetInputs),
      greedy(source, lengths, bosId, eosId, maxSteps) {
        const enc = m.encode(source, lengths);
        const batch = source.shape[0];
        const prefix: number[][] = Array.from({ length: batch }, () => [bosId]);
        const out: number[][] = Array.from({ length: batch }, () => []);
        const done = new Array<boolean>(batch).fill(false);
        for (let step = 0; step < maxSteps && done.includes(false); step++) {
          const logits = m.decode(enc, tensor(Int32Array.from(prefix.flat()), [batch, step + 1], { dtype: 'int32' }));
          const chosen = argmax(reshape(narrow(logits, 1, step, 1), [batch, logits.shape[2]]), 1).dataSync();
          for (let b = 0; b < batch; b++) {
            prefix[b].push(chosen[b]);
            if (done[b]) continue;
            if (chosen[b] === eosId) done[b] = true;
            else out[b].push(chosen[b]);
          }
        }
        return out;
      },
    };
  }
  const h = options.hiddenSize;
  const m = new Seq2Seq(
    {
      sourceVocabSize: options.sourceVocab,
      targetVocabSize: options.targetVocab,
      embeddingDim: h,
      hiddenSize: h,
      cell: 'gru',
      attention: options.kind === 'GRU+attention',
    },
    { generator: new Generator(options.seed) },
  );
  return {
    module: m,
    logits: (source, lengths, targetInputs) => m.forward(source, targetInputs, { sourceLengths: Array.from(lengths) }),
    greedy: (source, lengths, bosId, eosId, maxSteps) =>
      m.greedyDecode(source, { startToken: bosId, endToken: eosId, maxLength: maxSteps, sourceLengths: Array.from(lengths) }).map((d) => d.tokens),
  };
}

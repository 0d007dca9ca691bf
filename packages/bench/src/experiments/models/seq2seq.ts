// Encoder–decoder translation models for the bottleneck experiment: a GRU seq2seq whose decoder sees either the
// encoder's final state only (the fixed-size bottleneck of Cho et al. 2014) or an additive-attention context
// (Bahdanau et al. 2015), and a Transformer encoder–decoder.
import { AdditiveAttention } from '@seqlab/attention';
import { Embedding, Linear, Module } from '@seqlab/autograd';
import { GRU, GRUCell } from '@seqlab/recurrent';
import { add, concat, Generator, narrow, reshape, stack, tensor, type Tensor } from '@seqlab/tensor-core';
import { sinusoidalEncoding } from './positional-encoding.js';
import { TransformerBlock } from './transformer-block.js';

/** The three translation architectures compared. */
export type Seq2SeqKind = 'GRU' | 'GRU+attention' | 'Transformer';

/** Sizes of a {@link TranslationModel}. */
export interface TranslationModelOptions {
  /** Architecture. */
  kind: Seq2SeqKind;
  /** Source vocabulary. */
  sourceVocab: number;
  /** Target vocabulary. */
  targetVocab: number;
  /** Hidden / model width. */
  hiddenSize: number;
  /** Longest sequence (Transformer positions). */
  maxLength: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * A translation model: teacher-forced logits for training, greedy decoding for evaluation.
 *
 * @example
 * ```ts
 * const model: TranslationModel = createTranslationModel({ kind: 'GRU+attention', sourceVocab: 12, targetVocab: 10, hiddenSize: 16, maxLength: 8, seed: 0 });
 * const source = tensor(Int32Array.from([3, 4, 5, 0, 6, 7, 8, 9]), [2, 4], { dtype: 'int32' }); // the first sentence is padded
 * const lengths = Int32Array.from([3, 4]);
 * const logits = model.forward(source, lengths, tensor(Int32Array.from([1, 5, 1, 6]), [2, 2], { dtype: 'int32' }));
 * console.assert(logits.shape.join() === '2,2,10');
 * const decoded = model.greedy(source, lengths, 1, 2, 5); // <bos> 1, <eos> 2, at most 5 tokens
 * console.assert(decoded.length === 2 && decoded.every((ids) => ids.length <= 5));
 * console.assert(model instanceof TranslationModel);
 * ```
 */
export abstract class TranslationModel extends Module {
  /** Logits `[batch, targetWidth, targetVocab]` for teacher-forced decoder inputs. */
  abstract override forward(source: Tensor, sourceLengths: Int32Array, targetInputs: Tensor): Tensor;

  /** Greedy decoding of at most `maxSteps` tokens after `<bos>`; returns the ids per sentence, `<eos>` excluded. */
  abstract greedy(source: Tensor, sourceLengths: Int32Array, bosId: number, eosId: number, maxSteps: number): number[][];
}

/**
 * Builds the model of `options.kind`.
 *
 * @example
 * ```ts
 * const model: TranslationModel = createTranslationModel({ kind: 'GRU+attention', sourceVocab: 12, targetVocab: 10, hiddenSize: 16, maxLength: 8, seed: 0 });
 * const source = tensor(Int32Array.from([3, 4, 5, 0, 6, 7, 8, 9]), [2, 4], { dtype: 'int32' }); // the first sentence is padded
 * const lengths = Int32Array.from([3, 4]);
 * const logits = model.forward(source, lengths, tensor(Int32Array.from([1, 5, 1, 6]), [2, 2], { dtype: 'int32' }));
 * console.assert(logits.shape.join() === '2,2,10');
 * const decoded = model.greedy(source, lengths, 1, 2, 5); // <bos> 1, <eos> 2, at most 5 tokens
 * console.assert(decoded.length === 2 && decoded.every((ids) => ids.length <= 5));
 * ```
 */
export function createTranslationModel(options: TranslationModelOptions): TranslationModel {
  return options.kind === 'Transformer' ? new TransformerTranslator(options) : new GRUTranslator(options, options.kind === 'GRU+attention');
}

function paddingMask(lengths: Int32Array, width: number): Tensor {
  const mask = new Uint8Array(lengths.length * width);
  lengths.forEach((n, b) => mask.fill(1, b * width + n, (b + 1) * width));
  return tensor(mask, [lengths.length, width], { dtype: 'bool' });
}

/** Collects greedy choices per row until each row emits `<eos>` or the step limit. */
function greedyLoop(batch: number, eosId: number, maxSteps: number, next: (step: number) => Int32Array | Float32Array): number[][] {
  const out: number[][] = Array.from({ length: batch }, () => []);
  const done = new Array<boolean>(batch).fill(false);
  for (let step = 0; step < maxSteps && done.includes(false); step++) {
    const ids = next(step);
    for (let b = 0; b < batch; b++) {
      if (done[b]) continue;
      if (ids[b] === eosId) done[b] = true;
      else out[b].push(ids[b]);
    }
  }
  return out;
}

function argmaxRows(logits: Tensor): Int32Array {
  const [batch, vocab] = logits.shape;
  const v = logits.dataSync();
  const ids = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let j = 1; j < vocab; j++) if (v[b * vocab + j] > v[b * vocab + best]) best = j;
    ids[b] = best;
  }
  return ids;
}

/**
 * GRU encoder and a GRU-cell decoder whose input at each step is `[embedding(y_{t−1}); context]`: the context is
 * the encoder's final state (no attention) or additive attention over the encoder outputs with the previous
 * decoder state as query.
 */
class GRUTranslator extends TranslationModel {
  /** Source word embedding. */
  readonly source_embedding: Embedding;
  /** GRU encoder over the source. */
  readonly encoder: GRU;
  /** Target word embedding. */
  readonly target_embedding: Embedding;
  /** Decoder cell; its input is `[embedding; context]`. */
  readonly decoder: GRUCell;
  /** Additive attention over the encoder outputs, or null for the fixed-context model. */
  readonly attention: AdditiveAttention | null;
  /** Output layer over `[state; context]`. */
  readonly out: Linear;
  private readonly hidden: number;

  constructor(o: TranslationModelOptions, useAttention: boolean) {
    super();
    const generator = new Generator(o.seed);
    const h = o.hiddenSize;
    this.hidden = h;
    this.source_embedding = new Embedding(o.sourceVocab, h, { generator });
    this.encoder = new GRU(h, h, { batchFirst: true, generator });
    this.target_embedding = new Embedding(o.targetVocab, h, { generator });
    this.decoder = new GRUCell(2 * h, h, { generator });
    this.attention = useAttention ? new AdditiveAttention(h, { generator }) : null;
    this.out = new Linear(2 * h, o.targetVocab, { generator });
  }

  private encode(source: Tensor, lengths: Int32Array): { outputs: Tensor; final: Tensor; mask: Tensor; projected: Tensor | null } {
    const { output, hN } = this.encoder.forward(this.source_embedding.forward(source), { lengths: Array.from(lengths) });
    const final = reshape(hN, [source.shape[0], this.hidden]);
    const projected = this.attention === null ? null : this.attention.projectKeys(output);
    return { outputs: output, final, mask: paddingMask(lengths, source.shape[1]), projected };
  }

  /** One decoder step: next state and the logits from `[state; context]`. */
  private step(enc: ReturnType<GRUTranslator['encode']>, embedded: Tensor, h: Tensor): { h: Tensor; logits: Tensor } {
    const context =
      this.attention === null
        ? enc.final
        : this.attention.forward(h, enc.outputs, enc.outputs, { mask: enc.mask, projectedKeys: enc.projected ?? undefined }).context;
    const next = this.decoder.forward(concat([embedded, context], 1), h);
    return { h: next, logits: this.out.forward(concat([next, context], 1)) };
  }

  forward(source: Tensor, sourceLengths: Int32Array, targetInputs: Tensor): Tensor {
    const enc = this.encode(source, sourceLengths);
    const [batch, width] = targetInputs.shape;
    const embedded = this.target_embedding.forward(targetInputs);
    let h = enc.final;
    const logits: Tensor[] = [];
    for (let t = 0; t < width; t++) {
      const r = this.step(enc, reshape(narrow(embedded, 1, t, 1), [batch, this.hidden]), h);
      h = r.h;
      logits.push(r.logits);
    }
    return stack(logits, 1);
  }

  greedy(source: Tensor, sourceLengths: Int32Array, bosId: number, eosId: number, maxSteps: number): number[][] {
    const enc = this.encode(source, sourceLengths);
    const batch = source.shape[0];
    let h = enc.final;
    let previous: Int32Array = new Int32Array(batch).fill(bosId);
    return greedyLoop(batch, eosId, maxSteps, () => {
      const embedded = this.target_embedding.forward(tensor(previous, [batch], { dtype: 'int32' }));
      const r = this.step(enc, embedded, h);
      h = r.h;
      previous = argmaxRows(r.logits);
      return previous;
    });
  }
}

/** A one-layer pre-norm Transformer encoder–decoder with sinusoidal positions. */
class TransformerTranslator extends TranslationModel {
  /** Source word embedding. */
  readonly source_embedding: Embedding;
  /** Target word embedding. */
  readonly target_embedding: Embedding;
  /** Encoder block. */
  readonly encoder: TransformerBlock;
  /** Decoder block with causal self-attention and cross-attention. */
  readonly decoder: TransformerBlock;
  /** Output layer. */
  readonly out: Linear;
  private readonly positions: Tensor;

  constructor(o: TranslationModelOptions) {
    super();
    const generator = new Generator(o.seed);
    const h = o.hiddenSize;
    this.source_embedding = new Embedding(o.sourceVocab, h, { generator });
    this.target_embedding = new Embedding(o.targetVocab, h, { generator });
    this.encoder = new TransformerBlock({ width: h, heads: 4, generator });
    this.decoder = new TransformerBlock({ width: h, heads: 4, crossAttention: true, generator });
    this.out = new Linear(h, o.targetVocab, { generator });
    this.positions = sinusoidalEncoding(o.maxLength, h);
  }

  private embed(e: Embedding, ids: Tensor): Tensor {
    return add(e.forward(ids), narrow(this.positions, 0, 0, ids.shape[1]));
  }

  private encode(source: Tensor, lengths: Int32Array): { memory: Tensor; padding: Tensor } {
    const padding = paddingMask(lengths, source.shape[1]);
    return { memory: this.encoder.forward(this.embed(this.source_embedding, source), { keyPadding: padding }).output, padding };
  }

  private decode(enc: { memory: Tensor; padding: Tensor }, targetInputs: Tensor): Tensor {
    const y = this.decoder.forward(this.embed(this.target_embedding, targetInputs), { causal: true, memory: enc.memory, memoryPadding: enc.padding }).output;
    return this.out.forward(y);
  }

  forward(source: Tensor, sourceLengths: Int32Array, targetInputs: Tensor): Tensor {
    return this.decode(this.encode(source, sourceLengths), targetInputs);
  }

  greedy(source: Tensor, sourceLengths: Int32Array, bosId: number, eosId: number, maxSteps: number): number[][] {
    const enc = this.encode(source, sourceLengths);
    const batch = source.shape[0];
    const prefix: number[][] = Array.from({ length: batch }, () => [bosId]);
    return greedyLoop(batch, eosId, maxSteps, (step) => {
      const ids = tensor(Int32Array.from(prefix.flat()), [batch, step + 1], { dtype: 'int32' });
      const logits = this.decode(enc, ids);
      const last = reshape(narrow(logits, 1, step, 1), [batch, logits.shape[2]]);
      const chosen = argmaxRows(last);
      chosen.forEach((id, b) => prefix[b].push(id));
      return chosen;
    });
  }
}

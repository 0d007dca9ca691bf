// Collation of (source, target) text pairs into padded encoder inputs and teacher-forcing decoder inputs/outputs.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import type { WordTokenizer } from '../tokenizers/wordTokenizer.js';
import { checkBoolean, checkOptions, describeValue } from '../validate.js';
import { padSequences } from './padding.js';

/** A text pair as produced by {@link ToyTranslation}. */
export interface TextPair {
  /** Source-language text. */
  readonly source: string;
  /** Target-language text. */
  readonly target: string;
}

/** A padded batch for an encoder–decoder trained with teacher forcing. */
export interface Seq2SeqBatch {
  /** int32 `[batchSize, sourceWidth]` source ids (`… <eos>` when `sourceEos`), `<pad>`-filled. */
  readonly sourceTokens: Tensor;
  /** int32 `[batchSize]` source lengths. */
  readonly sourceLengths: Tensor;
  /** float32 `[batchSize, sourceWidth]`: 1 over real source steps. */
  readonly sourceMask: Tensor;
  /** int32 `[batchSize, targetWidth]` decoder inputs: `<bos> y₁ … yₙ`, `<pad>`-filled. */
  readonly targetInputs: Tensor;
  /** int32 `[batchSize, targetWidth]` decoder targets: `y₁ … yₙ <eos>`, `<pad>`-filled. */
  readonly targetOutputs: Tensor;
  /** int32 `[batchSize]`: n + 1, the steps of each row of `targetInputs`/`targetOutputs`. */
  readonly targetLengths: Tensor;
  /** float32 `[batchSize, targetWidth]`: 1 over real target steps (multiply the per-step loss by it). */
  readonly targetMask: Tensor;
}

/** Options of {@link seq2seqCollate}. */
export interface Seq2SeqCollateOptions {
  /** End each source with `<eos>`. Default true. */
  sourceEos?: boolean;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/**
 * A {@link DataLoader} `collate` for text pairs: encodes both sides with their word tokenizers and pads with
 * `<pad>` (id 0). The decoder gets `<bos>`-prefixed inputs and `<eos>`-terminated outputs of equal length.
 *
 * @example
 * ```ts
 * const data = new ToyTranslation({ maxLength: 20, seed: 0 });
 * const loader = new DataLoader(data.sample(256), {
 *   batchSize: 32,
 *   shuffle: true,
 *   seed: 0,
 *   collate: seq2seqCollate(data.sourceTokenizer, data.targetTokenizer),
 * });
 * ```
 */
export function seq2seqCollate(source: WordTokenizer, target: WordTokenizer, options?: Seq2SeqCollateOptions): (pairs: TextPair[]) => Seq2SeqBatch {
  const fn = 'seq2seqCollate';
  const opts = checkOptions(fn, options);
  const sourceEos = checkBoolean(fn, 'sourceEos', opts.sourceEos ?? true);
  const backend = opts.backend;
  return (pairs) => {
    if (!Array.isArray(pairs) || pairs.length === 0) {
      throw new InvalidArgumentError(`${fn}: expected a non-empty array of { source, target } pairs; received ${describeValue(pairs)}`);
    }
    const sources: Int32Array[] = [];
    const inputs: Int32Array[] = [];
    const outputs: Int32Array[] = [];
    pairs.forEach((p, i) => {
      if (typeof p?.source !== 'string' || typeof p?.target !== 'string') {
        throw new InvalidArgumentError(`${fn}: item ${i} must be a { source: string, target: string } pair; received ${describeValue(p)}`);
      }
      sources.push(source.encode(p.source, { addEos: sourceEos }));
      const y = target.encode(p.target);
      const input = new Int32Array(y.length + 1);
      input[0] = target.bosId;
      input.set(y, 1);
      const output = new Int32Array(y.length + 1);
      output.set(y, 0);
      output[y.length] = target.eosId;
      inputs.push(input);
      outputs.push(output);
    });
    const src = padSequences(sources, { padValue: source.padId, backend });
    const tin = padSequences(inputs, { padValue: target.padId, backend });
    const tout = padSequences(outputs, { padValue: target.padId, backend });
    return {
      sourceTokens: src.tokens,
      sourceLengths: src.lengths,
      sourceMask: src.mask,
      targetInputs: tin.tokens,
      targetOutputs: tout.tokens,
      targetLengths: tin.lengths,
      targetMask: tin.mask,
    };
  };
}

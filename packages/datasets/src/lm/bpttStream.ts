// Contiguous language-model batches for truncated backpropagation through time: each row continues the previous batch's row.
import { InvalidArgumentError, tensor } from '@seqlab/tensor-core';
import { checkBoolean, checkNonNegativeInt, checkOptions, checkPositiveInt } from '../validate.js';
import type { TokenIdArray } from '../encodedCorpus.js';
import { checkCorpusTokens, gatherWindows, type LanguageModelBatch } from './languageModelBatch.js';

/** Options of {@link BpttStream}. */
export interface BpttStreamOptions {
  /** Parallel streams (rows). */
  batchSize: number;
  /** Tokens per batch (the truncation length); must be smaller than the corpus. */
  seqLen: number;
  /** Leave out a last batch shorter than `seqLen`. Default false. */
  dropLast?: boolean;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/**
 * Cuts the corpus into `batchSize` contiguous streams of `L = floor((N − 1) / batchSize)` tokens (stream `b`
 * starts at token `b·L`; the tail that does not fill a stream is left out) and walks them `seqLen` tokens at a
 * time, as PyTorch's word_language_model `batchify`/`get_batch` does but batch-major. Row `b` of batch `i + 1`
 * continues row `b` of batch `i`, so a recurrent state can be carried across batches (detached). The last batch
 * is shorter when `seqLen` does not divide `L`, unless `dropLast`. No randomness: the order is the corpus order.
 *
 * @example
 * ```ts
 * const stream = new BpttStream(ids, { batchSize: 20, seqLen: 35 });
 * for (const { inputs, targets } of stream) {
 *   // inputs, targets: int32 [20, 35] (the last may be shorter)
 * }
 * ```
 */
export class BpttStream implements Iterable<LanguageModelBatch> {
  /** Parallel streams. */
  readonly batchSize: number;
  /** Tokens per full batch. */
  readonly seqLen: number;
  /** Tokens in each stream (inputs; targets reach one further). */
  readonly streamLength: number;
  /** Whether a short last batch is left out. */
  readonly dropLast: boolean;
  private readonly ids: TokenIdArray;
  private readonly backend: string | undefined;

  /** @param tokens - the encoded corpus */
  constructor(tokens: TokenIdArray | readonly number[], options: BpttStreamOptions) {
    const fn = 'BpttStream';
    const opts = checkOptions(fn, options);
    this.batchSize = checkPositiveInt(fn, 'batchSize', opts.batchSize);
    const { ids, seqLen } = checkCorpusTokens(fn, tokens, opts.seqLen);
    this.streamLength = Math.floor((ids.length - 1) / this.batchSize);
    if (this.streamLength < 1) {
      throw new InvalidArgumentError(
        `${fn}: argument 'batchSize' must be at most ${ids.length - 1} for a corpus of ${ids.length} tokens (each stream needs 2 tokens); received ${this.batchSize}`,
      );
    }
    this.seqLen = seqLen;
    this.dropLast = checkBoolean(fn, 'dropLast', opts.dropLast ?? false);
    this.ids = ids;
    this.backend = opts.backend;
  }

  /** Batches per pass over the corpus. */
  get length(): number {
    return this.dropLast ? Math.floor(this.streamLength / this.seqLen) : Math.ceil(this.streamLength / this.seqLen);
  }

  /** Batch `index` (0-based): inputs `[batchSize, min(seqLen, L − index·seqLen)]` and the targets one token later. */
  batch(index: number): LanguageModelBatch {
    checkNonNegativeInt('BpttStream.batch', 'index', index);
    if (index >= this.length) {
      throw new InvalidArgumentError(`BpttStream.batch: argument 'index' must be below the number of batches (${this.length}); received ${index}`);
    }
    const start = index * this.seqLen;
    const width = Math.min(this.seqLen, this.streamLength - start);
    const offsets = new Int32Array(this.batchSize);
    for (let b = 0; b < this.batchSize; b++) offsets[b] = b * this.streamLength + start;
    const shape = [this.batchSize, width];
    return {
      inputs: tensor(gatherWindows(this.ids, offsets, width, 0), shape, { dtype: 'int32', backend: this.backend }),
      targets: tensor(gatherWindows(this.ids, offsets, width, 1), shape, { dtype: 'int32', backend: this.backend }),
      offsets,
    };
  }

  /** The batches in order, one pass over the corpus. */
  *[Symbol.iterator](): Iterator<LanguageModelBatch> {
    for (let i = 0; i < this.length; i++) yield this.batch(i);
  }
}

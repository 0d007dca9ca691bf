// Language-model batches of windows at seeded random corpus positions (nanoGPT's get_batch).
import { defaultGenerator, tensor, type Generator } from '@seqlab/tensor-core';
import { checkGenerator, checkOptions, checkPositiveInt } from '../validate.js';
import type { TokenIdArray } from '../encodedCorpus.js';
import { checkCorpusTokens, gatherWindows, type LanguageModelBatch } from './languageModelBatch.js';

/** Options of {@link randomWindows}. */
export interface RandomWindowsOptions {
  /** Windows per batch. */
  batchSize: number;
  /** Tokens per window; must be smaller than the corpus. */
  seqLen: number;
  /** Where window positions come from (it advances, so successive calls differ). Default `defaultGenerator()`. */
  generator?: Generator;
  /** Backend of the tensors; defaults to the active one. */
  backend?: string;
}

/**
 * A batch of `batchSize` windows of `seqLen` tokens starting at uniformly drawn positions in
 * `[0, N − seqLen − 1]`, with targets shifted by one token. Windows may overlap; every position is equally likely.
 *
 * @param tokens - the encoded corpus
 * @example
 * ```ts
 * const text = loadCorpus('tinyshakespeare').train;
 * const ids = CharTokenizer.fromText(text).encode(text);
 * const generator = new Generator(1337);
 * const { inputs, targets } = randomWindows(ids, { batchSize: 12, seqLen: 64, generator });
 * inputs.shape; // [12, 64]
 * ```
 */
export function randomWindows(tokens: TokenIdArray | readonly number[], options: RandomWindowsOptions): LanguageModelBatch {
  const fn = 'randomWindows';
  const opts = checkOptions(fn, options);
  const batchSize = checkPositiveInt(fn, 'batchSize', opts.batchSize);
  const { ids, seqLen } = checkCorpusTokens(fn, tokens, opts.seqLen);
  const generator = opts.generator === undefined ? defaultGenerator() : checkGenerator(fn, opts.generator);
  const lastStart = ids.length - seqLen - 1;
  const offsets = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) offsets[b] = generator.int(0, lastStart);
  const shape = [batchSize, seqLen];
  return {
    inputs: tensor(gatherWindows(ids, offsets, seqLen, 0), shape, { dtype: 'int32', backend: opts.backend }),
    targets: tensor(gatherWindows(ids, offsets, seqLen, 1), shape, { dtype: 'int32', backend: opts.backend }),
    offsets,
  };
}

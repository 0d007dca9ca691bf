// The batch type of language-model samplers and the checks they share.
import { InvalidArgumentError, type Tensor } from '@seqlab/tensor-core';
import type { TokenIdArray } from '../encodedCorpus.js';
import { checkPositiveInt, toTokenArray } from '../validate.js';

/** Next-token prediction batch: `targets[b, t]` is the token that follows `inputs[b, t]` in the corpus. */
export interface LanguageModelBatch {
  /** int32 `[batchSize, seqLen]` token ids. */
  readonly inputs: Tensor;
  /** int32 `[batchSize, seqLen]`: `inputs` shifted left by one token. */
  readonly targets: Tensor;
  /** Corpus position of each row's first input token. */
  readonly offsets: Int32Array;
}

/** The token ids and sequence length of a language-model sampler, checked against each other. */
export function checkCorpusTokens(fn: string, tokens: unknown, seqLen: unknown): { ids: TokenIdArray; seqLen: number } {
  // Narrow id arrays (a large corpus from encodeTextFile) are used as they are: copying one would multiply its memory.
  const ids = tokens instanceof Uint8Array || tokens instanceof Uint16Array ? tokens : toTokenArray(fn, 'tokens', tokens);
  if (ids.length === 0) throw new InvalidArgumentError(`${fn}: argument 'tokens' is an empty corpus; expected at least 2 tokens`);
  const len = checkPositiveInt(fn, 'seqLen', seqLen);
  if (len >= ids.length) {
    throw new InvalidArgumentError(
      `${fn}: argument 'seqLen' must be smaller than the corpus (${ids.length} tokens), since targets run one token further; received ${len}`,
    );
  }
  return { ids, seqLen: len };
}

/** Copies `rows` windows of `width` tokens starting at `offsets[r] + shift` into a fresh row-major buffer. */
export function gatherWindows(ids: TokenIdArray, offsets: Int32Array, width: number, shift: number): Int32Array {
  const out = new Int32Array(offsets.length * width);
  for (let r = 0; r < offsets.length; r++) {
    const start = offsets[r] + shift;
    out.set(ids.subarray(start, start + width), r * width);
  }
  return out;
}

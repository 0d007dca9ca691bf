// Language-model yardstick: the cross-entropy of the unigram baseline in nats.
import { checkPositiveInt, InvalidArgumentError } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';

function checkIds(op: string, name: string, ids: ArrayLike<number>, vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (!Number.isInteger(v) || v < 0 || v >= vocabSize) {
      throw new InvalidArgumentError(`${op}: argument '${name}' must hold token ids in [0, ${vocabSize}); received ${describeValue(v)} at index ${i}`);
    }
  }
}

/**
 * Cross-entropy in nats of a unigram model fitted on `train` (add-one smoothed over `vocabSize` tokens) on
 * `heldOut`: the score a model that ignores context gets, and the bar a recurrent language model should clear.
 *
 * @example
 * ```ts
 * unigramCrossEntropy(tok.encode(corpus.train), tok.encode(corpus.validation), tok.vocabSize); // about 3.3–3.4 nats on Tiny Shakespeare
 * ```
 */
export function unigramCrossEntropy(train: ArrayLike<number>, heldOut: ArrayLike<number>, vocabSize: number): number {
  const op = 'unigramCrossEntropy';
  checkPositiveInt(op, 'vocabSize', vocabSize);
  if (heldOut.length === 0) throw new InvalidArgumentError(`${op}: argument 'heldOut' must hold at least one token; received 0`);
  checkIds(op, 'train', train, vocabSize);
  checkIds(op, 'heldOut', heldOut, vocabSize);
  const counts = new Float64Array(vocabSize).fill(1);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  const total = train.length + vocabSize;
  let nll = 0;
  for (let i = 0; i < heldOut.length; i++) nll -= Math.log(counts[heldOut[i]] / total);
  return nll / heldOut.length;
}

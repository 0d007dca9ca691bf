// Reading token ids handed to a decoder (arrays, typed arrays or int32 tensors) with typed errors for bad ids.
import { InvalidArgumentError, Tensor } from '@seqlab/tensor-core';
import { describeValue } from '../validate.js';

/** Token ids as accepted by the tokenizers' `decode`: an array, a typed array, or a tensor of any shape. */
export type TokenIds = ArrayLike<number> | Tensor;

/** The ids as a flat array-like, each checked to be an integer in `[0, vocabSize)`. */
export function readTokenIds(fn: string, ids: unknown, vocabSize: number): ArrayLike<number> {
  let flat: ArrayLike<number>;
  if (ids instanceof Tensor) {
    if (ids.dtype !== 'int32') {
      throw new InvalidArgumentError(`${fn}: argument 'ids' must be an int32 tensor; received a ${ids.dtype} tensor`);
    }
    flat = ids.dataSync();
  } else if (Array.isArray(ids) || ArrayBuffer.isView(ids)) {
    flat = ids as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError(`${fn}: argument 'ids' must be an array, a typed array or an int32 tensor; received ${describeValue(ids)}`);
  }
  for (let i = 0; i < flat.length; i++) {
    const id = flat[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new InvalidArgumentError(`${fn}: argument 'ids' holds ${describeValue(id)} at index ${i}; expected an integer id in [0, ${vocabSize - 1}]`);
    }
  }
  return flat;
}

// Softmax over keys with a prepared mask: masked keys get exactly zero weight and fully masked rows give zeros, not NaN.
import { add, softmax, where, type Tensor } from '@seqlab/tensor-core';
import { lowestOf, type PreparedMask } from './masks.js';

/**
 * `softmax(scores + bias)` over the last axis with `mask.masked` positions set to weight 0. A masked score is
 * replaced by the lowest finite value rather than −∞, so a row whose keys are all masked stays finite through
 * softmax (and its gradient); `fullRows` (from `fullyMaskedRows`) then sets such rows to exactly 0.
 */
export function maskedSoftmax(scores: Tensor, mask: PreparedMask, fullRows: Tensor | null): Tensor {
  let s = scores;
  if (mask.bias !== null) s = add(s, mask.bias);
  if (mask.masked !== null) s = where(mask.masked, lowestOf(scores.dtype), s);
  const p = softmax(s, -1);
  return fullRows === null ? p : where(fullRows, 0, p);
}

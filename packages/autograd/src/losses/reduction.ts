// The reduction option shared by every loss: 'mean', 'sum' or 'none', as PyTorch's `reduction=`.
import { InvalidArgumentError, mean, sum, type Tensor } from '@seqlab/tensor-core';

/** How a loss combines per-element values: their mean (default), their sum, or not at all. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Throws unless `reduction` is a valid {@link Reduction}. */
export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new InvalidArgumentError(`${op}: option 'reduction' must be 'mean', 'sum' or 'none'; received ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

/** Applies `reduction` to per-element losses. */
export function reduceLoss(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses) : mean(losses);
}

// Position-wise layers applied to the stacked rows of a `[..., features]` tensor.
import { reshape, type Tensor } from '@seqlab/tensor-core';

/**
 * `f` (a position-wise map of `[rows, features]` to `[rows, width]`, such as a Linear layer) applied to every row of
 * `x` at once: `x` is viewed as `[rows, features]` (a free reshape) and the result reshaped back to `[..., width]`.
 * A Linear layer on a batched `[B, L, E]` input otherwise records a batched product whose weight gradient is `B`
 * separate `[E, L]·[L, width]` products summed over the batch; on the rows it is one `[E, B·L]·[B·L, width]`
 * product, with no `[B, E, width]` intermediate.
 */
export function onRows(x: Tensor, f: (rows: Tensor) => Tensor): Tensor {
  if (x.rank <= 2) return f(x);
  const lead = x.shape.slice(0, -1);
  const y = f(reshape(x, [lead.reduce((a, b) => a * b, 1), x.shape[x.rank - 1]]));
  return reshape(y, [...lead, y.shape[1]]);
}

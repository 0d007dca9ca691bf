// Splitting a sequence tensor into its time steps with a gradient that costs O(T), not O(T²).
import { customOp } from '@seqlab/autograd';
import { reshape, split, stack, type Tensor } from '@seqlab/tensor-core';

const unbindOp = customOp<Tensor[]>({
  name: 'unbind',
  pureBackward: true,
  inputs: ['x'],
  forward: ([x]) => ({ outputs: split(x, 1, 0).map((piece) => reshape(piece, x.shape.slice(1))) }),
  // Slicing records one full-size padded gradient per step; stacking the step gradients once is linear.
  backward: (grads) => [stack(grads, 0)],
});

/** The entries of `x` along axis 0 as separate tensors (`torch.unbind(x, 0)`), differentiable. */
export function unbind(x: Tensor): Tensor[] {
  return unbindOp(x);
}

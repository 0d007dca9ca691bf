// Undoing broadcasting in a gradient: sum over the dimensions that broadcasting added or stretched.
import { reshape, shapesEqual, sum, type Shape, type Tensor } from '@seqlab/tensor-core';

/**
 * Reduces `grad` (of a broadcast result's shape) to `shape`, the shape of the input that was broadcast:
 * leading extra dimensions and dimensions where the input had size 1 are summed away.
 *
 * @example
 * ```ts
 * // The gradient of a [3] bias that was broadcast over a batch of 2 rows.
 * const g = sumToShape(ones([2, 3]), [3]);
 * console.assert(g.shape.join() === '3' && Array.from(g.dataSync()).join() === '2,2,2');
 * ```
 */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < grad.rank; d++) {
    if (d < lead || (shape[d - lead] === 1 && grad.shape[d] !== 1)) axes.push(d);
  }
  const summed = axes.length > 0 ? sum(grad, axes, true) : grad;
  return shapesEqual(summed.shape, shape) ? summed : reshape(summed, [...shape]);
}

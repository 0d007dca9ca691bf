// Softmax and log-softmax along one axis.
import type { DType } from '../dtype.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor, kernelOf, record, wrap } from './dispatch.js';

const FLOAT: readonly DType[] = ['float32', 'float64'];

function softmaxOp(op: 'softmax' | 'logSoftmax') {
  return (x: Tensor, axis = -1): Tensor => {
    checkTensor(op, 'x', x);
    checkDType(op, 'x', x, FLOAT);
    // A scalar has one implicit axis, as in PyTorch (softmax of a scalar is 1).
    const ax = x.rank === 0 && (axis === 0 || axis === -1) ? 0 : normalizeAxis(op, 'axis', axis, x.rank);
    const out = wrap(x.backend, kernelOf(x.backend, op)(x, ax), x.shape, x.dtype);
    return record(op, [x], out, { axis: ax });
  };
}

/**
 * `exp(x) / Σ exp(x)` along `axis` (default last), computed after subtracting the maximum so that large
 * inputs do not overflow, as `torch.softmax`.
 *
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]]));      // [[0.0900, 0.2447, 0.6652]]
 * softmax(tensor([[1000, 1001]]), 1); // [[0.2689, 0.7311]]
 * ```
 */
export const softmax: (x: Tensor, axis?: number) => Tensor = softmaxOp('softmax');

/**
 * `x - logSumExp(x)` along `axis` (default last): the log of {@link softmax}, accurate where softmax underflows.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([50, -50, 0])); // [0, -100, -50]
 * ```
 */
export const logSoftmax: (x: Tensor, axis?: number) => Tensor = softmaxOp('logSoftmax');

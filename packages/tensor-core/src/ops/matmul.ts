// Matrix product with NumPy rules (1-D operands, broadcast batch dimensions) and transpose flags.
import type { DType } from '../dtype.js';
import { DTypeMismatchError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkElementCount, describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDType, checkTensor, kernelOf, record, wrap } from './dispatch.js';
import { reshape } from './movement.js';
import { checkBoolean } from '../validate.js';

const FLOAT: readonly DType[] = ['float32', 'float64'];

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use the transpose of `a`'s last two dimensions. Ignored for a 1-D `a` (a vector is its own transpose). */
  transA?: boolean;
  /** Use the transpose of `b`'s last two dimensions. Ignored for a 1-D `b`. */
  transB?: boolean;
}

function checkFlag(name: string, value: unknown): boolean {
  return checkBoolean('matmul', name, value, false, 'option');
}

/**
 * Matrix product `op(a) · op(b)`, where `op` transposes the last two dimensions when `transA`/`transB` is set
 * (no copy is made; the kernel reads the operand transposed).
 *
 * Shapes follow `torch.matmul`: a 1-D `a` of length k acts as a `[1, k]` row and a 1-D `b` as a `[k, 1]`
 * column, with that dimension removed from the result; leading (batch) dimensions broadcast.
 *
 * @param a - float32 or float64 tensor of rank ≥ 1: `[..., m, k]` (`[..., k, m]` with `transA`)
 * @param b - same dtype and backend, rank ≥ 1: `[..., k, n]` (`[..., n, k]` with `transB`)
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]));         // [[17], [39]]
 * matmul(x, weight, { transB: true });                         // x · weightᵀ, a linear layer
 * matmul(tensor([1, 2]), tensor([3, 4])).item();               // 11 (dot product)
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`matmul: argument 'options' must be an object; received ${describe(options)}`);
  }
  let transA = checkFlag('transA', options.transA);
  let transB = checkFlag('transB', options.transB);
  const backend = backendOf('matmul', [a, b], ['a', 'b']);
  checkDType('matmul', 'a', a, FLOAT);
  if (a.dtype !== b.dtype) throw new DTypeMismatchError(`matmul: 'a' is ${a.dtype} but 'b' is ${b.dtype}; cast one with cast()`);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeMismatchError(
      `matmul: both operands must have at least 1 dimension; received 'a' of shape ${formatShape(a.shape)} and 'b' of shape ${formatShape(b.shape)}`,
    );
  }
  const aVector = a.rank === 1,
    bVector = b.rank === 1;
  if (aVector) transA = false;
  if (bVector) transB = false;
  const aShape = aVector ? [1, a.shape[0]] : a.shape;
  const bShape = bVector ? [b.shape[0], 1] : b.shape;
  const ar = aShape.length,
    br = bShape.length;
  const m = transA ? aShape[ar - 1] : aShape[ar - 2];
  const ka = transA ? aShape[ar - 2] : aShape[ar - 1];
  const kb = transB ? bShape[br - 1] : bShape[br - 2];
  const n = transB ? bShape[br - 2] : bShape[br - 1];
  if (ka !== kb) {
    throw new ShapeMismatchError(
      `matmul: contracted dimensions differ: 'a' of shape ${formatShape(a.shape)}${transA ? ' (transposed)' : ''} contributes ${ka} ` +
        `but 'b' of shape ${formatShape(b.shape)}${transB ? ' (transposed)' : ''} contributes ${kb}`,
    );
  }
  const batch = batchShape(a.shape, b.shape, aShape.slice(0, ar - 2), bShape.slice(0, br - 2));
  // Recorded on ≥2-D views (recorded reshapes) so the gradient rule only ever sees matrices.
  const a2 = aVector ? reshape(a, aShape) : a;
  const b2 = bVector ? reshape(b, bShape) : b;
  const outShape = checkElementCount('matmul', [...batch, m, n]);
  const out = record('matmul', [a2, b2], wrap(backend, kernelOf(backend, 'matmul')(a2, b2, transA, transB, outShape), outShape, a.dtype), { transA, transB });
  if (!aVector && !bVector) return out;
  return reshape(out, [...batch, ...(aVector ? [] : [m]), ...(bVector ? [] : [n])]);
}

/** Broadcast of the batch dimensions, or SHAPE_MISMATCH naming both full shapes. */
function batchShape(aFull: readonly number[], bFull: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeMismatchError(
        `matmul: batch dimensions ${formatShape(a)} of 'a' (shape ${formatShape(aFull)}) and ${formatShape(b)} of 'b' (shape ${formatShape(bFull)}) do not broadcast`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

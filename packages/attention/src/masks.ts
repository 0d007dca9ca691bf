// Attention masks: boolean (true = masked) and additive float masks, checked against the score shape and normalised.
import {
  add,
  cast,
  DTypeMismatchError,
  equal,
  formatShape,
  InvalidArgumentError,
  isFloatDType,
  logicalOr,
  min,
  reshape,
  ShapeMismatchError,
  Tensor,
  where,
  type DType,
  type Shape,
} from '@seqlab/tensor-core';

/**
 * A mask in the form the attention paths use: `masked` (bool, true = drop the key) and `bias` (a finite additive
 * float term), either of which may be absent. Both broadcast to the score shape `[..., L, S]`.
 */
export interface PreparedMask {
  /** Positions whose weight is forced to exactly 0, or null. */
  readonly masked: Tensor | null;
  /** Finite values added to the scaled scores, or null. */
  readonly bias: Tensor | null;
}

/** No mask at all. */
export const NO_MASK: PreparedMask = { masked: null, bias: null };

/** The most negative finite value of a float dtype: a masked score that softmax turns into an exact 0. */
export function lowestOf(dtype: DType): number {
  return dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
}

/** Throws SHAPE_MISMATCH unless `shape` broadcasts to `target` (right-aligned, each dim equal or 1). */
export function checkBroadcastsTo(op: string, arg: string, shape: Shape, target: Shape, targetName: string): void {
  const offset = target.length - shape.length;
  const ok = offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
  if (!ok) {
    throw new ShapeMismatchError(
      `${op}: argument '${arg}' of shape ${formatShape(shape)} does not broadcast to the ${targetName} shape ${formatShape(target)}`,
    );
  }
}

/**
 * Validates a user mask and splits it into {@link PreparedMask} form. A bool mask is taken as is; a float mask is
 * additive, and its `-Infinity` entries become boolean masked positions (so that a row of only `-Infinity` gives
 * zero weights instead of NaN). `scoresShape` is the shape the mask must broadcast to.
 */
export function prepareMask(
  op: string,
  arg: string,
  mask: Tensor | null | undefined,
  scoresShape: Shape,
  dtype: DType,
  targetName = 'attention scores',
): PreparedMask {
  if (mask === null || mask === undefined) return NO_MASK;
  if (!(mask instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument '${arg}' must be a bool or float Tensor; received ${typeof mask}`);
  checkBroadcastsTo(op, arg, mask.shape, scoresShape, targetName);
  if (mask.dtype === 'bool') return { masked: mask, bias: null };
  if (!isFloatDType(mask.dtype)) {
    throw new DTypeMismatchError(`${op}: argument '${arg}' must be bool (true = masked) or a float additive mask; received ${mask.dtype}`);
  }
  const values = mask.dataSync();
  let hasNegInf = false;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === -Infinity) {
      hasNegInf = true;
      break;
    }
  }
  const bias = mask.dtype === dtype ? mask : cast(mask, dtype);
  if (!hasNegInf) return { masked: null, bias };
  const masked = equal(bias, -Infinity);
  return { masked, bias: where(masked, 0, bias) };
}

/** Both masks together: a position is masked if either masks it; the biases add. */
export function combineMasks(a: PreparedMask, b: PreparedMask): PreparedMask {
  const masked = a.masked === null ? b.masked : b.masked === null ? a.masked : logicalOr(a.masked, b.masked);
  const bias = a.bias === null ? b.bias : b.bias === null ? a.bias : add(a.bias, b.bias);
  return { masked, bias };
}

/** A key padding mask `[B, S]` reshaped to broadcast against scores `[B, H, L, S]` (or `[B, L, S]` when `heads` is false). */
export function keyPaddingToScores(
  op: string,
  keyPaddingMask: Tensor | null | undefined,
  batch: number,
  keyLength: number,
  dtype: DType,
  heads = true,
): PreparedMask {
  if (keyPaddingMask === null || keyPaddingMask === undefined) return NO_MASK;
  if (!(keyPaddingMask instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: argument 'keyPaddingMask' must be a bool Tensor [batch, keyLength]; received ${typeof keyPaddingMask}`);
  }
  const expected = [batch, keyLength];
  if (keyPaddingMask.rank !== 2 || keyPaddingMask.shape[0] !== batch || keyPaddingMask.shape[1] !== keyLength) {
    throw new ShapeMismatchError(`${op}: argument 'keyPaddingMask' must have shape ${formatShape(expected)}; received ${formatShape(keyPaddingMask.shape)}`);
  }
  const shaped = reshape(keyPaddingMask, heads ? [batch, 1, 1, keyLength] : [batch, 1, keyLength]);
  return prepareMask(op, 'keyPaddingMask', shaped, heads ? [batch, 1, 1, keyLength] : [batch, 1, keyLength], dtype);
}

/**
 * Rows (over the last axis) in which every key is masked, as a bool tensor shaped like `masked` with a last
 * dimension of 1, or null when there are none (the common case, which then costs no extra op on the scores).
 */
export function fullyMaskedRows(masked: Tensor | null): Tensor | null {
  if (masked === null) return null;
  const rowMin = min(cast(masked, 'float32'), -1, true);
  const values = rowMin.dataSync();
  for (let i = 0; i < values.length; i++) if (values[i] > 0.5) return equal(rowMin, 1);
  return null;
}

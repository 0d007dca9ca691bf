// Regression and binary losses: mse, l1 and binary cross-entropy on logits.
import {
  abs,
  add,
  exp,
  formatShape,
  InvalidArgumentError,
  isFloatDType,
  log1p,
  mul,
  neg,
  relu,
  ShapeMismatchError,
  shapesEqual,
  square,
  sub,
  Tensor,
} from '@seqlab/tensor-core';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of the elementwise losses. */
export interface ElementwiseLossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

function checkPair(op: string, input: Tensor, target: Tensor): void {
  if (!(input instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'input' must be a Tensor; received ${typeof input}`);
  if (!(target instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'target' must be a Tensor; received ${typeof target}`);
  if (!isFloatDType(input.dtype)) throw new InvalidArgumentError(`${op}: argument 'input' must be float32 or float64; received ${input.dtype}`);
  // Silent broadcasting of a [N] target against [N, 1] predictions is a classic bug, so shapes must match.
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeMismatchError(`${op}: 'target' must have the shape of 'input' ${formatShape(input.shape)}; received ${formatShape(target.shape)}`);
  }
}

/**
 * Mean squared error `(input − target)²`, as `torch.nn.functional.mse_loss`.
 *
 * @example
 * ```ts
 * const loss = mseLoss(tensor([1, 2, 3]), tensor([2, 2, 5])); // (1 + 0 + 4) / 3
 * console.assert(Math.abs(loss.item() - 5 / 3) < 1e-6);
 * console.assert(mseLoss(tensor([1, 2]), tensor([0, 0]), { reduction: 'sum' }).item() === 5);
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ElementwiseLossOptions = {}): Tensor {
  checkPair('mseLoss', input, target);
  return reduceLoss(square(sub(input, target)), checkReduction('mseLoss', options.reduction ?? 'mean'));
}

/**
 * Mean absolute error `|input − target|`, as `torch.nn.functional.l1_loss`.
 *
 * @example
 * ```ts
 * const loss = l1Loss(tensor([1, 2, 3]), tensor([2, 2, 5])); // (1 + 0 + 2) / 3
 * console.assert(loss.item() === 1);
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: ElementwiseLossOptions = {}): Tensor {
  checkPair('l1Loss', input, target);
  return reduceLoss(abs(sub(input, target)), checkReduction('l1Loss', options.reduction ?? 'mean'));
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyOptions extends ElementwiseLossOptions {
  /** Weight of the positive term, broadcast over the last dimension (one per class), as `pos_weight`. */
  posWeight?: Tensor;
  /** Per-element rescaling weight, broadcast against the input, as `weight`. */
  weight?: Tensor;
}

/**
 * Binary cross-entropy of logits against targets in [0, 1], as `binary_cross_entropy_with_logits`, in the stable
 * form `(1 − t)·x + l·(log(1 + e^−|x|) + max(−x, 0))` with `l = 1 + (posWeight − 1)·t`.
 *
 * @example
 * ```ts
 * // At logit 0 the loss is log 2 whatever the target.
 * const loss = binaryCrossEntropyWithLogits(tensor([0, 0]), tensor([1, 0]));
 * console.assert(Math.abs(loss.item() - Math.LN2) < 1e-6);
 * const perElement = binaryCrossEntropyWithLogits(tensor([5, -5]), tensor([1, 0]), { reduction: 'none' }); // both ≈ 0.0067
 * console.assert(perElement.shape[0] === 2 && perElement.dataSync()[0] < 0.01);
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkPair(op, input, target);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const softplusNeg = add(log1p(exp(neg(abs(input)))), relu(neg(input)));
  const logWeight = options.posWeight === undefined ? null : add(mul(sub(options.posWeight, 1), target), 1);
  let losses = add(mul(sub(1, target), input), logWeight === null ? softplusNeg : mul(logWeight, softplusNeg));
  if (options.weight !== undefined) losses = mul(losses, options.weight);
  return reduceLoss(losses, reduction);
}

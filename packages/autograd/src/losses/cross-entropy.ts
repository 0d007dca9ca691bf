// Classification losses: nllLoss on log-probabilities and crossEntropy on logits (logSoftmax + gather, or the backend's fused kernels).
import {
  DTypeMismatchError,
  div,
  formatShape,
  InvalidArgumentError,
  logSoftmax,
  mul,
  neg,
  reshape,
  ShapeMismatchError,
  shapesEqual,
  sum,
  takeAlongAxis,
  Tensor,
  tensor,
  add,
  isFloatDType,
} from '@seqlab/tensor-core';
import { classAxisOf, prepareClassTargets } from './class-targets.js';
import { fusedCrossEntropyKernelsFor, fusedRowLosses } from './fused-cross-entropy.js';
import { checkReduction, type Reduction } from './reduction.js';

/** Options of {@link nllLoss}. */
export interface NllLossOptions {
  /** 'mean' (default; divides by the total weight of the non-ignored targets), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Target value that contributes nothing (and is not counted by 'mean'). Default -100. */
  ignoreIndex?: number;
  /** One weight per class, as PyTorch's `weight=`. */
  weight?: Tensor;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Label smoothing ε in [0, 1]: targets become (1−ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** `-w_t · logp[target]` per sample, reduced; shared by nllLoss and crossEntropy. */
function negativeLogLikelihood(op: string, logp: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new InvalidArgumentError(`${op}: option 'labelSmoothing' must be in [0, 1]; received ${String(smoothing)}`);
  }
  const prepared = prepareClassTargets(op, logp, target, options.ignoreIndex ?? -100, options.weight);
  const axis = classAxisOf(logp);
  const classes = logp.shape[axis];
  const picked = reshape(takeAlongAxis(logp, prepared.indices, axis), [...target.shape]);
  let losses = neg(mul(picked, prepared.sampleWeights));
  if (smoothing > 0) {
    // ε/C · Σ_c w_c·(−logp_c), on non-ignored samples only (PyTorch's formula, class weights included).
    const weighted =
      prepared.classWeights === null
        ? logp
        : mul(
            logp,
            reshape(
              tensor(prepared.classWeights, [classes], { dtype: logp.dtype, backend: logp.backendName }),
              logp.shape.map((d, k) => (k === axis ? d : 1)),
            ),
          );
    const smooth = mul(neg(sum(weighted, axis)), prepared.valid);
    losses = add(mul(losses, 1 - smoothing), mul(smooth, smoothing / classes));
  }
  return reduced(losses, reduction, prepared.weightSum);
}

/** Per-sample `losses` reduced: as they are ('none'), summed, or summed over `weightSum` ('mean'). */
function reduced(losses: Tensor, reduction: Reduction, weightSum: number): Tensor {
  if (reduction === 'none') return losses;
  const total = sum(losses);
  return reduction === 'sum' ? total : div(total, weightSum);
}

/**
 * Negative log-likelihood of class indices, as `torch.nn.functional.nll_loss`: `input` holds log-probabilities
 * `[N, C]` (or `[C]`, or `[N, C, d1, ...]`), `target` int32 class indices of the input's shape without the class axis.
 *
 * @example
 * ```ts
 * const logProbs = log(tensor([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]]));
 * const loss = nllLoss(logProbs, tensor([0, 1], undefined, 'int32')); // −(log 0.5 + log 0.8) / 2
 * console.assert(Math.abs(loss.item() + (Math.log(0.5) + Math.log(0.8)) / 2) < 1e-6);
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  return negativeLogLikelihood('nllLoss', input, target, options);
}

/**
 * Cross-entropy of logits against class indices, as `torch.nn.functional.cross_entropy`: `logSoftmax` over the
 * class axis (1, or 0 for a single `[C]` sample) followed by the negative log-likelihood, with `ignoreIndex`
 * (default -100; 'mean' divides by the number of non-ignored targets), class `weight`, `labelSmoothing` and
 * `reduction` ('mean', 'sum' or 'none').
 * `target` may instead be a float tensor of class probabilities shaped like `input` (soft labels). `[N, C]` logits
 * against class indices without label smoothing run on the backend's fused kernels where it has them (one pass per
 * row, no `[N, C]` log-probabilities kept for the backward pass), as PyTorch fuses the two.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0.5, -1], [0, 1, 0]]);
 * const loss = crossEntropy(logits, tensor([0, 1], undefined, 'int32')); // scalar
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  if (!(input instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'input' must be a Tensor; received ${typeof input}`);
  if (!isFloatDType(input.dtype)) throw new DTypeMismatchError(`${op}: argument 'input' must be float32 or float64; received ${input.dtype}`);
  if (input.rank === 0) throw new ShapeMismatchError(`${op}: argument 'input' must be [C], [N, C] or [N, C, d1, ...]; received a scalar`);
  const axis = classAxisOf(input);
  if (target instanceof Tensor && isFloatDType(target.dtype)) return softTargetLoss(op, logSoftmax(input, axis), target, axis, options);
  // [N, C] logits without label smoothing run on the backend's fused kernels where it has them.
  const kernels = (options.labelSmoothing ?? 0) === 0 ? fusedCrossEntropyKernelsFor(input) : null;
  if (kernels === null) return negativeLogLikelihood(op, logSoftmax(input, axis), target, options);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const prepared = prepareClassTargets(op, input, target, options.ignoreIndex ?? -100, options.weight);
  return reduced(fusedRowLosses(kernels, input, prepared), reduction, prepared.weightSum);
}

/** Cross-entropy against class probabilities: −Σ_c w_c·t_c·logp_c per sample; 'mean' divides by the sample count. */
function softTargetLoss(op: string, logp: Tensor, target: Tensor, axis: number, options: CrossEntropyOptions): Tensor {
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  if (!shapesEqual(target.shape, logp.shape) || target.dtype !== logp.dtype) {
    throw new ShapeMismatchError(
      `${op}: probability targets must be a ${logp.dtype} tensor shaped like 'input' ${formatShape(logp.shape)}; received a ${target.dtype} tensor of shape ${formatShape(target.shape)}`,
    );
  }
  const classes = logp.shape[axis];
  const smoothing = options.labelSmoothing ?? 0;
  const t = smoothing > 0 ? add(mul(target, 1 - smoothing), smoothing / classes) : target;
  let weighted = mul(t, logp);
  if (options.weight !== undefined)
    weighted = mul(
      weighted,
      reshape(
        options.weight,
        logp.shape.map((d, k) => (k === axis ? d : 1)),
      ),
    );
  const losses = neg(sum(weighted, axis));
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses) : div(sum(losses), losses.size);
}

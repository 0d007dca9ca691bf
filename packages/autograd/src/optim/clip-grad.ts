// Gradient clipping by total norm (returning the norm before clipping) and by value, as torch.nn.utils.
import { abs, clamp, InvalidArgumentError, max, mul, pow, sum, square, type Tensor } from '@seqlab/tensor-core';
import { noGrad } from '../engine/grad-mode.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm (Infinity for the max-norm). Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

function withGrads(op: string, params: Iterable<Tensor>): Tensor[] {
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new InvalidArgumentError(`${op}: argument 'params' must be an iterable of tensors`);
  }
  return [...params].filter((p) => p.grad !== null);
}

/**
 * Scales the gradients of `params` in place so that their total norm (over all gradients together) is at most
 * `maxNorm`, as `clip_grad_norm_`: the coefficient is `maxNorm / (total + 1e-6)`, clamped to 1.
 *
 * @returns the total norm of the gradients before clipping
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const normType = options.normType ?? 2;
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new InvalidArgumentError(`clipGradNorm: argument 'maxNorm' must be a non-negative number; received ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0))
    throw new InvalidArgumentError(`clipGradNorm: option 'normType' must be a positive number or Infinity; received ${String(normType)}`);
  const grads = withGrads('clipGradNorm', params);
  if (grads.length === 0) return 0;
  return noGrad(() => {
    let total = 0;
    if (normType === Infinity) for (const p of grads) total = Math.max(total, max(abs(p.grad as Tensor)).item());
    else {
      // Per-tensor sums are read back once each and combined in float64.
      for (const p of grads) {
        const g = p.grad as Tensor;
        total += (normType === 2 ? sum(square(g)) : sum(pow(abs(g), normType))).item();
      }
      total = normType === 2 ? Math.sqrt(total) : total ** (1 / normType);
    }
    if (options.errorIfNonfinite && !Number.isFinite(total)) {
      throw new InvalidArgumentError(
        `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}; set errorIfNonfinite to false to clip anyway`,
      );
    }
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const p of grads) p.grad = mul(p.grad as Tensor, coef);
    return total;
  });
}

/**
 * Clamps every gradient element of `params` to `[−clipValue, clipValue]`, as `clip_grad_value_`.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2]).requiresGrad_();
 * sum(mul(w, tensor([10, -0.5]))).backward(); // grad [10, -0.5]
 * clipGradValue([w], 1);
 * console.assert(Array.from(w.grad!.dataSync()).join() === '1,-0.5');
 * ```
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new InvalidArgumentError(`clipGradValue: argument 'clipValue' must be a non-negative number; received ${String(clipValue)}`);
  }
  const grads = withGrads('clipGradValue', params);
  noGrad(() => {
    for (const p of grads) p.grad = clamp(p.grad as Tensor, -clipValue, clipValue);
  });
}

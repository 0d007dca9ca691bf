// The opt-in non-finite guard: find the first parameter whose gradient holds NaN or ±Infinity, and skip the step.
import { InvalidArgumentError, mul, sum, type Tensor } from '@seqlab/tensor-core';
import { noGrad } from '../engine/grad-mode.js';
import { Module } from '../nn/module.js';
import type { Hyperparameters, Optimizer } from './optimizer.js';

/** The first parameter found with a non-finite gradient. */
export interface NonFiniteGrad {
  /** Its name (state dict name for a Module, position otherwise). */
  readonly name: string;
  /** The parameter. */
  readonly parameter: Tensor;
}

function namedOf(source: Module | Iterable<[string, Tensor]> | Iterable<Tensor>): [string, Tensor][] {
  if (source instanceof Module) return source.namedParameters();
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source)) {
    throw new InvalidArgumentError(`findNonFiniteGrad: argument 'source' must be a Module or an iterable of parameters`);
  }
  return [...(source as Iterable<[string, Tensor] | Tensor>)].map((e, i) => (Array.isArray(e) ? (e as [string, Tensor]) : [String(i), e as Tensor]));
}

/**
 * Checks gradients after `backward()`: returns the first parameter (in registration order) whose gradient holds
 * NaN or ±Infinity, or null when all are finite. One scalar per parameter is read back (Σ g·0 is NaN exactly
 * when g holds a non-finite value), so the check works the same on every backend.
 *
 * @example
 * ```ts
 * const model = new Linear(2, 1);
 * mseLoss(model.forward(ones([1, 2])), zeros([1, 1])).backward();
 * console.assert(findNonFiniteGrad(model) === null);
 * model.bias!.grad = tensor([NaN]);
 * console.assert(findNonFiniteGrad(model)?.name === 'bias');
 * ```
 */
export function findNonFiniteGrad(source: Module | Iterable<[string, Tensor]> | Iterable<Tensor>): NonFiniteGrad | null {
  return noGrad(() => {
    for (const [name, p] of namedOf(source)) {
      if (p.grad === null) continue;
      if (Number.isNaN(sum(mul(p.grad, 0)).item())) return { name, parameter: p };
    }
    return null;
  });
}

/**
 * Steps `optimizer` only when every gradient of `model` is finite. Otherwise the step is skipped, parameters and
 * optimizer state are untouched, the gradients are cleared, and the offending parameter is returned so the caller
 * can log it (and, for example, lower the learning rate).
 *
 * @example
 * ```ts
 * loss.backward();
 * const bad = stepIfFinite(optimizer, model);
 * if (bad) console.warn(`skipped a step: non-finite gradient in ${bad.name}`);
 * ```
 */
export function stepIfFinite(optimizer: Optimizer<Hyperparameters>, model: Module | Iterable<[string, Tensor]>): NonFiniteGrad | null {
  const bad = findNonFiniteGrad(model);
  if (bad === null) (optimizer as Optimizer<Hyperparameters>).step();
  else (optimizer as Optimizer<Hyperparameters>).zeroGrad();
  return bad;
}

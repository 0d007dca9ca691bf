// Autograd methods on tensor-core's Tensor (backward, requiresGrad_, detach), added by module augmentation and a prototype patch.
import { DTypeMismatchError, InvalidArgumentError, isFloatDType, Tensor } from '@seqlab/tensor-core';
import { backward, type BackwardOptions } from './backward.js';
import { nodeOf } from './grad-node.js';

declare module '@seqlab/tensor-core' {
  interface Tensor {
    /**
     * Differentiates this tensor (usually a scalar loss) and accumulates gradients into the leaves' `.grad`;
     * see {@link backward}. Added by `@seqlab/autograd`.
     */
    backward(seedGrad?: Tensor | null, options?: BackwardOptions): void;
    /**
     * Marks this leaf tensor as requiring gradients (or not) and returns it, as `tensor.requires_grad_()`.
     * Only float tensors can require gradients. Added by `@seqlab/autograd`.
     */
    requiresGrad_(flag?: boolean): this;
    /**
     * A tensor with the same values (sharing storage) that is cut from the graph and does not require
     * gradients, as `tensor.detach()`. Added by `@seqlab/autograd`.
     */
    detach(): Tensor;
  }
}

/**
 * Marks a leaf as requiring gradients; see `Tensor.requiresGrad_`.
 *
 * @example
 * ```ts
 * const w = setRequiresGrad(zeros([3])); // as zeros([3]).requiresGrad_()
 * console.assert(w.requiresGrad);
 * ```
 */
export function setRequiresGrad<T extends Tensor>(t: T, flag = true): T {
  if (typeof flag !== 'boolean') {
    throw new InvalidArgumentError(`requiresGrad_: argument 'flag' must be a boolean; received ${typeof flag}`);
  }
  if (nodeOf(t) !== null && !flag) {
    throw new InvalidArgumentError(
      `requiresGrad_: tensor #${t.id} is the result of an op on the graph; use detach() to get a copy that does not require gradients`,
    );
  }
  if (flag && !isFloatDType(t.dtype)) {
    throw new DTypeMismatchError(`requiresGrad_: only float tensors can require gradients; received a ${t.dtype} tensor`);
  }
  t.requiresGrad = flag;
  return t;
}

/**
 * A graph-free view of `t`'s values; see `Tensor.detach`.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2]).requiresGrad_();
 * const y = detach(mul(w, 3)); // the values, cut from the graph
 * console.assert(!y.requiresGrad && Array.from(y.dataSync()).join() === '3,6');
 * ```
 */
export function detach(t: Tensor): Tensor {
  // A view shares the immutable storage and starts with no gradNode and requiresGrad false.
  return t.alias();
}

/** Adds the methods to `Tensor.prototype` (idempotent); done when `@seqlab/autograd` is imported. */
export function installTensorMethods(): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  const methods: Record<string, unknown> = {
    backward(this: Tensor, seedGrad?: Tensor | null, options?: BackwardOptions): void {
      backward(this, seedGrad, options);
    },
    requiresGrad_(this: Tensor, flag = true): Tensor {
      return setRequiresGrad(this, flag);
    },
    detach(this: Tensor): Tensor {
      return detach(this);
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}

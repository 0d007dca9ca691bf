// The shape of a gradient rule: what a rule receives about the recorded op and what it returns.
import type { OpAttrs, OpName, Tensor } from '@seqlab/tensor-core';

/** What a gradient rule knows about the op it differentiates. */
export interface GradContext<K extends OpName> {
  /** The op's inputs, as recorded. */
  readonly inputs: readonly Tensor[];
  /** The op's output (rules such as exp, tanh and softmax reuse it instead of recomputing). */
  readonly output: Tensor;
  /** The attributes the front-end recorded (axes, flags, ...). */
  readonly attrs: OpAttrs[K];
  /** `needsGrad[i]` is false when input `i` does not require gradients; a rule may skip it and return null. */
  readonly needsGrad: readonly boolean[];
}

/**
 * Gradient rule of op `K`: given `grad`, the gradient of the loss with respect to the op's output, returns
 * one gradient per input (same shape and dtype as that input), or null where there is none.
 * Rules run with recording off and are written with public tensor-core ops, so every backend gets them.
 */
export type GradRule<K extends OpName> = (grad: Tensor, ctx: GradContext<K>) => readonly (Tensor | null)[];

/** A table of rules for a family of ops; the full table over every `OpName` must be complete to compile. */
export type GradRules<K extends OpName> = { readonly [P in K]: GradRule<P> };

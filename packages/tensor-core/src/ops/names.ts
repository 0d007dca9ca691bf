// The op set: every op that records on the autograd tape, with the attributes its gradient rule needs.
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';

/** Elementwise unary ops without attributes. */
export type UnaryOpName =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'sin'
  | 'cos'
  | 'square'
  | 'reciprocal'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round';

/** Elementwise binary ops with NumPy broadcasting; the result has the inputs' dtype. */
export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Elementwise comparisons with broadcasting; the result is a `bool` mask. */
export type CompareOpName = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

/** Elementwise logic on `bool` tensors. */
export type LogicalOpName = 'logicalAnd' | 'logicalOr' | 'logicalXor';

/** Reductions over a set of axes. */
export type ReduceOpName = 'sum' | 'max' | 'min' | 'prod';

/** Attributes of a reduction: sorted non-negative axes and whether they are kept as size 1. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/**
 * Every op that records on the autograd tape, mapped to the attributes its gradient rule receives.
 * Composite ops (mean, var, logSumExp, squeeze, stack, split, ...) are built from these and need no rule.
 * `@seqlab/autograd` keeps one rule per key in a mapped type, so adding an op here without a rule fails to compile.
 */
export interface OpAttrs
  extends Record<UnaryOpName | BinaryOpName | CompareOpName | LogicalOpName, Record<string, never>>,
    Record<ReduceOpName, ReduceAttrs> {
  logicalNot: Record<string, never>;
  gelu: { readonly approximate: 'none' | 'tanh' };
  clamp: { readonly min: number; readonly max: number };
  where: Record<string, never>;
  argmax: { readonly axis: number; readonly keepDims: boolean };
  argmin: { readonly axis: number; readonly keepDims: boolean };
  softmax: { readonly axis: number };
  logSoftmax: { readonly axis: number };
  matmul: { readonly transA: boolean; readonly transB: boolean };
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  expand: { readonly shape: Shape };
  slice: { readonly begin: readonly number[]; readonly size: readonly number[] };
  concat: { readonly axis: number };
  pad: { readonly pads: readonly (readonly [number, number])[]; readonly value: number };
  flip: { readonly axes: readonly number[] };
  tril: { readonly k: number };
  triu: { readonly k: number };
  gather: { readonly axis: number };
  scatterAdd: { readonly axis: number };
  oneHot: { readonly depth: number };
  cast: { readonly dtype: DType };
}

/** Name of an op that records on the tape. */
export type OpName = keyof OpAttrs;

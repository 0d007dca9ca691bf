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
  /** Sorted, non-negative reduced axes. */
  readonly axes: readonly number[];
  /** Whether reduced axes are kept with size 1. */
  readonly keepDims: boolean;
}

/** Attributes of ops that take none. */
export type NoAttrs = Record<string, never>;

/** Attributes of an op along one axis. */
export interface AxisAttrs {
  /** The non-negative axis. */
  readonly axis: number;
}

/** Attributes of `argmax` / `argmin`. */
export interface ArgReduceAttrs extends AxisAttrs {
  /** Whether the reduced axis is kept with size 1. */
  readonly keepDims: boolean;
}

/** Attributes of ops that produce a given shape (`reshape`, `expand`). */
export interface ShapeAttrs {
  /** The output shape. */
  readonly shape: Shape;
}

/** Attributes of `tril` / `triu`. */
export interface DiagonalAttrs {
  /** Diagonal offset: 0 is the main diagonal, positive above it. */
  readonly k: number;
}

/** The elementwise ops (unary, binary, comparison, logical) in {@link OpAttrs}. */
export type ElementwiseOpAttrs = {
  /** No attributes: the gradient rule needs only the inputs and the output. */
  [K in UnaryOpName | BinaryOpName | CompareOpName | LogicalOpName]: NoAttrs;
};

/** The reductions in {@link OpAttrs}. */
export type ReduceOpAttrs = {
  /** The reduced axes and whether they were kept. */
  [K in ReduceOpName]: ReduceAttrs;
};

/**
 * Every op that records on the autograd tape, mapped to the attributes its gradient rule receives.
 * Composite ops (mean, var, logSumExp, squeeze, stack, split, ...) are built from these and need no rule.
 * `@seqlab/autograd` keeps one rule per key in a mapped type, so adding an op here without a rule fails to compile.
 */
export interface OpAttrs extends ElementwiseOpAttrs, ReduceOpAttrs {
  /** Elementwise NOT of a bool mask. */
  logicalNot: NoAttrs;
  /** GELU in the exact (`none`) or `tanh` form. */
  gelu: {
    /** Which form of GELU. */
    readonly approximate: 'none' | 'tanh';
  };
  /** Clamp to `[min, max]`. */
  clamp: {
    /** Lower bound (may be -Infinity). */
    readonly min: number;
    /** Upper bound (may be Infinity). */
    readonly max: number;
  };
  /** `cond ? a : b`; inputs are `[cond, a, b]`. */
  where: NoAttrs;
  /** Index of the maximum along an axis. */
  argmax: ArgReduceAttrs;
  /** Index of the minimum along an axis. */
  argmin: ArgReduceAttrs;
  /** Softmax along an axis. */
  softmax: AxisAttrs;
  /** Log-softmax along an axis. */
  logSoftmax: AxisAttrs;
  /** Batched matrix product with transpose flags. */
  matmul: {
    /** Whether the first operand's last two dims are transposed. */
    readonly transA: boolean;
    /** Whether the second operand's last two dims are transposed. */
    readonly transB: boolean;
  };
  /** A view under a new shape. */
  reshape: ShapeAttrs;
  /** Axis permutation (`permute` and `transpose`). */
  transpose: {
    /** Output axis i is input axis `perm[i]`. */
    readonly perm: readonly number[];
  };
  /** Broadcast to a larger shape of the same rank. */
  expand: ShapeAttrs;
  /** A box of the input. */
  slice: {
    /** Start index per axis. */
    readonly begin: readonly number[];
    /** Resolved size per axis. */
    readonly size: readonly number[];
  };
  /** Join along an axis. */
  concat: AxisAttrs;
  /** Constant padding. */
  pad: {
    /** `[before, after]` per axis, one pair for every axis. */
    readonly pads: readonly (readonly [number, number])[];
    /** The fill value. */
    readonly value: number;
  };
  /** Reverse along axes. */
  flip: {
    /** The reversed axes. */
    readonly axes: readonly number[];
  };
  /** Lower triangle of the last two dims. */
  tril: DiagonalAttrs;
  /** Upper triangle of the last two dims. */
  triu: DiagonalAttrs;
  /** Gather along an axis; inputs are `[x, indices]`. */
  gather: AxisAttrs;
  /** Scatter-add along an axis; inputs are `[x, indices, updates]`. */
  scatterAdd: AxisAttrs;
  /** One-hot encoding of int32 indices. */
  oneHot: {
    /** Number of classes. */
    readonly depth: number;
  };
  /** Conversion to another dtype. */
  cast: {
    /** The target dtype. */
    readonly dtype: DType;
  };
}

/** Name of an op that records on the tape. */
export type OpName = keyof OpAttrs;

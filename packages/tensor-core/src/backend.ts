// The Backend interface: storage management plus a table of kernels named like the ops that call them.
import type { DType, TypedArray } from './dtype.js';
import type { BinaryOpName, CompareOpName, LogicalOpName, ReduceOpName, UnaryOpName } from './ops/names.js';
import type { Shape } from './shape.js';
import type { FusedAdamStep } from './fused-adam.js';
import type { FusedAttentionBackwardKernel, FusedAttentionKernel } from './fused-attention.js';
import type { CrossEntropyBackwardKernel, CrossEntropyKernel } from './fused-cross-entropy.js';
import type { GeluBackwardKernel } from './fused-gelu.js';
import type { AddLayerNormKernel, LayerNormBackwardKernel, LayerNormKernel } from './fused-layer-norm.js';
import type { FeedForwardBackwardKernel, FeedForwardKernel, LinearBackwardKernel, LinearKernel } from './fused-linear.js';
import type { GruSequenceBackwardKernel, GruSequenceKernel, LstmSequenceBackwardKernel, LstmSequenceKernel } from './fused-recurrent.js';

/** A backend's opaque handle to a tensor's storage (a typed array on the CPU backend). */
export type DataHandle = unknown;

/** What a kernel sees of an input tensor: its storage handle, shape, dtype and element count. */
export interface TensorInfo {
  /** The backend's storage handle. */
  readonly handle: DataHandle;
  /** Dimension sizes (row-major, contiguous). */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /**
   * The viewing tensor's version counter (`Tensor.version`, bumped by every in-place change), when the info is a
   * tensor: backends that keep derived copies of a storage across calls (packed weights) compare it to notice changes.
   */
  readonly version?: number;
}

/** One kernel per elementwise unary op (see {@link UnaryOpName}). */
export type UnaryKernels = {
  /** Applies the op to every element of `x`; the result has `x`'s shape and dtype. */
  [K in UnaryOpName]: (x: TensorInfo) => DataHandle;
};

/**
 * Kernels every complete backend provides. Each returns the handle of a new storage holding the result;
 * the op front-end has already validated arguments and computed the output shape and dtype.
 */
export interface Kernels extends UnaryKernels {
  /** GELU in the exact (erf) or tanh form. */
  gelu(x: TensorInfo, approximate: 'none' | 'tanh'): DataHandle;
  /** Elementwise clamp to `[min, max]`. */
  clamp(x: TensorInfo, min: number, max: number): DataHandle;
  /** Elementwise `op` of `a` and `b` broadcast to `outShape`; result dtype is `a.dtype`. */
  binary(op: BinaryOpName, a: TensorInfo, b: TensorInfo, outShape: Shape): DataHandle;
  /** Elementwise comparison broadcast to `outShape`; result dtype `bool`. */
  compare(op: CompareOpName, a: TensorInfo, b: TensorInfo, outShape: Shape): DataHandle;
  /** Elementwise logic of two `bool` tensors broadcast to `outShape`. */
  logical(op: LogicalOpName, a: TensorInfo, b: TensorInfo, outShape: Shape): DataHandle;
  /** Elementwise NOT of a `bool` tensor. */
  logicalNot(x: TensorInfo): DataHandle;
  /** `cond ? a : b` broadcast to `outShape`; `cond` is `bool`. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataHandle;
  /** Reduces sorted, non-empty `axes`; the result has those axes removed. */
  reduce(op: ReduceOpName, x: TensorInfo, axes: readonly number[]): DataHandle;
  /** Index of the maximum (first on ties) along `axis`, removed from the shape; int32. */
  argmax(x: TensorInfo, axis: number): DataHandle;
  /** Index of the minimum (first on ties) along `axis`, removed from the shape; int32. */
  argmin(x: TensorInfo, axis: number): DataHandle;
  /** Numerically stable softmax along `axis`. */
  softmax(x: TensorInfo, axis: number): DataHandle;
  /** Numerically stable log-softmax along `axis`. */
  logSoftmax(x: TensorInfo, axis: number): DataHandle;
  /**
   * Batched matrix product. `a` is `[...batchA, m, k]` (or `[..., k, m]` when `transA`), `b` is
   * `[...batchB, k, n]` (or `[..., n, k]` when `transB`); batch dimensions broadcast to `outShape`'s leading dims.
   */
  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, outShape: Shape): DataHandle;
  /** Copy with axes permuted: output axis i is input axis `perm[i]`. */
  transpose(x: TensorInfo, perm: readonly number[]): DataHandle;
  /** Broadcasts `x` to `shape` (same rank, size-1 dims repeated) as a new contiguous storage. */
  expand(x: TensorInfo, shape: Shape): DataHandle;
  /** The box starting at `begin` with extent `size` (both already resolved and in range). */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle;
  /** Joins `xs` (same shape but for `axis`) along `axis`. */
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataHandle;
  /** Constant padding with one non-negative `[before, after]` pair per axis. */
  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle;
  /** Reverses the order of elements along `axes`. */
  flip(x: TensorInfo, axes: readonly number[]): DataHandle;
  /** Keeps the lower (`upper` false) or upper triangle of the last two dims relative to diagonal `k`; zeroes the rest. */
  triangle(x: TensorInfo, k: number, upper: boolean): DataHandle;
  /** `out = x.shape[:axis] + indices.shape + x.shape[axis+1:]`, indices int32 and already range-checked. */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): DataHandle;
  /** Copy of `x` with `updates` (shaped like a gather result) added at `indices` along `axis`, duplicates summed. */
  scatterAdd(x: TensorInfo, indices: TensorInfo, updates: TensorInfo, axis: number): DataHandle;
  /** int32 indices to a float32 one-hot tensor with a new last axis of `depth`. */
  oneHot(indices: TensorInfo, depth: number): DataHandle;
  /** Converts to `dtype` (float to int32 by {@link truncToInt32}: toward zero, saturating, NaN → 0; nonzero to bool is true). */
  cast(x: TensorInfo, dtype: DType): DataHandle;
}

/** Name of a kernel in {@link Kernels}. */
export type KernelName = keyof Kernels;

/**
 * The closed set of fused kernels for hot paths, each optional per backend. An op that has one runs it through
 * `fusedKernel(backend, name)` when the backend offers it (and fused paths are on), and its composed reference
 * otherwise; both give the same numbers within float rounding. Each kernel's contract is documented on its type.
 */
export interface FusedKernels {
  /** Forward pass of a one-direction LSTM layer over a whole sequence; see {@link LstmSequenceKernel}. */
  lstmSequence?: LstmSequenceKernel;
  /** Its backpropagation through time; see {@link LstmSequenceBackwardKernel}. */
  lstmSequenceBackward?: LstmSequenceBackwardKernel;
  /** Forward pass of a one-direction GRU layer over a whole sequence; see {@link GruSequenceKernel}. */
  gruSequence?: GruSequenceKernel;
  /** Its backpropagation through time; see {@link GruSequenceBackwardKernel}. */
  gruSequenceBackward?: GruSequenceBackwardKernel;
  /** Scaled dot-product attention forward; see {@link FusedAttentionKernel}. */
  attention?: FusedAttentionKernel;
  /** Its backward from the saved probabilities; see {@link FusedAttentionBackwardKernel}. */
  attentionBackward?: FusedAttentionBackwardKernel;
  /** LayerNorm over the last axis; see {@link LayerNormKernel}. */
  layerNorm?: LayerNormKernel;
  /** Its backward; see {@link LayerNormBackwardKernel}. */
  layerNormBackward?: LayerNormBackwardKernel;
  /** LayerNorm of a residual sum `x + residual`; see {@link AddLayerNormKernel}. */
  addLayerNorm?: AddLayerNormKernel;
  /** Linear (matmul with a bias and activation epilogue); see {@link LinearKernel}. */
  linear?: LinearKernel;
  /** Its backward, the bias gradient included; see {@link LinearBackwardKernel}. */
  linearBackward?: LinearBackwardKernel;
  /** A Transformer feed-forward block `relu(x·w1ᵀ + b1)·w2ᵀ + b2`; see {@link FeedForwardKernel}. */
  feedForward?: FeedForwardKernel;
  /** Its backward; see {@link FeedForwardBackwardKernel}. */
  feedForwardBackward?: FeedForwardBackwardKernel;
  /** One Adam / AdamW step of a float32 parameter; see {@link FusedAdamStep}. */
  adamStep?: FusedAdamStep;
  /** Cross-entropy of the rows of `[N, C]` logits against class indices; see {@link CrossEntropyKernel}. */
  crossEntropy?: CrossEntropyKernel;
  /** Its backward; see {@link CrossEntropyBackwardKernel}. */
  crossEntropyBackward?: CrossEntropyBackwardKernel;
  /** The gradient of GELU in one pass; see {@link GeluBackwardKernel}. */
  geluBackward?: GeluBackwardKernel;
}

/** Name of a fused kernel in {@link FusedKernels}. */
export type FusedKernelName = keyof FusedKernels;

/** A tensor-core backend: storage management plus a table of kernels. */
export interface Backend {
  /** Registry name, e.g. `cpu`, `wasm`, `gpu`. */
  readonly name: string;
  /** Dtypes this backend can store. */
  readonly dtypes: readonly DType[];
  /** Copies `values` into a new storage of `dtype`; the caller may reuse `values` afterwards. */
  upload(values: TypedArray, dtype: DType): DataHandle;
  /** Wraps a typed array the caller gives up, without copying where the backend can. */
  adopt(values: TypedArray, dtype: DType): DataHandle;
  /** A copy of a storage's contents. */
  readSync(handle: DataHandle, dtype: DType, size: number): TypedArray;
  /** A copy of a storage's contents, for backends whose reads are asynchronous. */
  read(handle: DataHandle, dtype: DType, size: number): Promise<TypedArray>;
  /** Frees a storage; called once per storage, when its last tensor is disposed or collected. */
  release(handle: DataHandle): void;
  /**
   * Optional: a new storage holding a copy of `handle`'s values, kept where the backend's kernels read it without
   * staging it first (the wasm backend: a region of WebAssembly memory), for long-lived tensors such as parameters;
   * undefined where the backend keeps none for it. `@seqlab/autograd`'s `parameter()` uses it, and `Tensor.assign`
   * keeps a resident tensor resident (a parameter updated by an optimizer or loaded from a checkpoint).
   */
  resident?(handle: DataHandle, dtype: DType, size: number): DataHandle | undefined;
  /** Optional, with {@link resident}: whether `handle` is a storage the backend keeps resident. */
  isResident?(handle: DataHandle): boolean;
  /**
   * Optional: runs `fn` with the results of this backend's kernels kept where its kernels read them without
   * staging (the wasm backend: resident storages in WebAssembly memory), for results whose owner disposes every
   * tensor made in `fn` as soon as it is done with it: `@seqlab/autograd`'s backward, for the gradients and
   * temporaries of its gradient rules. Memory held this way is freed by `dispose`, and only late by the garbage
   * collector, so results that anyone else can reach must not be made here.
   */
  scratchResults?<T>(fn: () => T): T;
  /**
   * True when storage is ordinary JS memory that the garbage collector reclaims by itself (the CPU backend).
   * The GC safety net then keeps no reference to the handle, so a collected tensor's memory is free at once
   * rather than when the event loop next runs finalizers, and `release` receives no handle from it.
   */
  readonly garbageCollected?: boolean;
  /** Kernels; a missing one makes its op throw `KERNEL_NOT_FOUND`. */
  readonly kernels: Partial<Kernels>;
  /** Optional fused fast paths; a missing one makes its op run its composed reference. */
  readonly fused?: FusedKernels;
}

/** Shape helpers a kernel may want (re-exported for backend authors). */
export type { Shape };

// Public entry point of @seqlab/tensor-core.
import { cpuBackend } from './cpu/backend.js';
import { listBackends, registerBackend } from './registry.js';

export type { Backend, DataHandle, FusedKernelName, FusedKernels, KernelName, Kernels, TensorInfo, UnaryKernels } from './backend.js';
export { fusedKernel, isFusedEnabled, setFusedEnabled } from './fused-kernels.js';
export type { FusedArgs, FusedResults, FusedTensorKernel } from './fused-kernels.js';
export type * from './fused-recurrent.js';
export { batchFirstSequences } from './fused-recurrent-layout.js';
export type * from './fused-attention.js';
export type * from './fused-layer-norm.js';
export type * from './fused-linear.js';
export type * from './fused-adam.js';
export type * from './fused-cross-entropy.js';
export type * from './fused-gelu.js';
export { allocArray, bytesPerElement, DTYPES, dtypeOfArray, isDType, isFloatDType, truncToInt32 } from './dtype.js';
export type { DType, DTypeArrayMap, TypedArray } from './dtype.js';
export * from './errors.js';
export { broadcastShapes, formatShape, MAX_TENSOR_ELEMENTS, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from './shape.js';
export type { Shape } from './shape.js';
export { getBackend, listBackends, memory, registerBackend, resetPeakMemory, setBackend } from './registry.js';
export type { MemoryInfo } from './registry.js';
export { collectCreated, Tensor } from './tensor.js';
export type { Collected, NestedArray } from './tensor.js';
export { cpuBackend } from './cpu/backend.js';
export { forEachRow, broadcastStrides } from './cpu/broadcast.js';
export { coalesceReduction } from './cpu/reduce.js';
export type { Coalesced } from './cpu/reduce.js';
export { ERF_FITS } from './cpu/erf.js';
export type { RowVisitor } from './cpu/broadcast.js';
export { setGradRecorder } from './ops/dispatch.js';
export type { GradRecorder, TensorLike } from './ops/dispatch.js';
export type {
  ArgReduceAttrs,
  AxisAttrs,
  BinaryOpName,
  CompareOpName,
  DiagonalAttrs,
  LogicalOpName,
  NoAttrs,
  OpAttrs,
  ElementwiseOpAttrs,
  ReduceOpAttrs,
  OpName,
  ReduceAttrs,
  ReduceOpName,
  ShapeAttrs,
  UnaryOpName,
} from './ops/names.js';
export * from './ops/creation.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/reduce.js';
export * from './ops/softmax.js';
export * from './ops/matmul.js';
export * from './ops/cast.js';
export * from './ops/movement.js';
export * from './ops/indexing.js';
export * from './random.js';
export * from './safetensors.js';
export { nodeBuiltin, requireNodeBuiltin } from './node-builtin.js';
export { loadedCopies, sharedState } from './shared-state.js';
export type { SharedState } from './shared-state.js';
export { checkBoolean, checkIntegerAtLeast, checkNonNegativeInt, checkPositiveInt, describeValue } from './validate.js';
export type { ArgumentKind } from './validate.js';

// A second loaded copy of tensor-core finds the shared cpu backend registered already (and maybe another one active).
if (!listBackends().includes(cpuBackend.name)) registerBackend(cpuBackend);
export { defaultGenerator, Generator, manualSeed } from './generator.js';
export type { GeneratorState } from './generator.js';

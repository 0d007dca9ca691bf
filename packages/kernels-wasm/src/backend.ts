// The wasm backend object: storage in wasm linear memory and the table of wasm kernels.
import { DTypeMismatchError, type Backend, type DType, type Kernels, type TypedArray } from '@seqlab/tensor-core';
import { adamUpdate } from './adam.js';
import { allocFor, elementBytes, runtime } from './context.js';
import { binaryKernels } from './kernels/binary.js';
import { castKernels } from './kernels/cast.js';
import { indexingKernels } from './kernels/indexing.js';
import { matmulKernels } from './kernels/matmul.js';
import { movementKernels } from './kernels/movement.js';
import { reduceKernels } from './kernels/reduce.js';
import { softmaxKernels } from './kernels/softmax.js';
import { unaryKernels } from './kernels/unary.js';

/** Dtypes the wasm backend stores; float64 (used for gradient checking) stays on the CPU backend. */
export const WASM_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

const kernels: Kernels = {
  ...unaryKernels,
  ...binaryKernels,
  ...reduceKernels,
  ...softmaxKernels,
  ...matmulKernels,
  ...castKernels,
  ...movementKernels,
  ...indexingKernels,
};

function checkDType(op: string, dtype: DType): void {
  if (!WASM_DTYPES.includes(dtype)) {
    throw new DTypeMismatchError(`${op}: the wasm backend stores ${WASM_DTYPES.join(', ')}; received ${dtype} (keep float64 tensors on the 'cpu' backend)`);
  }
}

// A copy of `size` elements at `handle` as the dtype's typed array, detached from wasm memory.
function read(handle: number, dtype: DType, size: number): TypedArray {
  const heap = runtime().heap;
  if (dtype === 'bool') return heap.u8.slice(handle, handle + size);
  if (dtype === 'int32') return heap.i32.slice(handle >> 2, (handle >> 2) + size);
  return heap.f32.slice(handle >> 2, (handle >> 2) + size);
}

function upload(values: TypedArray, dtype: DType): number {
  checkDType('upload', dtype);
  const handle = allocFor(dtype, values.length);
  const heap = runtime().heap;
  const at = handle / elementBytes(dtype);
  // Typed-array set converts element types the way the CPU backend's stores do.
  if (dtype === 'bool') heap.u8.set(values, at);
  else if (dtype === 'int32') heap.i32.set(values, at);
  else heap.f32.set(values, at);
  return handle;
}

/**
 * The `wasm` backend: float32/int32/bool storage in WebAssembly linear memory (handles are byte addresses),
 * f32x4 SIMD kernels, large matmuls split across worker threads, and a fused Adam/AdamW step in `fused.adamUpdate`.
 */
export const wasmBackend: Backend = {
  name: 'wasm',
  dtypes: WASM_DTYPES,
  upload,
  // Wasm memory is not a JS array the caller can hand over, so adopting is a copy too.
  adopt: upload,
  readSync: (handle, dtype, size) => read(handle as number, dtype, size),
  read: async (handle, dtype, size) => read(handle as number, dtype, size),
  release: (handle) => runtime().heap.free(handle as number),
  kernels,
  fused: { adamUpdate },
};

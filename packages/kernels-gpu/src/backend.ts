// The gpu backend object: float32 in textures, int32/bool on the host, and the kernel tables.
import { allocArray, batchFirstSequences, dtypeOfArray, DTypeMismatchError, type Backend, type DType, type TypedArray } from '@seqlab/tensor-core';
import { gpuFusedKernels, gpuRecurrentKernels } from './fused/index.js';
import { gpuKernels } from './kernels/index.js';
import { gpuState } from './shared.js';
import { checkSize, GpuFloat, hostFloat, readFloat, readFloatAsync, releaseFloat } from './storage.js';
import { runtime } from './context.js';

/**
 * Dtypes the gpu backend stores: float32 in textures; int32 and bool as host typed arrays.
 *
 * @example
 * ```ts
 * console.assert(!GPU_DTYPES.includes('float64')); // float64 tensors stay on 'cpu'
 * ```
 */
export const GPU_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

function checkDType(op: string, dtype: DType): void {
  if (!GPU_DTYPES.includes(dtype)) {
    throw new DTypeMismatchError(`${op}: the gpu backend stores ${GPU_DTYPES.join(', ')}; received ${dtype} (keep float64 tensors on the 'cpu' backend)`);
  }
}

function toHost(op: string, values: TypedArray, dtype: DType, copy: boolean): GpuFloat | TypedArray {
  checkDType(op, dtype);
  if (dtype === 'float32') {
    const f = values instanceof Float32Array ? (copy ? values.slice() : values) : Float32Array.from(values as ArrayLike<number>);
    return hostFloat(op, f);
  }
  checkSize(runtime(op), op, values.length);
  if (dtypeOfArray(values) === dtype) return copy ? values.slice() : values;
  const out = allocArray(dtype, values.length);
  out.set(values as ArrayLike<number>);
  return out;
}

// Host-side int32/bool data survives a lost context, but reads fail like every other use of the backend then.
function read(handle: unknown): TypedArray {
  if (handle instanceof GpuFloat) return readFloat('readSync', handle);
  runtime('readSync');
  return (handle as TypedArray).slice();
}

/**
 * The `gpu` backend: float32 tensors in flat 1-D float32 textures that stay on the device between kernels (each
 * kernel's output is a new texture, freed by `dispose()` or tensor-core's FinalizationRegistry net); int32 and bool
 * tensors as host typed arrays (a float32 texture holds integers exactly only up to 2^24), converted to float inputs
 * when a float kernel reads them, and run on tensor-core's cpu kernels when every operand is int32 or bool.
 * Registered when the package is imported, never made the default: `setBackend('gpu')` or `{ backend: 'gpu' }`.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
 * console.assert(x.backend === gpuBackend && add(x, x).dataSync()[2] === 6);
 * ```
 */
export const gpuBackend: Backend = gpuState.claim<Backend>('gpuBackend', {
  name: 'gpu',
  dtypes: GPU_DTYPES,
  upload: (values, dtype) => toHost('upload', values, dtype, true),
  adopt: (values, dtype) => toHost('adopt', values, dtype, false),
  readSync: (handle) => read(handle),
  // WebGL2: a pixel-pack buffer and a fence, so the page keeps running while the GPU finishes; elsewhere synchronous.
  read: async (handle) => {
    if (handle instanceof GpuFloat) return readFloatAsync('read', handle);
    runtime('read');
    return (handle as TypedArray).slice();
  },
  release: (handle) => {
    if (handle instanceof GpuFloat) releaseFloat(handle);
  },
  // Textures are not reclaimed by the garbage collector: the FinalizationRegistry net must hand handles to release.
  garbageCollected: false,
  kernels: gpuKernels,
  // Batch-first sequence calls run the time-major kernels between transposes (tensor-core's batchFirstSequences).
  fused: { ...gpuFusedKernels, ...batchFirstSequences(gpuRecurrentKernels, () => gpuBackend) },
});

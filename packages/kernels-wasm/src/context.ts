// The runtime the kernels run on, set once the module is instantiated, and the kernels' view of their call frame.
import { InvalidArgumentError, type DataHandle, type DType, type TensorInfo, type TypedArray } from '@seqlab/tensor-core';
import { forgetPacked } from './packed-weights.js';
import { recycler } from './recycler.js';
import type { Runtime } from './runtime.js';
import { wasmState } from './shared.js';

export { elementBytes } from './call-frame.js';

// Kept in a local variable (every kernel call reads it) that setRuntime updates in every loaded copy.
let current: Runtime | undefined;
const shareRuntime = wasmState.link<Runtime | undefined>('runtime', undefined, (runtime) => {
  current = runtime;
});

/** Installs the runtime the kernels use (in every loaded copy of kernels-wasm). */
export function setRuntime(runtime: Runtime): void {
  shareRuntime(runtime);
}

/** The runtime; throws before the module is instantiated. */
export function runtime(): Runtime {
  if (!current) throw new InvalidArgumentError('wasm: the backend is not initialised; await initWasm() first');
  return current;
}

function storageOf(handle: DataHandle): TypedArray {
  if (!ArrayBuffer.isView(handle)) {
    throw new InvalidArgumentError(`wasm: a storage handle must be a typed array; received ${typeof handle}`);
  }
  return handle as TypedArray;
}

/**
 * Address of a storage handle's copy in the current kernel call's wasm memory (staged on first use in the call).
 * Staging may grow memory, which renews the heap's typed-array views: read `runtime().heap.f32` and friends after
 * staging, not before.
 */
export function stage(handle: DataHandle): number {
  return runtime().frame.stage(storageOf(handle));
}

/** Address of a tensor's storage in the current kernel call (see {@link stage}). */
export function ptr(x: TensorInfo): number {
  return stage(x.handle);
}

/**
 * Address of a tensor's storage that the kernel overwrites in place: when the call returns, the new values are
 * copied back into the storage, so every tensor viewing it sees them.
 */
export function ptrForUpdate(x: TensorInfo): number {
  forgetPacked(x.handle);
  return runtime().frame.stageForUpdate(storageOf(x.handle));
}

/**
 * A block for `size` elements of `dtype` in the current kernel call's memory. A kernel returns its address (or an
 * object of such addresses); the call copies the block out into the result's typed array.
 */
export function allocFor(dtype: DType, size: number): number {
  return runtime().frame.allocate(dtype, size);
}

/** Frees a block from {@link allocFor} that the current call no longer needs and does not return. */
export function freeFor(at: number): void {
  runtime().frame.free(at);
}

/**
 * Frees a released storage: a resident storage's block of wasm memory goes back to the resident region; any other
 * array the backend made is kept by the recycler for the next result of its dtype and length.
 */
export function releaseStorage(handle: DataHandle): void {
  // The array may be recycled into another tensor, or its block reused: packed copies of it must not outlive it.
  forgetPacked(handle);
  if (typeof handle === 'object' && handle !== null && current?.resident.release(handle)) return;
  recycler.give(handle);
}

/**
 * A new resident storage (resident.ts) holding a copy of a float32 storage, for the backend's `resident` hook; undefined
 * for other dtypes and where none can be made now (no shared memory, the cap reached, inside a kernel call).
 */
export function residentCopy(handle: DataHandle, dtype: DType, size: number): DataHandle | undefined {
  if (dtype !== 'float32' || !(handle instanceof Float32Array) || current === undefined) return undefined;
  const view = current.resident.allocF32(size);
  view?.set(handle);
  return view;
}

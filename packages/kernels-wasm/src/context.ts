// The runtime the kernels run on, set once the module is instantiated.
import { InvalidArgumentError, type DType, type TensorInfo } from '@seqlab/tensor-core';
import type { Runtime } from './runtime.js';

let current: Runtime | undefined;

/** Installs the runtime the kernels use. */
export function setRuntime(runtime: Runtime): void {
  current = runtime;
}

/** The runtime; throws before the module is instantiated. */
export function runtime(): Runtime {
  if (!current) throw new InvalidArgumentError("wasm: the backend is not initialised; await initWasm() first");
  return current;
}

/** Bytes per element on the wasm backend (bool is one byte). */
export function elementBytes(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** Address of a tensor's storage. */
export function ptr(x: TensorInfo): number {
  return x.handle as number;
}

/** A fresh block for `size` elements of `dtype`. */
export function allocFor(dtype: DType, size: number): number {
  return runtime().heap.alloc(size * elementBytes(dtype));
}

// Test-only: the wasm backend with float64 routed to the CPU kernels, so tensor-core's shared suites (which test
// float64 on every backend) can run on wasm. The wasm backend itself does not store float64; this wrapper is the
// explicit list of its known gaps: every kernel call that touches a float64 tensor runs on the CPU backend.
import { cpuBackend, dtypeOfArray, registerBackend, type Backend, type DataHandle, type DType, type Kernels, type TensorInfo, type TypedArray } from '@seqlab/tensor-core';
import { wasmBackend } from '@seqlab/kernels-wasm';

const onCpu = (h: DataHandle): boolean => typeof h !== 'number';

// A CPU-side view of an input: wasm storages are copied out into typed arrays.
function toCpu(x: TensorInfo): TensorInfo {
  if (onCpu(x.handle)) return x;
  return { handle: wasmBackend.readSync(x.handle, x.dtype, x.size), shape: x.shape, dtype: x.dtype, size: x.size };
}

function isInfo(v: unknown): v is TensorInfo {
  return typeof v === 'object' && v !== null && 'handle' in v && 'dtype' in v;
}

// float64 results stay CPU arrays; anything else goes back to wasm memory so wasm kernels can use it.
function fromCpu(result: DataHandle): DataHandle {
  const dtype = dtypeOfArray(result) as DType;
  return dtype === 'float64' ? result : wasmBackend.upload(result as TypedArray, dtype);
}

function touchesFloat64(args: unknown[]): boolean {
  return args.some((a) => (isInfo(a) && a.dtype === 'float64') || a === 'float64' || (Array.isArray(a) && a.some((t) => isInfo(t) && t.dtype === 'float64')));
}

const kernels: Partial<Kernels> = {};
for (const [name, kernel] of Object.entries(wasmBackend.kernels)) {
  const cpuKernel = (cpuBackend.kernels as Record<string, (...args: unknown[]) => DataHandle>)[name];
  (kernels as Record<string, unknown>)[name] = (...args: unknown[]) => {
    if (!touchesFloat64(args)) return (kernel as (...a: unknown[]) => DataHandle)(...args);
    const cpuArgs = args.map((a) => (isInfo(a) ? toCpu(a) : Array.isArray(a) && a.every(isInfo) ? a.map(toCpu) : a));
    return fromCpu(cpuKernel(...cpuArgs));
  };
}

/** Registers the wrapper as `wasm` and makes it active. */
export function registerWasmWithFloat64Fallback(): Backend {
  const backend: Backend = {
    name: 'wasm',
    dtypes: ['float32', 'int32', 'float64', 'bool'],
    upload: (values, dtype) => (dtype === 'float64' ? cpuBackend.upload(values, dtype) : wasmBackend.upload(values, dtype)),
    adopt: (values, dtype) => (dtype === 'float64' ? cpuBackend.adopt(values, dtype) : wasmBackend.adopt(values, dtype)),
    readSync: (h, dtype, size) => (onCpu(h) ? cpuBackend.readSync(h, dtype, size) : wasmBackend.readSync(h, dtype, size)),
    read: async (h, dtype, size) => (onCpu(h) ? cpuBackend.readSync(h, dtype, size) : wasmBackend.readSync(h, dtype, size)),
    release: (h) => (onCpu(h) ? undefined : wasmBackend.release(h)),
    kernels,
    fused: wasmBackend.fused,
  };
  registerBackend(backend, { setActive: true });
  return backend;
}

// Public entry point of @seqlab/kernels-wasm: importing it registers the `wasm` backend and makes it active where
// WebAssembly SIMD is available (synchronously in Node; browsers call `await initWasm()`).
import { initWasmSync } from './init.js';

export { wasmBackend, WASM_DTYPES } from './backend.js';
export type { WasmBackend, WasmFusedKernels } from './backend.js';
export { adamStep, adamUpdate } from './adam.js';
export type { AdamStep } from './adam.js';
export type { AdamStepHyperparameters, AdamStepResult } from '@seqlab/tensor-core';
export { getThreads, initWasm, initWasmSync, isWasmSupported, ready, setThreads, wasmHeapStats, wasmThreadInfo } from './init.js';
export type { ThreadOptions, WasmThreadInfo } from './init.js';
export { setWasmBuild, wasmBuildInfo } from './init.js';
export type { WasmBuildInfo } from './init.js';
export type { WasmBuild, WasmBuildChoice } from './builds.js';
export type { HeapStats } from './heap.js';
export type { CopyStats } from './call-frame.js';
export type { ResidentStats, WasmHeapStats } from './resident.js';

initWasmSync();

// Public entry point of @seqlab/kernels-gpu: importing it registers the `gpu` backend (never the active one).
import { listBackends, registerBackend } from '@seqlab/tensor-core';
import { gpuBackend } from './backend.js';

export { gpuBackend, GPU_DTYPES } from './backend.js';
export { GPU_MODES } from './context.js';
export type { GpuMode } from './context.js';
export { GpuContextLostError, GpuUnavailableError, TextureLimitError } from './errors.js';
export { backendInfo, initGpu, isContextLost } from './init.js';
export type { GpuBackendInfo, GpuOptions, PrecisionProbe } from './init.js';
export { compileCount, copyFloat, kernelInput, programCacheSize, runProgram, setProgramCacheCapacity } from './program.js';
export type { NativeFunction, ProgramArg, ProgramSource } from './program.js';
export { GpuFloat } from './storage.js';
export type { FloatData } from './storage.js';
export { broadcastIndexExpr, coordsSource, needsCoords, shapeKey } from './index-math.js';
export { gpuKernels } from './kernels/index.js';
export { gpuFusedKernels } from './fused/index.js';

// Registered, never made active: registerBackend activates only when nothing is (tensor-core registers cpu first).
if (!listBackends().includes(gpuBackend.name)) registerBackend(gpuBackend);

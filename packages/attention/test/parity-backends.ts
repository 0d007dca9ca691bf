// The backends this package's PyTorch-parity tests run on: cpu and wasm. Importing this file registers wasm.
import { initWasm } from '@seqlab/kernels-wasm';
import { setBackend } from '@seqlab/tensor-core';

/** Every parity test runs once per backend here (float64 only where the backend stores it: cpu). */
export const PARITY_BACKENDS = ['cpu', 'wasm'] as const;

if ((await initWasm()) === undefined) throw new Error('the parity tests need the wasm backend, which needs WebAssembly SIMD');
// Initialising wasm makes it the active backend. Parity tests place every tensor explicitly; keeping cpu active
// makes one they forget fail with BACKEND_MISMATCH on the wasm run instead of quietly running on the other backend.
setBackend('cpu');

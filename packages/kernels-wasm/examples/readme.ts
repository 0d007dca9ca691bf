import { Generator, getBackend, matmul, memory, randn, softmax, zeros } from '@seqlab/tensor-core';
import { adamUpdate, ready, setThreads, wasmThreadInfo } from '@seqlab/kernels-wasm';

// Importing the package registers the `wasm` backend and makes it active wherever WebAssembly SIMD exists.
// In a browser, `await initWasm()` first (it compiles asynchronously); `ready()` also waits for the workers.
await ready();
console.log(getBackend().name, wasmThreadInfo()); // 'wasm', { threads: 2, readyWorkers: 1, sharedMemory: true, workerChunks: 0, busyMs: 200 }

const gen = new Generator(0);
const x = randn([512, 512], { generator: gen });
const w = randn([256, 512], { generator: gen });

// Large matmuls are split across worker threads; transposed operands cost nothing extra.
const y = matmul(x, w, { transB: true }); // x · wᵀ, [512, 256]
const probs = softmax(y, -1);

// Storage is a JS typed array that the GC reclaims (nothing to dispose); wasm memory is only a kernel's scratch.
y.dispose();
console.log(memory('wasm'));

// One fused, in-place AdamW step on float32 storages.
const m = zeros([256, 512]);
const v = zeros([256, 512]);
const grad = randn([256, 512], { generator: gen });
adamUpdate(w, grad, m, v, { lr: 1e-3, weightDecay: 0.01, decoupled: true, step: 1 });

setThreads(1); // everything on the calling thread from here on

export { probs, w };

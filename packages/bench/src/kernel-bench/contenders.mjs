// The libraries and backends the kernel benchmark compares: seqlab's cpu backend, seqlab's wasm backend on one and
// on two threads, and TensorFlow.js's wasm backend as installed. Each builds its operands from the same values.
import * as seqlab from '@seqlab/tensor-core';
import { getThreads, ready, setThreads, wasmThreadInfo } from '@seqlab/kernels-wasm';

/** seqlab contenders; `threads` is applied before every timed call. */
export function seqlabContenders() {
  const defaultThreads = getThreads();
  return [
    { library: 'seqlab', backend: 'cpu', threads: 1, before: () => {} },
    { library: 'seqlab', backend: 'wasm', threads: 1, before: () => setThreads(1) },
    { library: 'seqlab', backend: 'wasm', threads: Math.max(2, defaultThreads), before: () => setThreads(Math.max(2, defaultThreads)) },
  ].map((c) => ({
    ...c,
    label: c.backend === 'wasm' ? `seqlab wasm ×${c.threads}` : 'seqlab cpu',
    tensor: (values, shape) => seqlab.tensor(values, shape, { backend: c.backend }),
    matmul: (a, b, transA, transB) => seqlab.matmul(a, b, { transA, transB }),
    dispose: (t) => t.dispose(),
  }));
}

/** Starts seqlab's wasm workers; returns the thread state for the environment record. */
export async function prepareSeqlab() {
  setThreads(Math.max(2, getThreads()));
  await ready();
  return wasmThreadInfo();
}

/**
 * TensorFlow.js with its wasm backend, or undefined when the packages are not installed. Its thread count is left
 * as installed (in Node the wasm backend runs its single-threaded SIMD build).
 */
export async function tfjsContender() {
  let tf, wasm;
  try {
    tf = await import('@tensorflow/tfjs');
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch {
    return undefined;
  }
  await tf.setBackend('wasm');
  await tf.ready();
  const threads = wasm.getThreadsCount?.() ?? 1;
  return {
    library: 'tfjs',
    backend: 'wasm',
    threads,
    label: 'tfjs wasm',
    version: tf.version.tfjs,
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    before: () => {},
    tensor: (values, shape) => tf.tensor(values, shape, 'float32'),
    matmul: (a, b, transA, transB) => tf.matMul(a, b, transA, transB),
    dispose: (t) => t.dispose(),
  };
}

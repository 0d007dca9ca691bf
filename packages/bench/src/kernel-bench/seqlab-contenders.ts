// seqlab's contenders: the cpu backend, and the wasm backend on one thread and on its default (at least two); one
// seqlab backend as a contender.
import { getThreads, ready, setThreads, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { matmul, tensor, type Tensor } from '@seqlab/tensor-core';
import type { Contender } from './contender.js';
import { seqlabLstmStep, seqlabTransformerStep } from './seqlab-training.js';

/**
 * seqlab on `backend` as a contender: tensors made on that backend, its matmul, and (with `trains`) its LSTM and
 * Transformer training steps; `select` runs untimed before every call (a thread count). Browser-safe: the browser
 * benchmark builds its seqlab rows with it too.
 */
export function seqlabContender(backend: string, threads: number, trains: boolean, select: () => void): Contender {
  return {
    library: 'seqlab',
    backend,
    threads,
    label: backend === 'wasm' ? `seqlab wasm ×${threads}` : `seqlab ${backend}`,
    before: select,
    matmul: {
      tensor: (values, shape) => tensor(values, shape, { backend }),
      matmul: (a, b, transA, transB) => matmul(a as Tensor, b as Tensor, { transA, transB }),
      dispose: (t) => (t as Tensor).dispose(),
    },
    // Training steps run on the cpu backend and on wasm at its default thread count; wasm ×1 is a matmul-only row.
    lstmStep: trains ? (shape, seed) => seqlabLstmStep(backend, shape, seed) : null,
    transformerStep: trains ? (shape, seed) => seqlabTransformerStep(backend, shape, seed) : null,
  };
}

/** Starts seqlab's wasm workers; returns the contenders and the thread state for the environment record. */
export async function seqlabContenders(): Promise<{ contenders: Contender[]; wasm: unknown }> {
  const threads = Math.max(2, getThreads());
  setThreads(threads);
  await ready();
  return {
    wasm: wasmThreadInfo(),
    contenders: [
      seqlabContender('cpu', 1, true, () => {}),
      seqlabContender('wasm', 1, false, () => setThreads(1)),
      seqlabContender('wasm', threads, true, () => setThreads(threads)),
    ],
  };
}

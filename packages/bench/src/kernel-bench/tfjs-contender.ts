// One TensorFlow.js backend as a benchmark contender: its matMul and its training steps, the backend made active
// before every call. Browser-safe: the Node benchmark and the browser page both build their TF.js rows with it.
import type { Contender } from './contender.js';
import { tfjsLstmStep, tfjsTransformerStep, type TF } from './tfjs-training.js';

/**
 * The contender of TF.js's `backend` (`wasm`, `cpu`, `webgl`) on `threads` threads; `inMatmul` false leaves it out
 * of the matmul rows.
 */
export function tfjsContender(tf: TF, backend: string, threads: number, inMatmul: boolean): Contender {
  // A TF.js tensor lives on the backend active when it was made, so every call first makes this one active.
  const before = async (): Promise<void> => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  };
  return {
    library: 'tfjs',
    backend,
    threads,
    label: `tfjs ${backend}`,
    before,
    matmul: inMatmul
      ? {
          tensor: (values, shape) => tf.tensor(values, shape, 'float32'),
          // TF.js's wasm and cpu kernels run synchronously, so the product is complete when matMul returns; on webgl
          // the product is queued on the GPU and the browser benchmark reads one element back to wait for it.
          matmul: (a, b, transA, transB) => tf.matMul(a, b, transA, transB),
          dispose: (t) => (t as TF).dispose(),
        }
      : null,
    lstmStep: (shape, seed) => tfjsLstmStep(tf, shape, seed),
    transformerStep: (shape, seed) => tfjsTransformerStep(tf, shape, seed),
  };
}

// A dedicated Worker that starts the gpu backend (WebGL2 through OffscreenCanvas) and reports what it ran on.
import { add, tanh, tensor } from '@seqlab/tensor-core';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';

self.onmessage = async () => {
  try {
    await initGpu();
    const x = tensor([1, 2, 3], undefined, { backend: 'gpu' });
    const y = tanh(add(x, x));
    const { mode, kernelMode, renderer } = backendInfo();
    postMessage({ mode, kernelMode, renderer, values: Array.from(await y.data()), hasDocument: typeof document !== 'undefined' });
  } catch (error) {
    postMessage({ error: String(error) });
  }
};

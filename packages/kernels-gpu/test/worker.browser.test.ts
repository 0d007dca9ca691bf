// The gpu backend inside a dedicated Web Worker: WebGL2 on an OffscreenCanvas, no document.
import { expect, it } from 'vitest';

it('runs webgl2 kernels in a Worker through OffscreenCanvas', async () => {
  const worker = new Worker(new URL('./worker-gpu.ts', import.meta.url), { type: 'module' });
  const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<Record<string, unknown>>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage('start');
  });
  worker.terminate();
  expect(reply.error).toBeUndefined();
  expect(reply).toMatchObject({ mode: 'webgl2', kernelMode: 'gpu', hasDocument: false });
  (reply.values as number[]).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh(2 * (i + 1)), 6));
});

// The page's side of the training worker: starts it (an ES-module worker bundled by Vite) and wraps it with Comlink.
import * as Comlink from 'comlink';
import type { TrainWorkerApi } from '../worker/train.worker.js';

/** A running training worker and its remote API. */
export interface TrainWorker {
  /** The worker's API; every call is a message, so the page never waits on a training step. */
  readonly api: Comlink.Remote<TrainWorkerApi>;
  /** Stops the worker (its wasm threads with it). */
  terminate(): void;
}

/**
 * Starts a training worker.
 *
 * @example
 * ```ts
 * const worker = startTrainWorker();
 * const status = await worker.api.initBackend('wasm');
 * ```
 */
export function startTrainWorker(): TrainWorker {
  const worker = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module', name: 'seqlab-train' });
  const api = Comlink.wrap<TrainWorkerApi>(worker);
  return {
    api,
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export { Comlink };

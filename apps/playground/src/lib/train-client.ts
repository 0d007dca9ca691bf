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
 * Starts a training worker; `onError` hears of a worker that fails to load or throws outside a call (default:
 * `console.error`).
 *
 * @example
 * ```ts
 * const worker = startTrainWorker();
 * const status = await worker.api.initBackend('wasm');
 * ```
 */
export function startTrainWorker(onError: (message: string) => void = (message) => console.error(message)): TrainWorker {
  const worker = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module', name: 'seqlab-train' });
  // A worker that fails to load or throws outside a call never answers Comlink: say so instead of waiting forever.
  worker.addEventListener('error', (event) => onError(`the training worker failed: ${event.message || 'it could not be loaded'}`));
  worker.addEventListener('messageerror', () => onError('the training worker sent a message that could not be read'));
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

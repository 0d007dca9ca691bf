// TensorFlow.js's contenders: its wasm backend (matmul and training steps) and, when asked, its cpu backend
// (training steps only), loaded with a dynamic import so the benchmark still runs, without them, when TF.js is absent.
import { loadTfjs } from '../experiments/speed/tfjs-models.js';
import type { Contender } from './contender.js';
import { tfjsContender } from './tfjs-contender.js';
import type { TF } from './tfjs-training.js';

/** The TF.js contenders, or why there are none. */
export type TfjsContenders = { readonly version: string; readonly contenders: Contender[] } | { readonly error: string };

async function wasmThreads(): Promise<number> {
  try {
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as TF;
    return Number(wasm.getThreadsCount?.() ?? 1);
  } catch {
    return 1;
  }
}

/**
 * TF.js on its wasm backend as installed (in Node its single-threaded SIMD build) and, with `withCpu`, on its
 * pure-JavaScript cpu backend; `{ error }` with the reason when `@tensorflow/tfjs` is not installed.
 */
export async function tfjsContenders(withCpu: boolean): Promise<TfjsContenders> {
  const loaded = await loadTfjs(true);
  if ('error' in loaded) return { error: `TF.js not installed: ${loaded.error}` };
  const contenders: Contender[] = [];
  if (loaded.backend === 'wasm') contenders.push(tfjsContender(loaded.tf, 'wasm', await wasmThreads(), true));
  // The cpu backend is slow at matmul; it joins the training-step rows only, as a second reference.
  if (withCpu) contenders.push(tfjsContender(loaded.tf, 'cpu', 1, false));
  return { version: loaded.version, contenders };
}

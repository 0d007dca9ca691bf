// Loading the shipped checkpoints on the page: the wasm backend first (where the browser has WebAssembly SIMD), then
// each model once, shared by every view that shows it.
import { initWasm, isWasmSupported } from '@seqlab/kernels-wasm';
import { fetchShipped, type LoadedModel, type ShippedExamples, type ShippedName } from './shipped.js';

let backend: Promise<string> | undefined;
const models = new Map<ShippedName, Promise<LoadedModel>>();

/**
 * Makes the wasm backend active where WebAssembly SIMD exists (else models stay on the cpu backend); returns the
 * active backend's name. Runs once.
 *
 * @example
 * ```ts
 * const name = await pageBackend(); // 'wasm'
 * ```
 */
export function pageBackend(): Promise<string> {
  backend ??= (async () => (isWasmSupported() ? ((await initWasm())?.name ?? 'cpu') : 'cpu'))();
  return backend;
}

/**
 * A shipped model, fetched and rebuilt on first use (after {@link pageBackend}), then shared.
 *
 * @example
 * ```ts
 * const loaded = await shippedModel('transformer');
 * ```
 */
export function shippedModel(name: ShippedName): Promise<LoadedModel> {
  let model = models.get(name);
  if (model === undefined) {
    model = pageBackend().then(() => fetchShipped(name, import.meta.env.BASE_URL));
    models.set(name, model);
  }
  return model;
}

/**
 * The example sentences shipped beside the checkpoints.
 *
 * @example
 * ```ts
 * const { passages } = await shippedExamples();
 * ```
 */
export async function shippedExamples(): Promise<ShippedExamples> {
  const response = await fetch(`${import.meta.env.BASE_URL}checkpoints/examples.json`);
  if (!response.ok) throw new Error(`shippedExamples: checkpoints/examples.json answered ${response.status}`);
  return (await response.json()) as ShippedExamples;
}

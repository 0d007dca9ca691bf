// kernels-wasm's process-wide state, shared by every loaded copy of @seqlab/kernels-wasm (its CJS and ESM builds, nested installs).
import { sharedState, type SharedState } from '@seqlab/tensor-core';

/** Replaced by the build with kernels-wasm's package.json version; absent when tests load the TypeScript sources. */
declare const __SEQLAB_VERSION__: string | undefined;

/** The one `wasm` backend object and the one runtime (module instance, heap, workers) that every copy uses. */
export const wasmState: SharedState = sharedState(
  '@seqlab/kernels-wasm',
  typeof __SEQLAB_VERSION__ === 'string' ? __SEQLAB_VERSION__ : 'source',
  import.meta.url,
);

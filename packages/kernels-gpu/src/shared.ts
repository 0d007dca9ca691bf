// kernels-gpu's process-wide state, shared by every loaded copy of @seqlab/kernels-gpu (its CJS and ESM builds, nested installs).
import { sharedState, type SharedState } from '@seqlab/tensor-core';

/** Replaced by the build with kernels-gpu's package.json version; absent when tests load the TypeScript sources. */
declare const __SEQLAB_VERSION__: string | undefined;

/** The one `gpu` backend object, gpu.js instance and program cache that every copy uses. */
export const gpuState: SharedState = sharedState(
  '@seqlab/kernels-gpu',
  typeof __SEQLAB_VERSION__ === 'string' ? __SEQLAB_VERSION__ : 'source',
  import.meta.url,
);

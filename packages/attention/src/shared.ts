// attention's process-wide settings, shared by every loaded copy of @seqlab/attention (its CJS and ESM builds, nested installs).
import { sharedState, type SharedState } from '@seqlab/tensor-core';

/** Replaced by the build with attention's package.json version; absent when tests load the TypeScript sources. */
declare const __SEQLAB_VERSION__: string | undefined;

/** Attention's memory budget, which a setter in any copy changes for all (the fused switch lives in tensor-core). */
export const attentionState: SharedState = sharedState(
  '@seqlab/attention',
  typeof __SEQLAB_VERSION__ === 'string' ? __SEQLAB_VERSION__ : 'source',
  import.meta.url,
);

// autograd's process-wide state, shared by every loaded copy of @seqlab/autograd (its CJS and ESM builds, nested installs).
import { sharedState, type SharedState } from '@seqlab/tensor-core';

/** Replaced by the build with autograd's package.json version; absent when tests load the TypeScript sources. */
declare const __SEQLAB_VERSION__: string | undefined;

/** The grad-mode switch and the classes whose identity matters (GradNode, Module), first loaded copy's. */
export const autogradState: SharedState = sharedState(
  '@seqlab/autograd',
  typeof __SEQLAB_VERSION__ === 'string' ? __SEQLAB_VERSION__ : 'source',
  import.meta.url,
);

// Looks up a backend's fused recurrent kernels (all four, or none).
import type { Backend, FusedRecurrentKernels } from '@seqlab/tensor-core';

const NAMES = ['lstmSequence', 'lstmSequenceBackward', 'gruSequence', 'gruSequenceBackward'] as const;

/** The backend's fused LSTM/GRU kernels, or null when it does not offer all of them. */
export function fusedRecurrentKernelsOf(backend: Backend): FusedRecurrentKernels | null {
  const fused = backend.fused;
  if (fused === undefined) return null;
  for (const name of NAMES) if (typeof fused[name] !== 'function') return null;
  return fused as unknown as FusedRecurrentKernels;
}

// Dropout on attention weights: the multiplier tensor both attention paths apply, drawn as autograd's Dropout draws it.
import { bernoulli, defaultGenerator, mul, zeros, type Tensor } from '@seqlab/tensor-core';
import type { AttentionSpec } from './attention-spec.js';

/** Dropout multipliers `[B, H, L, S]`: 0 with probability p, else 1/(1−p), drawn as `Dropout` draws them (all 0 for p = 1). */
export function dropoutKeep(spec: AttentionSpec, like: Tensor): Tensor {
  const shape = [spec.batch, spec.heads, spec.queryLength, spec.keyLength];
  if (spec.dropout >= 1) return zeros(shape, { dtype: like.dtype, backend: like.backendName });
  const keep = bernoulli(1 - spec.dropout, shape, { generator: spec.generator ?? defaultGenerator(), dtype: like.dtype, backend: like.backendName });
  return mul(keep, 1 / (1 - spec.dropout));
}

// The shared attention computation over [B, H, L, S]: budget check, then the backend's fused kernel or composed ops.
import { matmul, mul, permute, reshape } from '@seqlab/tensor-core';
import { isGradEnabled } from '@seqlab/autograd';
import { dropoutKeep } from './attention-dropout.js';
import type { AttentionOutput, AttentionSpec } from './attention-spec.js';
import { causalMask } from './causal-mask.js';
import { fusedAttention } from './fused-attention-op.js';
import { combineMasks, fullyMaskedRows } from './masks.js';
import { maskedSoftmax } from './masked-softmax.js';
import { checkAttentionMemory } from './memory-budget.js';

/** Runs one attention call on the fused kernel when possible, otherwise composed from ops. */
export function attend(spec: AttentionSpec): AttentionOutput {
  checkAttentionMemory(spec.op, spec.batch, spec.heads, spec.queryLength, spec.keyLength, spec.sources[0].dtype);
  const biasNeedsGrad = spec.mask.bias !== null && spec.mask.bias.requiresGrad && isGradEnabled();
  const fused = biasNeedsGrad ? null : fusedAttention(spec, spec.fused ?? true);
  return fused ?? composedAttention(spec);
}

/** `softmax(scale·QKᵀ + mask)·V` from tensor ops: the reference path and the fallback of backends without a fused kernel. */
export function composedAttention(spec: AttentionSpec): AttentionOutput {
  const [q, k, v] = spec.split();
  const scores = mul(matmul(q, k, { transB: true }), spec.scale);
  let mask = spec.mask;
  if (spec.causalOffset !== null) {
    mask = combineMasks(mask, { masked: causalMask(spec.queryLength, spec.keyLength, spec.causalOffset, q.backendName), bias: null });
  }
  // A causal limit alone hides every key from a query only when the offset is negative.
  const rowsMayBeEmpty = spec.mask.masked !== null || (spec.causalOffset !== null && spec.causalOffset < 0);
  let weights = maskedSoftmax(scores, mask, rowsMayBeEmpty ? fullyMaskedRows(mask.masked) : null);
  if (spec.dropout > 0) weights = mul(weights, dropoutKeep(spec, weights));
  let output = matmul(weights, v);
  const width = spec.heads * spec.valueDim;
  if (spec.outputLayout === 'batchFirst') output = reshape(permute(output, [0, 2, 1, 3]), [spec.batch, spec.queryLength, width]);
  if (spec.outputLayout === 'sequenceFirst') output = reshape(permute(output, [2, 0, 1, 3]), [spec.queryLength, spec.batch, width]);
  return { output, weights: spec.returnWeights ? weights : null };
}

// The fused attention fast path: a customOp around the backend's `attention` / `attentionBackward` kernels.
import { fusedKernel, mul, type AttentionMaskOperand, type FusedAttentionProblem, type Tensor } from '@seqlab/tensor-core';
import { customOp, isGradEnabled } from '@seqlab/autograd';
import { dropoutKeep } from './attention-dropout.js';
import type { AttentionOutput, AttentionSpec } from './attention-spec.js';

/** A mask or bias of rank ≤ 4 read as `[B, H, L, S]`, with stride 0 along its broadcast (size 1) dimensions. */
function maskOperand(t: Tensor): AttentionMaskOperand {
  const shape = [1, 1, 1, 1, ...t.shape].slice(-4);
  const strides = [0, 0, 0, 0];
  let stride = 1;
  for (let d = 3; d >= 0; d--) {
    strides[d] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d];
  }
  return { handle: t.handle, batchStride: strides[0], headStride: strides[1], rowStride: strides[2], colStride: strides[3] };
}

/** Shape of the output and its (batch, head, row) strides for the kernel. */
function outputLayoutOf(spec: AttentionSpec): [number[], [number, number, number]] {
  const { batch: B, heads: H, queryLength: L, valueDim: Dv } = spec;
  switch (spec.outputLayout) {
    case 'heads':
      return [[B, H, L, Dv], [H * L * Dv, L * Dv, Dv]];
    case 'batchFirst':
      return [[B, L, H * Dv], [L * H * Dv, Dv, H * Dv]];
    case 'sequenceFirst':
      return [[L, B, H * Dv], [H * Dv, Dv, B * H * Dv]];
  }
}

/** What the backward pass keeps from the forward pass. */
interface Saved {
  readonly problem: FusedAttentionProblem;
  readonly probs: Tensor;
}

/**
 * Runs `spec` on the backend's fused kernels; differentiable through a customOp whose backward is fused too. Null
 * when the backend lacks them for the sources' dtype or `fused` (the call's option) or the global switch is off.
 */
export function fusedAttention(spec: AttentionSpec, fused: boolean): AttentionOutput | null {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv, sources } = spec;
  const first = sources[0];
  const dtype = first.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return null;
  const attention = fusedKernel(first.backend, 'attention', fused);
  const attentionBackward = fusedKernel(first.backend, 'attentionBackward', fused);
  if (attention === undefined || attentionBackward === undefined) return null;
  const keep = spec.dropout > 0 ? dropoutKeep(spec, first) : null;
  const [outShape, outStrides] = outputLayoutOf(spec);
  const maskOp = spec.mask.masked === null ? null : maskOperand(spec.mask.masked);
  const biasOp = spec.mask.bias === null ? null : maskOperand(spec.mask.bias);
  const problemOf = (inputs: readonly Tensor[]): FusedAttentionProblem => {
    const view = (i: 0 | 1 | 2) => {
      const v = spec.views[i];
      return { handle: inputs[v.source].handle, offset: v.offset, batchStride: v.batchStride, headStride: v.headStride, rowStride: v.rowStride };
    };
    return {
      dtype,
      batch: B,
      heads: H,
      queryLength: L,
      keyLength: S,
      headDim: spec.headDim,
      valueDim: Dv,
      q: view(0),
      k: view(1),
      v: view(2),
      scale: spec.scale,
      causalOffset: spec.causalOffset,
      mask: maskOp,
      bias: biasOp,
      dropout: keep === null ? null : keep.handle,
      outStrides,
      outShape,
    };
  };
  const run = (inputs: readonly Tensor[], saveProbs: boolean): { out: Tensor; probs: Tensor | null; weights: Tensor | null; problem: FusedAttentionProblem } => {
    const problem = problemOf(inputs);
    const { out, probs } = attention(problem, saveProbs);
    const weights = spec.returnWeights && probs !== null ? (keep === null ? probs : mul(probs, keep)) : null;
    return { out, probs, weights, problem };
  };

  if (!isGradEnabled() || !sources.some((s) => s.requiresGrad)) {
    const { out, weights } = run(sources, spec.returnWeights);
    return { output: out, weights };
  }
  const op = customOp<Tensor[], Saved>({
    name: spec.op,
    inputs: sources.map((_, i) => `source${i}`),
    forward: (inputs) => {
      const { out, probs, weights, problem } = run(inputs, true);
      return { outputs: weights === null ? [out] : [out, weights], saved: { problem, probs: probs as Tensor } };
    },
    backward: (grads, saved) => {
      return attentionBackward(saved.problem, {
        probs: saved.probs.handle,
        gradOut: grads[0].handle,
        gradWeights: grads.length > 1 ? grads[1].handle : null,
        slots: [spec.views[0].source, spec.views[1].source, spec.views[2].source],
        slotShapes: sources.map((s) => s.shape),
      });
    },
  });
  const outputs = op(...sources);
  return { output: outputs[0], weights: outputs.length > 1 ? outputs[1] : null };
}

// The fused attention fast path: a customOp around the backend's `attention` / `attentionBackward` kernels.
import {
  mul,
  Tensor,
  type AttentionMaskOperand,
  type FusedAttentionKernels,
  type FusedAttentionProblem,
} from '@seqlab/tensor-core';
import { customOp, isGradEnabled } from '@seqlab/autograd';
import { dropoutKeep } from './attention-dropout.js';
import type { AttentionOutput, AttentionSpec } from './attention-spec.js';

/** True when `like`'s backend offers the fused attention kernels for its dtype. */
export function hasFusedAttention(like: Tensor): boolean {
  const fused = like.backend.fused as Partial<FusedAttentionKernels> | undefined;
  return (
    fused !== undefined &&
    typeof fused.attention === 'function' &&
    typeof fused.attentionBackward === 'function' &&
    (like.dtype === 'float32' || like.dtype === 'float64')
  );
}

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

/** Runs `spec` on the backend's fused kernels; differentiable through a customOp whose backward is fused too. */
export function fusedAttention(spec: AttentionSpec): AttentionOutput {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv, sources } = spec;
  const first = sources[0];
  const backend = first.backend;
  const dtype = first.dtype as 'float32' | 'float64';
  const kernels = backend.fused as unknown as FusedAttentionKernels;
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
    };
  };
  const run = (inputs: readonly Tensor[], saveProbs: boolean): { out: Tensor; probs: Tensor | null; weights: Tensor | null; problem: FusedAttentionProblem } => {
    const problem = problemOf(inputs);
    const result = kernels.attention(problem, saveProbs);
    const out = Tensor.fromHandle(backend, result.out, outShape, dtype);
    const probs = result.probs === null ? null : Tensor.fromHandle(backend, result.probs, [B, H, L, S], dtype);
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
      const handles = kernels.attentionBackward(saved.problem, {
        probs: saved.probs.handle,
        gradOut: grads[0].handle,
        gradWeights: grads.length > 1 ? grads[1].handle : null,
        slots: [spec.views[0].source, spec.views[1].source, spec.views[2].source],
        slotSizes: sources.map((s) => s.size),
      });
      return handles.map((h, i) => Tensor.fromHandle(backend, h, sources[i].shape, dtype));
    },
  });
  const outputs = op(...sources);
  return { output: outputs[0], weights: outputs.length > 1 ? outputs[1] : null };
}

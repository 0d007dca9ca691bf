// One attention call in one place: budget check, the composed reference, and the customOp glue around the backend's
// fused `attention` / `attentionBackward` kernels, chosen by autograd's fusedOrComposed.
import { matmul, mul, permute, reshape, type AttentionMaskOperand, type FusedAttentionProblem, type Tensor } from '@seqlab/tensor-core';
import { customOp, fusedOrComposed, isGradEnabled, type FusedKernelSet } from '@seqlab/autograd';
import { dropoutKeep } from './attention-dropout.js';
import { viewAsTensor } from './head-views.js';
import type { AttentionOutput, AttentionSpec } from './attention-spec.js';
import { causalMask } from './causal-mask.js';
import { combineMasks, fullyMaskedRows } from './masks.js';
import { maskedSoftmax } from './masked-softmax.js';
import { checkAttentionMemory } from './memory-budget.js';

/**
 * Runs one attention call on the fused kernels when the backend has them for the sources' dtype and fused paths are
 * on (`spec.fused` and tensor-core's `setFusedEnabled`), otherwise {@link composedAttention}.
 */
export function attend(spec: AttentionSpec): AttentionOutput {
  checkAttentionMemory(spec.op, spec.batch, spec.heads, spec.queryLength, spec.keyLength, spec.sources[0].dtype);
  // A bias that needs its gradient goes down the composed path: the fused backward gives none for it.
  const biasNeedsGrad = spec.mask.bias !== null && spec.mask.bias.requiresGrad && isGradEnabled();
  const dtype = spec.sources[0].dtype;
  const floating = dtype === 'float32' || dtype === 'float64';
  return fusedOrComposed(
    spec.sources[0].backend,
    ['attention', 'attentionBackward'],
    (spec.fused ?? true) && !biasNeedsGrad && floating,
    (kernels) => fusedAttention(kernels, spec, dtype as 'float32' | 'float64'),
    () => composedAttention(spec),
  );
}

/** `softmax(scale·QKᵀ + mask)·V` from tensor ops: the reference path and the fallback of backends without a fused kernel. */
export function composedAttention(spec: AttentionSpec): AttentionOutput {
  const { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D, valueDim: Dv } = spec;
  const [q, k, v] = (
    [
      [L, D],
      [S, D],
      [S, Dv],
    ] as const
  ).map(([rows, cols], i) => {
    const view = spec.views[i];
    return viewAsTensor(spec.sources[view.source], view, [B, H, rows, cols]);
  });
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
      return [
        [B, H, L, Dv],
        [H * L * Dv, L * Dv, Dv],
      ];
    case 'batchFirst':
      return [
        [B, L, H * Dv],
        [L * H * Dv, Dv, H * Dv],
      ];
    case 'sequenceFirst':
      return [
        [L, B, H * Dv],
        [H * Dv, Dv, B * H * Dv],
      ];
  }
}

/** What the backward pass keeps from the forward pass. */
interface Saved {
  readonly problem: FusedAttentionProblem;
  readonly probs: Tensor;
}

/** Runs `spec` on the backend's fused kernels; differentiable through a customOp whose backward is fused too. */
function fusedAttention(
  { attention, attentionBackward }: FusedKernelSet<'attention' | 'attentionBackward'>,
  spec: AttentionSpec,
  dtype: 'float32' | 'float64',
): AttentionOutput {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv, sources } = spec;
  const first = sources[0];
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
  type Run = { out: Tensor; probs: Tensor | null; weights: Tensor | null; problem: FusedAttentionProblem };
  const run = (inputs: readonly Tensor[], saveProbs: boolean): Run => {
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
    pureBackward: true,
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

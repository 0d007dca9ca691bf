// CPU fused attention: per (batch, head) and query row, scores → mask → softmax → weighted sum in reused row buffers, and its backward.
import type { DataHandle } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import type {
  AttentionMaskOperand,
  FusedAttentionBackwardArgs,
  FusedAttentionKernels,
  FusedAttentionProblem,
  FusedAttentionResult,
} from '../fused-attention.js';

/** Row scratch reused across calls (float64 so float32 problems accumulate without extra rounding). */
const scratch = {
  row: new Float64Array(0),
  acc: new Float64Array(0),
  dk: new Float64Array(0),
  dv: new Float64Array(0),
};

function grow(name: keyof typeof scratch, size: number): Float64Array {
  if (scratch[name].length < size) scratch[name] = new Float64Array(size);
  return scratch[name];
}

/** Dot product of `n` elements of `a` from `ai` and `b` from `bi`, unrolled by four. */
function dot(a: TypedArray, ai: number, b: TypedArray, bi: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let d = 0;
  for (; d + 3 < n; d += 4) {
    s0 += a[ai + d] * b[bi + d];
    s1 += a[ai + d + 1] * b[bi + d + 1];
    s2 += a[ai + d + 2] * b[bi + d + 2];
    s3 += a[ai + d + 3] * b[bi + d + 3];
  }
  for (; d < n; d++) s0 += a[ai + d] * b[bi + d];
  return s0 + s1 + s2 + s3;
}

/** `acc[ao .. ao+n) += w · x[xi .. xi+n)`. */
function axpy(acc: Float64Array | TypedArray, ao: number, w: number, x: TypedArray | Float64Array, xi: number, n: number): void {
  for (let d = 0; d < n; d++) acc[ao + d] += w * x[xi + d];
}

/** Element index of `(b, h, i, 0)` in a broadcast mask operand. */
function maskRowBase(m: AttentionMaskOperand, b: number, h: number, i: number): number {
  return b * m.batchStride + h * m.headStride + i * m.rowStride;
}

/** Number of keys query `i` may see before the causal limit. */
function keyEnd(p: FusedAttentionProblem, i: number): number {
  if (p.causalOffset === null) return p.keyLength;
  return Math.max(0, Math.min(p.keyLength, i + p.causalOffset + 1));
}

/**
 * Fills `row[0 .. jEnd)` with the scaled, biased scores of query `i` (−∞ for masked keys) and returns their
 * maximum (−∞ when every key is masked).
 */
function scoreRow(p: FusedAttentionProblem, b: number, h: number, i: number, jEnd: number, row: Float64Array): number {
  const { q, k, headDim: D, scale } = p;
  const qd = q.handle as TypedArray, kd = k.handle as TypedArray;
  const qi = q.offset + b * q.batchStride + h * q.headStride + i * q.rowStride;
  const kBase = k.offset + b * k.batchStride + h * k.headStride;
  const mask = p.mask, bias = p.bias;
  const md = mask === null ? null : (mask.handle as TypedArray);
  const bd = bias === null ? null : (bias.handle as TypedArray);
  const mRow = mask === null ? 0 : maskRowBase(mask, b, h, i);
  const bRow = bias === null ? 0 : maskRowBase(bias, b, h, i);
  const mcs = mask === null ? 0 : mask.colStride;
  const bcs = bias === null ? 0 : bias.colStride;
  let max = -Infinity;
  for (let j = 0; j < jEnd; j++) {
    if (md !== null && md[mRow + j * mcs] !== 0) {
      row[j] = -Infinity;
      continue;
    }
    let s = dot(qd, qi, kd, kBase + j * k.rowStride, D) * scale;
    if (bd !== null) s += bd[bRow + j * bcs];
    row[j] = s;
    if (s > max) max = s;
  }
  return max;
}

function attention(p: FusedAttentionProblem, saveProbs: boolean): FusedAttentionResult {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv, v } = p;
  const out = allocArray(p.dtype, B * H * L * Dv);
  const probs = saveProbs ? allocArray(p.dtype, B * H * L * S) : null;
  const drop = p.dropout === null ? null : (p.dropout as TypedArray);
  const vd = v.handle as TypedArray;
  const row = grow('row', S);
  const acc = grow('acc', Dv);
  const [obs, ohs, ors] = p.outStrides;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const vBase = v.offset + b * v.batchStride + h * v.headStride;
      for (let i = 0; i < L; i++) {
        const jEnd = keyEnd(p, i);
        const max = scoreRow(p, b, h, i, jEnd, row);
        const pRow = ((b * H + h) * L + i) * S;
        // A row with no visible key keeps zero probabilities and a zero output (allocations start at 0).
        if (max === -Infinity) continue;
        let total = 0;
        for (let j = 0; j < jEnd; j++) {
          const e = row[j] === -Infinity ? 0 : Math.exp(row[j] - max);
          row[j] = e;
          total += e;
        }
        const inv = 1 / total;
        acc.fill(0, 0, Dv);
        for (let j = 0; j < jEnd; j++) {
          const pj = row[j] * inv;
          if (probs !== null) probs[pRow + j] = pj;
          const w = drop === null ? pj : pj * drop[pRow + j];
          if (w !== 0) axpy(acc, 0, w, vd, vBase + j * v.rowStride, Dv);
        }
        const o = b * obs + h * ohs + i * ors;
        for (let d = 0; d < Dv; d++) out[o + d] = acc[d];
      }
    }
  }
  return { out, probs };
}

function attentionBackward(p: FusedAttentionProblem, args: FusedAttentionBackwardArgs): DataHandle[] {
  const { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D, valueDim: Dv, q, k, v, scale } = p;
  const grads = args.slotSizes.map((n) => allocArray(p.dtype, n));
  const dq = grads[args.slots[0]], dk = grads[args.slots[1]], dv = grads[args.slots[2]];
  const qd = q.handle as TypedArray, kd = k.handle as TypedArray, vd = v.handle as TypedArray;
  const probs = args.probs as TypedArray;
  const gOut = args.gradOut as TypedArray;
  const gW = args.gradWeights === null ? null : (args.gradWeights as TypedArray);
  const drop = p.dropout === null ? null : (p.dropout as TypedArray);
  const dP = grow('row', S);
  const dqRow = grow('acc', D);
  const dkAcc = grow('dk', S * D);
  const dvAcc = grow('dv', S * Dv);
  const [obs, ohs, ors] = p.outStrides;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const qBase = q.offset + b * q.batchStride + h * q.headStride;
      const kBase = k.offset + b * k.batchStride + h * k.headStride;
      const vBase = v.offset + b * v.batchStride + h * v.headStride;
      dkAcc.fill(0, 0, S * D);
      dvAcc.fill(0, 0, S * Dv);
      for (let i = 0; i < L; i++) {
        const jEnd = keyEnd(p, i);
        const pRow = ((b * H + h) * L + i) * S;
        const g = b * obs + h * ohs + i * ors;
        let rowDot = 0;
        for (let j = 0; j < jEnd; j++) {
          const pj = probs[pRow + j];
          // A zero probability (masked key, or underflow) contributes to neither dV nor dS.
          if (pj === 0) {
            dP[j] = 0;
            continue;
          }
          const keep = drop === null ? 1 : drop[pRow + j];
          let dWeight = dot(gOut, g, vd, vBase + j * v.rowStride, Dv);
          if (gW !== null) dWeight += gW[pRow + j];
          const dpj = dWeight * keep;
          dP[j] = dpj;
          rowDot += pj * dpj;
          const w = pj * keep;
          if (w !== 0) axpy(dvAcc, j * Dv, w, gOut, g, Dv);
        }
        dqRow.fill(0, 0, D);
        const qi = qBase + i * q.rowStride;
        for (let j = 0; j < jEnd; j++) {
          const pj = probs[pRow + j];
          if (pj === 0) continue;
          const ds = pj * (dP[j] - rowDot) * scale;
          axpy(dqRow, 0, ds, kd, kBase + j * k.rowStride, D);
          axpy(dkAcc, j * D, ds, qd, qi, D);
        }
        for (let d = 0; d < D; d++) dq[qi + d] += dqRow[d];
      }
      for (let j = 0; j < S; j++) {
        const ko = kBase + j * k.rowStride, vo = vBase + j * v.rowStride;
        for (let d = 0; d < D; d++) dk[ko + d] += dkAcc[j * D + d];
        for (let d = 0; d < Dv; d++) dv[vo + d] += dvAcc[j * Dv + d];
      }
    }
  }
  return grads;
}

/** The CPU backend's fused attention kernels (see the contract in `fused-attention.ts`). */
export const fusedAttentionKernels: FusedAttentionKernels = { attention, attentionBackward };

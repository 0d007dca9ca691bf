// CPU fused attention: per (batch, head), scores → mask → softmax → weighted sum in reused float64 buffers, and its backward.
import type { DataHandle } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import type {
  AttentionMaskOperand,
  AttentionOperand,
  FusedAttentionBackwardArgs,
  FusedAttentionKernels,
  FusedAttentionProblem,
  FusedAttentionResult,
} from '../fused-attention.js';

/**
 * Per-head work buffers, reused across calls and grown on demand. Each head's operands are first copied into
 * contiguous float64 blocks, so every product below runs one monomorphic register-blocked kernel whatever the
 * caller's dtype and strides, and float32 problems accumulate without extra rounding.
 */
const work = {
  q: new Float64Array(0),
  k: new Float64Array(0),
  v: new Float64Array(0),
  gradOut: new Float64Array(0),
  probs: new Float64Array(0),
  scores: new Float64Array(0),
  gradQ: new Float64Array(0),
  gradK: new Float64Array(0),
  gradV: new Float64Array(0),
};

function buffer(name: keyof typeof work, size: number): Float64Array {
  if (work[name].length < size) work[name] = new Float64Array(size);
  return work[name];
}

/**
 * `C (+)= A·B` for an `m×k` A and a `k×n` B read through strides (`A(i, p) = a[ao + i·ars + p·acs]`,
 * `B(p, j) = b[bo + p·brs + j·bcs]`) into a row-major C with row stride `crs`, in 4×4 register blocks.
 */
function gemm(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  ars: number,
  acs: number,
  b: Float64Array,
  bo: number,
  brs: number,
  bcs: number,
  c: Float64Array,
  co: number,
  crs: number,
  accumulate: boolean,
): void {
  const ars2 = 2 * ars,
    ars3 = 3 * ars,
    bcs2 = 2 * bcs,
    bcs3 = 3 * bcs;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let pa = ao + i * ars,
        pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        const a0 = a[pa],
          a1 = a[pa + ars],
          a2 = a[pa + ars2],
          a3 = a[pa + ars3];
        const b0 = b[pb],
          b1 = b[pb + bcs],
          b2 = b[pb + bcs2],
          b3 = b[pb + bcs3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        pa += acs;
        pb += brs;
      }
      const r0 = co + i * crs + j,
        r1 = r0 + crs,
        r2 = r1 + crs,
        r3 = r2 + crs;
      if (accumulate) {
        c[r0] += c00;
        c[r0 + 1] += c01;
        c[r0 + 2] += c02;
        c[r0 + 3] += c03;
        c[r1] += c10;
        c[r1 + 1] += c11;
        c[r1 + 2] += c12;
        c[r1 + 3] += c13;
        c[r2] += c20;
        c[r2 + 1] += c21;
        c[r2 + 2] += c22;
        c[r2 + 3] += c23;
        c[r3] += c30;
        c[r3 + 1] += c31;
        c[r3 + 2] += c32;
        c[r3 + 3] += c33;
      } else {
        c[r0] = c00;
        c[r0 + 1] = c01;
        c[r0 + 2] = c02;
        c[r0 + 3] = c03;
        c[r1] = c10;
        c[r1 + 1] = c11;
        c[r1 + 2] = c12;
        c[r1 + 3] = c13;
        c[r2] = c20;
        c[r2 + 1] = c21;
        c[r2 + 2] = c22;
        c[r2 + 3] = c23;
        c[r3] = c30;
        c[r3 + 1] = c31;
        c[r3 + 2] = c32;
        c[r3 + 3] = c33;
      }
    }
    for (; j < n; j++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let pa = ao + i * ars,
        pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        const bv = b[pb];
        s0 += a[pa] * bv;
        s1 += a[pa + ars] * bv;
        s2 += a[pa + ars2] * bv;
        s3 += a[pa + ars3] * bv;
        pa += acs;
        pb += brs;
      }
      const r = co + i * crs + j;
      if (accumulate) {
        c[r] += s0;
        c[r + crs] += s1;
        c[r + 2 * crs] += s2;
        c[r + 3 * crs] += s3;
      } else {
        c[r] = s0;
        c[r + crs] = s1;
        c[r + 2 * crs] = s2;
        c[r + 3 * crs] = s3;
      }
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = ao + i * ars,
        pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        s += a[pa] * b[pb];
        pa += acs;
        pb += brs;
      }
      const r = co + i * crs + j;
      c[r] = accumulate ? c[r] + s : s;
    }
  }
}

/** Copies head `(b, h)` of `op` (`rows × cols`) into the contiguous block `dst`. */
function packHead(op: AttentionOperand, b: number, h: number, rows: number, cols: number, dst: Float64Array): void {
  const src = op.handle as TypedArray;
  const base = op.offset + b * op.batchStride + h * op.headStride;
  for (let r = 0; r < rows; r++) {
    const s = base + r * op.rowStride,
      d = r * cols;
    for (let c = 0; c < cols; c++) dst[d + c] = src[s + c];
  }
}

/** Adds the contiguous block `src` (`rows × cols`) into head `(b, h)` of a storage laid out like `op`. */
function addHead(op: AttentionOperand, b: number, h: number, rows: number, cols: number, src: Float64Array, dst: TypedArray): void {
  const base = op.offset + b * op.batchStride + h * op.headStride;
  for (let r = 0; r < rows; r++) {
    const d = base + r * op.rowStride,
      s = r * cols;
    for (let c = 0; c < cols; c++) dst[d + c] += src[s + c];
  }
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

/** Row blocks of four queries share one key range: the widest of their causal limits. */
function blockKeyEnd(p: FusedAttentionProblem, i0: number): number {
  return keyEnd(p, Math.min(i0 + 3, p.queryLength - 1));
}

/**
 * Turns row `i` of `scores` (already scaled, `S` wide) into softmax probabilities in place: bias added, masked and
 * causally hidden keys set to 0, and a row with no visible key left all 0.
 */
function softmaxRow(p: FusedAttentionProblem, b: number, h: number, i: number, scores: Float64Array): void {
  const S = p.keyLength;
  const row = i * S;
  const jEnd = keyEnd(p, i);
  const mask = p.mask,
    bias = p.bias;
  if (bias !== null) {
    const bd = bias.handle as TypedArray,
      base = maskRowBase(bias, b, h, i),
      cs = bias.colStride;
    for (let j = 0; j < jEnd; j++) scores[row + j] += bd[base + j * cs];
  }
  if (mask !== null) {
    const md = mask.handle as TypedArray,
      base = maskRowBase(mask, b, h, i),
      cs = mask.colStride;
    for (let j = 0; j < jEnd; j++) if (md[base + j * cs] !== 0) scores[row + j] = -Infinity;
  }
  let max = -Infinity;
  for (let j = 0; j < jEnd; j++) if (scores[row + j] > max) max = scores[row + j];
  if (max === -Infinity) {
    scores.fill(0, row, row + S);
    return;
  }
  let total = 0;
  for (let j = 0; j < jEnd; j++) {
    const e = Math.exp(scores[row + j] - max);
    scores[row + j] = e;
    total += e;
  }
  const inv = 1 / total;
  for (let j = 0; j < jEnd; j++) scores[row + j] *= inv;
  scores.fill(0, row + jEnd, row + S);
}

/** `probs × dropout` for head `(b, h)` into `dst` (or `probs` itself without dropout). */
function droppedProbs(p: FusedAttentionProblem, headBase: number, probs: Float64Array, scratch: Float64Array): Float64Array {
  if (p.dropout === null) return probs;
  const drop = p.dropout as TypedArray;
  const n = p.queryLength * p.keyLength;
  for (let e = 0; e < n; e++) scratch[e] = probs[e] * drop[headBase + e];
  return scratch;
}

function attention(p: FusedAttentionProblem, saveProbs: boolean): FusedAttentionResult {
  const { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D, valueDim: Dv, scale } = p;
  const out = allocArray(p.dtype, B * H * L * Dv);
  const probsOut = saveProbs ? allocArray(p.dtype, B * H * L * S) : null;
  const q = buffer('q', L * D),
    k = buffer('k', S * D),
    v = buffer('v', S * Dv);
  const probs = buffer('probs', L * S),
    dropped = buffer('scores', L * S),
    o = buffer('gradOut', L * Dv);
  const [obs, ohs, ors] = p.outStrides;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      packHead(p.q, b, h, L, D, q);
      packHead(p.k, b, h, S, D, k);
      packHead(p.v, b, h, S, Dv, v);
      // Scores Q·Kᵀ, only as far right as each block of four queries can see.
      for (let i0 = 0; i0 < L; i0 += 4) {
        gemm(Math.min(4, L - i0), blockKeyEnd(p, i0), D, q, i0 * D, D, 1, k, 0, 1, D, probs, i0 * S, S, false);
      }
      for (let e = 0; e < L * S; e++) probs[e] *= scale;
      for (let i = 0; i < L; i++) softmaxRow(p, b, h, i, probs);
      const headBase = (b * H + h) * L * S;
      if (probsOut !== null) for (let e = 0; e < L * S; e++) probsOut[headBase + e] = probs[e];
      const weights = droppedProbs(p, headBase, probs, dropped);
      for (let i0 = 0; i0 < L; i0 += 4) {
        gemm(Math.min(4, L - i0), Dv, blockKeyEnd(p, i0), weights, i0 * S, S, 1, v, 0, Dv, 1, o, i0 * Dv, Dv, false);
      }
      const base = b * obs + h * ohs;
      for (let i = 0; i < L; i++) {
        const d = base + i * ors,
          s = i * Dv;
        for (let c = 0; c < Dv; c++) out[d + c] = o[s + c];
      }
    }
  }
  return { out, probs: probsOut };
}

function attentionBackward(p: FusedAttentionProblem, args: FusedAttentionBackwardArgs): DataHandle[] {
  const { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D, valueDim: Dv, scale } = p;
  const grads = args.slotShapes.map((shape) => allocArray(p.dtype, sizeOf(shape)));
  const dqOut = grads[args.slots[0]],
    dkOut = grads[args.slots[1]],
    dvOut = grads[args.slots[2]];
  const savedProbs = args.probs as TypedArray;
  const gOutAll = args.gradOut as TypedArray;
  const gW = args.gradWeights === null ? null : (args.gradWeights as TypedArray);
  const drop = p.dropout === null ? null : (p.dropout as TypedArray);
  const q = buffer('q', L * D),
    k = buffer('k', S * D),
    v = buffer('v', S * Dv),
    gOut = buffer('gradOut', L * Dv);
  const probs = buffer('probs', L * S),
    dS = buffer('scores', L * S);
  const dq = buffer('gradQ', L * D),
    dk = buffer('gradK', S * D),
    dv = buffer('gradV', S * Dv);
  const [obs, ohs, ors] = p.outStrides;
  const causal = p.causalOffset;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      packHead(p.q, b, h, L, D, q);
      packHead(p.k, b, h, S, D, k);
      packHead(p.v, b, h, S, Dv, v);
      const go = b * obs + h * ohs;
      for (let i = 0; i < L; i++) for (let c = 0; c < Dv; c++) gOut[i * Dv + c] = gOutAll[go + i * ors + c];
      const headBase = (b * H + h) * L * S;
      for (let e = 0; e < L * S; e++) probs[e] = savedProbs[headBase + e];
      // dV = (P × dropout)ᵀ·dO; with causality, key block j0 only receives from queries i ≥ j0 − offset.
      const weights = droppedProbs(p, headBase, probs, dS);
      for (let j0 = 0; j0 < S; j0 += 4) {
        const iStart = causal === null ? 0 : Math.min(L, Math.max(0, j0 - causal));
        gemm(Math.min(4, S - j0), Dv, L - iStart, weights, iStart * S + j0, 1, S, gOut, iStart * Dv, Dv, 1, dv, j0 * Dv, Dv, false);
      }
      // dP = (dO·Vᵀ + dW) × dropout, then dS = P × (dP − rowsum(P × dP)) · scale.
      for (let i0 = 0; i0 < L; i0 += 4) {
        gemm(Math.min(4, L - i0), blockKeyEnd(p, i0), Dv, gOut, i0 * Dv, Dv, 1, v, 0, 1, Dv, dS, i0 * S, S, false);
      }
      for (let i = 0; i < L; i++) {
        const row = i * S,
          jEnd = keyEnd(p, i);
        let rowDot = 0;
        for (let j = 0; j < jEnd; j++) {
          let dp = dS[row + j];
          if (gW !== null) dp += gW[headBase + row + j];
          if (drop !== null) dp *= drop[headBase + row + j];
          dS[row + j] = dp;
          rowDot += probs[row + j] * dp;
        }
        for (let j = 0; j < jEnd; j++) dS[row + j] = probs[row + j] * (dS[row + j] - rowDot) * scale;
        dS.fill(0, row + jEnd, row + S);
      }
      // dQ = dS·K and dK = dSᵀ·Q.
      for (let i0 = 0; i0 < L; i0 += 4) {
        gemm(Math.min(4, L - i0), D, blockKeyEnd(p, i0), dS, i0 * S, S, 1, k, 0, D, 1, dq, i0 * D, D, false);
      }
      for (let j0 = 0; j0 < S; j0 += 4) {
        const iStart = causal === null ? 0 : Math.min(L, Math.max(0, j0 - causal));
        gemm(Math.min(4, S - j0), D, L - iStart, dS, iStart * S + j0, 1, S, q, iStart * D, D, 1, dk, j0 * D, D, false);
      }
      addHead(p.q, b, h, L, D, dq, dqOut);
      addHead(p.k, b, h, S, D, dk, dkOut);
      addHead(p.v, b, h, S, Dv, dv, dvOut);
    }
  }
  return grads;
}

/** The CPU backend's fused attention kernels (see the contract in `fused-attention.ts`). */
export const fusedAttentionKernels: FusedAttentionKernels = { attention, attentionBackward };

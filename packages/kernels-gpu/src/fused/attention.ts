// The gpu backend's fused scaled dot-product attention: scores with mask, bias and causal limit, a max-subtracted
// softmax (row max, row sum, probabilities), dropout and the weighted sum of V, each one program; and its backward.
import {
  DTypeMismatchError,
  sizeOf,
  type AttentionMaskOperand,
  type AttentionOperand,
  type DataHandle,
  type FusedAttentionBackwardArgs,
  type FusedAttentionProblem,
  type FusedAttentionResult,
} from '@seqlab/tensor-core';
import { runProgram, type ProgramArg } from '../program.js';
import type { GpuFloat } from '../storage.js';
import { divSource, f, fill, release } from './programs.js';

// A masked score: below every finite score the kernels meet, and read back as "no weight".
const MASKED = '-3.0e38';
const IS_MASKED = '-1.0e38';

/** One coordinate of a strided index: its name, extent and stride. */
interface Axis {
  readonly name: string;
  readonly extent: number;
  readonly stride: number;
}

/**
 * Statements declaring the coordinates of `axes` from the element index `rel` (a float expression), dividing by the
 * strides from the largest down (a layout whose axes nest: each stride at least the extent times the next), and
 * `inside<tag>` (1.0 when `rel` is the index of an element of the layout, else 0.0). Axes of extent 1 read 0.
 */
function decodeSource(rel: string, axes: readonly Axis[], tag: string): string {
  const sorted = axes.filter((a) => a.extent > 1).sort((a, b) => b.stride - a.stride);
  const lines = [`let ${tag}Rem = ${rel}; let inside${tag} = 1.0; if (${tag}Rem < 0.0) { inside${tag} = 0.0; }`];
  for (const a of axes) if (a.extent <= 1) lines.push(`const ${a.name} = 0.0;`);
  for (const a of sorted) {
    lines.push(`${divSource(`${tag}Rem`, f(a.stride), a.name, `${a.name}Rm`)} ${tag}Rem = ${a.name}Rm;`);
    lines.push(`if (${a.name} >= ${f(a.extent)}) { inside${tag} = 0.0; }`);
  }
  lines.push(`if (${tag}Rem > 0.5) { inside${tag} = 0.0; }`);
  return lines.join(' ');
}

/** The axes (b, h, r, c) of an operand `rows × cols` per head. */
function operandAxes(p: FusedAttentionProblem, op: AttentionOperand, rows: number, cols: number, prefix: string): Axis[] {
  return [
    { name: `${prefix}b`, extent: p.batch, stride: op.batchStride },
    { name: `${prefix}h`, extent: p.heads, stride: op.headStride },
    { name: `${prefix}r`, extent: rows, stride: op.rowStride },
    { name: `${prefix}c`, extent: cols, stride: 1 },
  ];
}

/** A float expression for element (b, h, r, c) of operand `op` read as `name` (the offset is baked in). */
function operandIndex(op: AttentionOperand, b: string, h: string, r: string, c: string): string {
  return `${f(op.offset)} + ${b} * ${f(op.batchStride)} + ${h} * ${f(op.headStride)} + ${r} * ${f(op.rowStride)} + ${c}`;
}

/** A float expression for element (b, h, i, j) of a broadcast mask or bias operand. */
function maskIndex(m: AttentionMaskOperand, b: string, h: string, i: string, j: string): string {
  return `${b} * ${f(m.batchStride)} + ${h} * ${f(m.headStride)} + ${i} * ${f(m.rowStride)} + ${j} * ${f(m.colStride)}`;
}

/** Statements declaring b, h, i, j of a contiguous `[B, H, L, S]` element `e`. */
function bhijSource(p: FusedAttentionProblem): string {
  const { heads: H, queryLength: L, keyLength: S } = p;
  return `const e = this.thread.x * 1.0; ${divSource('e', f(S), 'bhi', 'j')} ` + `${divSource('bhi', f(L), 'bh', 'i')} ${divSource('bh', f(H), 'b', 'h')}`;
}

/** The problem's shape, strides and flags as a cache-key fragment (offsets and strides are baked into the sources). */
function problemKey(p: FusedAttentionProblem): string {
  const op = (o: AttentionOperand) => `${o.offset},${o.batchStride},${o.headStride},${o.rowStride},${(o.handle as GpuFloat).size}`;
  const m = (o: AttentionMaskOperand | null) =>
    o === null
      ? 'none'
      : `${o.batchStride},${o.headStride},${o.rowStride},${o.colStride},${(o.handle as { length?: number; size?: number }).size ?? (o.handle as { length: number }).length}`;
  return [
    `${p.batch},${p.heads},${p.queryLength},${p.keyLength},${p.headDim},${p.valueDim}`,
    op(p.q),
    op(p.k),
    op(p.v),
    p.causalOffset === null ? 'nocausal' : 'causal',
    m(p.mask),
    m(p.bias),
    p.dropout === null ? 'nodrop' : 'drop',
    p.outStrides.join(','),
  ].join('|');
}

/** The bool mask as a kernel input (0/1 floats) or 0 when there is none. */
function maskInput(p: FusedAttentionProblem): ProgramArg {
  return p.mask === null ? 0 : Float32Array.from(p.mask.handle as ArrayLike<number>);
}

function checkFloat32(op: string, p: FusedAttentionProblem): void {
  if (p.dtype !== 'float32') throw new DTypeMismatchError(`${op}: the gpu backend computes attention in float32; received problem dtype ${p.dtype}`);
}

/** Scaled scores with bias added, and {@link MASKED} at masked keys and past the causal limit: `[B, H, L, S]`. */
function scores(op: string, p: FusedAttentionProblem): GpuFloat {
  const D = p.headDim;
  const build = () => ({
    source:
      `function (q, k, mask, bias, scale, causalOffset) { ${bhijSource(p)} let s = 0.0; ` +
      `let pq = ${operandIndex(p.q, 'b', 'h', 'i', '0.0')}; let pk = ${operandIndex(p.k, 'b', 'h', 'j', '0.0')}; ` +
      `for (let d = 0; d < ${D}; d++) { s += q[pq] * k[pk]; pq += 1.0; pk += 1.0; } s = s * scale; ` +
      (p.bias !== null ? `s += bias[${maskIndex(p.bias, 'b', 'h', 'i', 'j')}]; ` : '') +
      (p.mask !== null ? `if (mask[${maskIndex(p.mask, 'b', 'h', 'i', 'j')}] > 0.5) { s = ${MASKED}; } ` : '') +
      (p.causalOffset !== null ? `if (j > i + causalOffset) { s = ${MASKED}; } ` : '') +
      'return s; }',
  });
  const n = p.batch * p.heads * p.queryLength * p.keyLength;
  return runProgram(op, `attention|scores|${problemKey(p)}`, build, n, [
    p.q.handle as GpuFloat,
    p.k.handle as GpuFloat,
    maskInput(p),
    p.bias === null ? 0 : (p.bias.handle as GpuFloat),
    p.scale,
    p.causalOffset ?? 0,
  ]);
}

/** Softmax probabilities of the scores, max-subtracted, 0 at masked keys and in rows with no visible key. */
function probabilities(op: string, p: FusedAttentionProblem, s: GpuFloat): GpuFloat {
  const { batch: B, heads: H, queryLength: L, keyLength: S } = p;
  const rows = B * H * L;
  const shape = `${B},${H},${L},${S}`;
  const rowMax = runProgram(
    op,
    `attention|rowmax|${shape}`,
    () => ({
      source: `function (s) { let m = ${MASKED}; let q = this.thread.x * ${f(S)}; for (let j = 0; j < ${S}; j++) { const v = s[q]; if (v > m) { m = v; } q += 1.0; } return m; }`,
    }),
    rows,
    [s],
  );
  const rowSum = runProgram(
    op,
    `attention|rowsum|${shape}`,
    () => ({
      source:
        `function (s, mx) { const m = mx[this.thread.x]; let t = 0.0; let q = this.thread.x * ${f(S)}; ` +
        `for (let j = 0; j < ${S}; j++) { const v = s[q]; if (v > ${IS_MASKED}) { t += Math.exp(v - m); } q += 1.0; } return t; }`,
    }),
    rows,
    [s, rowMax],
  );
  const probs = runProgram(
    op,
    `attention|probs|${shape}`,
    () => ({
      source:
        `function (s, mx, sm) { const e = this.thread.x * 1.0; ${divSource('e', f(S), 'row', 'rowRem')} const v = s[e]; const m = mx[row]; ` +
        `let y = 0.0; if (v > ${IS_MASKED} && m > ${IS_MASKED}) { y = Math.exp(v - m) / sm[row]; } return y; }`,
    }),
    rows * S,
    [s, rowMax, rowSum],
  );
  release(rowMax, rowSum);
  return probs;
}

/** The output axes of the problem's `outStrides` layout (b, h, i, c). */
function outAxes(p: FusedAttentionProblem): Axis[] {
  const [obs, ohs, ors] = p.outStrides;
  return [
    { name: 'b', extent: p.batch, stride: obs },
    { name: 'h', extent: p.heads, stride: ohs },
    { name: 'i', extent: p.queryLength, stride: ors },
    { name: 'c', extent: p.valueDim, stride: 1 },
  ];
}

/** `(probs × dropout)·V` in the `outStrides` layout. */
function weightedValues(op: string, p: FusedAttentionProblem, probs: GpuFloat): GpuFloat {
  const { heads: H, queryLength: L, keyLength: S } = p;
  const w = p.dropout === null ? 'probs[pp]' : 'probs[pp] * drop[pp]';
  const build = () => ({
    source:
      `function (probs, v, drop) { ${decodeSource('this.thread.x * 1.0', outAxes(p), 'O')} ` +
      `let pp = ((b * ${f(H)} + h) * ${f(L)} + i) * ${f(S)}; let pv = ${operandIndex(p.v, 'b', 'h', '0.0', 'c')}; let s = 0.0; ` +
      `for (let j = 0; j < ${S}; j++) { s += ${w} * v[pv]; pp += 1.0; pv += ${f(p.v.rowStride)}; } return s; }`,
  });
  return runProgram(op, `attention|out|${problemKey(p)}`, build, p.batch * H * L * p.valueDim, [
    probs,
    p.v.handle as GpuFloat,
    p.dropout === null ? 0 : (p.dropout as GpuFloat),
  ]);
}

function attention(p: FusedAttentionProblem, saveProbs: boolean): FusedAttentionResult {
  const op = 'attention';
  checkFloat32(op, p);
  const s = scores(op, p);
  const probs = probabilities(op, p, s);
  release(s);
  const out = weightedValues(op, p, probs);
  if (saveProbs) return { out, probs };
  release(probs);
  return { out, probs: null };
}

/** `dV[b, h, j, c] = Σ_i (P × dropout)[i, j]·dO[i, c]`, contiguous `[B, H, S, Dv]`. */
function valueGrad(op: string, p: FusedAttentionProblem, probs: GpuFloat, gradOut: GpuFloat): GpuFloat {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv } = p;
  const w = p.dropout === null ? 'probs[pp]' : 'probs[pp] * drop[pp]';
  const [obs, ohs, ors] = p.outStrides;
  const build = () => ({
    source:
      `function (probs, gradOut, drop) { const e = this.thread.x * 1.0; ${divSource('e', f(Dv), 'bhj', 'c')} ` +
      `${divSource('bhj', f(S), 'bh', 'j')} ${divSource('bh', f(H), 'b', 'h')} ` +
      `let pp = bh * ${f(L * S)} + j; let po = b * ${f(obs)} + h * ${f(ohs)} + c; let s = 0.0; ` +
      `for (let i = 0; i < ${L}; i++) { s += ${w} * gradOut[po]; pp += ${f(S)}; po += ${f(ors)}; } return s; }`,
  });
  return runProgram(op, `attentionBackward|dv|${problemKey(p)}`, build, B * H * S * Dv, [probs, gradOut, p.dropout === null ? 0 : (p.dropout as GpuFloat)]);
}

/** `dS = P × (dP − rowsum(P × dP))·scale` with `dP = (dO·Vᵀ + dW) × dropout`, contiguous `[B, H, L, S]`. */
function scoreGrad(op: string, p: FusedAttentionProblem, probs: GpuFloat, gradOut: GpuFloat, gradWeights: GpuFloat | null): GpuFloat {
  const { batch: B, heads: H, queryLength: L, keyLength: S, valueDim: Dv } = p;
  const [obs, ohs, ors] = p.outStrides;
  const key = problemKey(p) + `|${gradWeights !== null}`;
  const dP = runProgram(
    op,
    `attentionBackward|dp|${key}`,
    () => ({
      source:
        `function (gradOut, v, gw, drop) { ${bhijSource(p)} let po = b * ${f(obs)} + h * ${f(ohs)} + i * ${f(ors)}; ` +
        `let pv = ${operandIndex(p.v, 'b', 'h', 'j', '0.0')}; let s = 0.0; ` +
        `for (let c = 0; c < ${Dv}; c++) { s += gradOut[po] * v[pv]; po += 1.0; pv += 1.0; } ` +
        (gradWeights !== null ? 's += gw[e]; ' : '') +
        (p.dropout !== null ? 's = s * drop[e]; ' : '') +
        'return s; }',
    }),
    B * H * L * S,
    [gradOut, p.v.handle as GpuFloat, gradWeights ?? 0, p.dropout === null ? 0 : (p.dropout as GpuFloat)],
  );
  const rowDot = runProgram(
    op,
    `attentionBackward|rowdot|${B},${H},${L},${S}`,
    () => ({
      source: `function (probs, dp) { let q = this.thread.x * ${f(S)}; let s = 0.0; for (let j = 0; j < ${S}; j++) { s += probs[q] * dp[q]; q += 1.0; } return s; }`,
    }),
    B * H * L,
    [probs, dP],
  );
  const dS = runProgram(
    op,
    `attentionBackward|ds|${B},${H},${L},${S}`,
    () => ({
      source: `function (probs, dp, dot, scale) { const e = this.thread.x * 1.0; ${divSource('e', f(S), 'row', 'rowRem')} return probs[e] * (dp[e] - dot[row]) * scale; }`,
    }),
    B * H * L * S,
    [probs, dP, rowDot, p.scale],
  );
  release(dP, rowDot);
  return dS;
}

/**
 * `dQ = dS·K` (`[B, H, L, D]`, `transposed` false) or `dK = dSᵀ·Q` (`[B, H, S, D]`, true), contiguous; `other` is the
 * operand multiplied (K for dQ, Q for dK).
 */
function queryKeyGrad(op: string, p: FusedAttentionProblem, dS: GpuFloat, other: AttentionOperand, transposed: boolean): GpuFloat {
  const { batch: B, heads: H, queryLength: L, keyLength: S, headDim: D } = p;
  const rows = transposed ? S : L;
  const depth = transposed ? L : S;
  // Walk dS along a row (dQ) or down a column (dK).
  const start = transposed ? `bh * ${f(L * S)} + r` : `(bh * ${f(L)} + r) * ${f(S)}`;
  const step = transposed ? f(S) : '1.0';
  const build = () => ({
    source:
      `function (ds, x) { const e = this.thread.x * 1.0; ${divSource('e', f(D), 'bhr', 'c')} ` +
      `${divSource('bhr', f(rows), 'bh', 'r')} ${divSource('bh', f(H), 'b', 'h')} ` +
      `let pd = ${start}; let px = ${operandIndex(other, 'b', 'h', '0.0', 'c')}; let s = 0.0; ` +
      `for (let k = 0; k < ${depth}; k++) { s += ds[pd] * x[px]; pd += ${step}; px += ${f(other.rowStride)}; } return s; }`,
  });
  return runProgram(op, `attentionBackward|${transposed ? 'dk' : 'dq'}|${problemKey(p)}`, build, B * H * rows * D, [dS, other.handle as GpuFloat]);
}

/**
 * One gradient storage of `size` elements: the sum, over the operands read from it, of each operand's contiguous
 * gradient placed at the offsets and strides the operand was read with (0 where no operand reads).
 */
function slotGrad(
  op: string,
  p: FusedAttentionProblem,
  size: number,
  parts: readonly { operand: AttentionOperand; rows: number; cols: number; grad: GpuFloat }[],
): GpuFloat {
  const { heads: H } = p;
  const params = parts.map((_, n) => `g${n}`).join(', ');
  const body = parts
    .map(({ operand, rows, cols }, n) => {
      const tag = `P${n}`;
      return (
        `{ ${decodeSource(`e - ${f(operand.offset)}`, operandAxes(p, operand, rows, cols, tag), tag)} ` +
        `if (inside${tag} > 0.5) { acc += g${n}[((${tag}b * ${f(H)} + ${tag}h) * ${f(rows)} + ${tag}r) * ${f(cols)} + ${tag}c]; } }`
      );
    })
    .join(' ');
  const key = `attentionBackward|slot|${size}|${problemKey(p)}|${parts.map((q) => `${q.operand.offset},${q.rows},${q.cols}`).join(';')}`;
  return runProgram(
    op,
    key,
    () => ({ source: `function (${params}) { const e = this.thread.x * 1.0; let acc = 0.0; ${body} return acc; }` }),
    size,
    parts.map((q) => q.grad),
  );
}

function attentionBackward(p: FusedAttentionProblem, args: FusedAttentionBackwardArgs): DataHandle[] {
  const op = 'attentionBackward';
  checkFloat32(op, p);
  const { queryLength: L, keyLength: S, headDim: D, valueDim: Dv } = p;
  if (p.batch * p.heads * L * S === 0) return args.slotShapes.map((shape) => fill(op, sizeOf(shape), 0));
  const probs = args.probs as GpuFloat,
    gradOut = args.gradOut as GpuFloat;
  const dV = valueGrad(op, p, probs, gradOut);
  const dS = scoreGrad(op, p, probs, gradOut, args.gradWeights as GpuFloat | null);
  const dQ = queryKeyGrad(op, p, dS, p.k, false);
  const dK = queryKeyGrad(op, p, dS, p.q, true);
  release(dS);
  const parts = [
    { operand: p.q, rows: L, cols: D, grad: dQ },
    { operand: p.k, rows: S, cols: D, grad: dK },
    { operand: p.v, rows: S, cols: Dv, grad: dV },
  ];
  const grads = args.slotShapes.map((shape, slot) => {
    const mine = parts.filter((_, n) => args.slots[n] === slot);
    return mine.length === 0 ? fill(op, sizeOf(shape), 0) : slotGrad(op, p, sizeOf(shape), mine);
  });
  release(dQ, dK, dV);
  return grads;
}

/**
 * The gpu backend's fused attention kernels (tensor-core's `FusedAttentionKernels` contract, float32).
 *
 * @example
 * ```ts
 * const { out, probs } = gpuAttentionKernels.attention(problem, true);
 * ```
 */
export const gpuAttentionKernels = { attention, attentionBackward };

// CPU batched matrix product: packed, cache-blocked GEMM with a 4×4 register micro-kernel, plus matrix–vector loops.
import type { Kernels, TensorInfo } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { sizeOf, type Shape } from '../shape.js';
import { broadcastStrides } from './broadcast.js';

// Register block: 16 accumulators plus 4 + 4 operands is about what V8 keeps in the 16 SSE registers.
const MR = 4;
const NR = 4;
// Cache blocks (elements): a KC×NR panel of B and a KC×MR panel of A stay in L1; an MC×KC block of A in L2.
const KC = 256;
const MC = 128;
const NC = 1024;

/** A strided matrix: element (r, c) is at `data[offset + r·rowStride + c·colStride]`. */
interface Strided {
  data: TypedArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

/**
 * Packing buffers, reused across calls and grown on demand. Packing keeps the input's precision: float32
 * inputs pack into Float32Array (lossless, half the memory traffic), float64 into Float64Array.
 */
const buffers = {
  a32: new Float32Array(0),
  b32: new Float32Array(0),
  a64: new Float64Array(0),
  b64: new Float64Array(0),
  row: new Float64Array(0),
  edge: new Float64Array(MR * NR),
};

function packBuffers(f64: boolean, aSize: number, bSize: number): [Float32Array | Float64Array, Float32Array | Float64Array] {
  if (f64) {
    if (buffers.a64.length < aSize) buffers.a64 = new Float64Array(aSize);
    if (buffers.b64.length < bSize) buffers.b64 = new Float64Array(bSize);
    return [buffers.a64, buffers.b64];
  }
  if (buffers.a32.length < aSize) buffers.a32 = new Float32Array(aSize);
  if (buffers.b32.length < bSize) buffers.b32 = new Float32Array(bSize);
  return [buffers.a32, buffers.b32];
}

/**
 * Packs rows `i0 .. i0+mc` × columns `p0 .. p0+kc` of A into MR-row panels: panel `ir` starts at `ir·kc` and
 * holds, for each p, the MR values A(i0+ir+r, p0+p) side by side. Rows past `mc` are zero so the
 * micro-kernel never needs a bounds check. The loop order follows whichever stride of A is contiguous.
 */
function packA(dst: Float32Array | Float64Array, a: Strided, i0: number, mc: number, p0: number, kc: number): void {
  const src = a.data,
    rs = a.rowStride,
    cs = a.colStride;
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const rows = Math.min(MR, mc - ir);
    const start = a.offset + (i0 + ir) * rs + p0 * cs;
    if (cs === 1) {
      for (let r = 0; r < rows; r++) {
        const s = start + r * rs;
        for (let p = 0; p < kc; p++) dst[base + p * MR + r] = src[s + p];
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = start + p * cs,
          d = base + p * MR;
        for (let r = 0; r < rows; r++) dst[d + r] = src[s + r * rs];
      }
    }
    for (let r = rows; r < MR; r++) for (let p = 0; p < kc; p++) dst[base + p * MR + r] = 0;
  }
}

/** Packs rows `p0 .. p0+kc` × columns `j0 .. j0+nc` of B into NR-column panels (panel `jr` at `jr·kc`), zero-padded. */
function packB(dst: Float32Array | Float64Array, b: Strided, p0: number, kc: number, j0: number, nc: number): void {
  const src = b.data,
    rs = b.rowStride,
    cs = b.colStride;
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const cols = Math.min(NR, nc - jr);
    const start = b.offset + p0 * rs + (j0 + jr) * cs;
    if (cs === 1) {
      for (let p = 0; p < kc; p++) {
        const s = start + p * rs,
          d = base + p * NR;
        for (let c = 0; c < cols; c++) dst[d + c] = src[s + c];
      }
    } else {
      for (let c = 0; c < cols; c++) {
        const s = start + c * cs;
        for (let p = 0; p < kc; p++) dst[base + p * NR + c] = src[s + p * rs];
      }
    }
    for (let c = cols; c < NR; c++) for (let p = 0; p < kc; p++) dst[base + p * NR + c] = 0;
  }
}

/**
 * C[0..mr, 0..nr] += Apanel · Bpanel over `kc` steps, with the 4×4 block of C held in locals.
 * Full blocks store straight into C; edge blocks go through a scratch block and store only their valid part.
 */
function micro(
  ap: Float32Array | Float64Array,
  ao: number,
  bp: Float32Array | Float64Array,
  bo: number,
  kc: number,
  c: TypedArray,
  co: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ao],
      a1 = ap[ao + 1],
      a2 = ap[ao + 2],
      a3 = ap[ao + 3];
    const b0 = bp[bo],
      b1 = bp[bo + 1],
      b2 = bp[bo + 2],
      b3 = bp[bo + 3];
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
    ao += MR;
    bo += NR;
  }
  if (mr === MR && nr === NR) {
    let o = co;
    c[o] += c00;
    c[o + 1] += c01;
    c[o + 2] += c02;
    c[o + 3] += c03;
    o += ldc;
    c[o] += c10;
    c[o + 1] += c11;
    c[o + 2] += c12;
    c[o + 3] += c13;
    o += ldc;
    c[o] += c20;
    c[o + 1] += c21;
    c[o + 2] += c22;
    c[o + 3] += c23;
    o += ldc;
    c[o] += c30;
    c[o + 1] += c31;
    c[o + 2] += c32;
    c[o + 3] += c33;
    return;
  }
  const e = buffers.edge;
  e[0] = c00;
  e[1] = c01;
  e[2] = c02;
  e[3] = c03;
  e[4] = c10;
  e[5] = c11;
  e[6] = c12;
  e[7] = c13;
  e[8] = c20;
  e[9] = c21;
  e[10] = c22;
  e[11] = c23;
  e[12] = c30;
  e[13] = c31;
  e[14] = c32;
  e[15] = c33;
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) c[co + i * ldc + j] += e[i * NR + j];
}

/** C (m×n, row-major at `cOff`, zero on entry) += A·B by blocks: pack B's panel, pack A's block, sweep micro-tiles. */
function gemmBlocked(a: Strided, b: Strided, c: TypedArray, cOff: number, m: number, n: number, k: number, f64: boolean): void {
  const kcMax = Math.min(KC, k);
  const [ap, bp] = packBuffers(f64, Math.ceil(Math.min(MC, m) / MR) * MR * kcMax, Math.ceil(Math.min(NC, n) / NR) * NR * kcMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(bp, b, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(ap, a, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const cCol = cOff + jc + jr;
          for (let ir = 0; ir < mc; ir += MR) {
            micro(ap, ir * kc, bp, jr * kc, kc, c, cCol + (ic + ir) * n, n, Math.min(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

/**
 * c[i] = Σ_p M(i, p)·v[p] for i < rows, where M(i, p) = M[mo + i·rs + p·cs] and v is contiguous from vo.
 * One of M's strides is 1: with contiguous rows each output is a dot product (four partial sums hide the
 * add latency); with contiguous columns, whole columns are scaled into a float64 accumulator.
 */
function matVec(M: TypedArray, mo: number, rs: number, cs: number, v: TypedArray, vo: number, c: TypedArray, co: number, rows: number, k: number): void {
  if (cs === 1) {
    for (let i = 0; i < rows; i++) {
      const r = mo + i * rs;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += M[r + p] * v[vo + p];
        s1 += M[r + p + 1] * v[vo + p + 1];
        s2 += M[r + p + 2] * v[vo + p + 2];
        s3 += M[r + p + 3] * v[vo + p + 3];
      }
      for (; p < k; p++) s0 += M[r + p] * v[vo + p];
      c[co + i] = s0 + s1 + (s2 + s3);
    }
    return;
  }
  if (buffers.row.length < rows) buffers.row = new Float64Array(rows);
  const acc = buffers.row;
  acc.fill(0, 0, rows);
  for (let p = 0; p < k; p++) {
    const vp = v[vo + p];
    const col = mo + p * cs;
    for (let i = 0; i < rows; i++) acc[i] += M[col + i * rs] * vp;
  }
  for (let i = 0; i < rows; i++) c[co + i] = acc[i];
}

/**
 * Matrix–vector shapes (m = 1 or n = 1), where a 4×4 register block would waste three quarters of its work.
 * The vector operand is always contiguous: a 1-row or 1-column matrix has unit stride along k either way.
 */
function gemv(a: Strided, b: Strided, c: TypedArray, cOff: number, m: number, n: number, k: number): void {
  if (n === 1) matVec(a.data, a.offset, a.rowStride, a.colStride, b.data, b.offset, c, cOff, m, k);
  else matVec(b.data, b.offset, b.colStride, b.rowStride, a.data, a.offset, c, cOff, n, k);
}

function gemm(a: Strided, b: Strided, c: TypedArray, cOff: number, m: number, n: number, k: number, f64: boolean): void {
  if (m === 0 || n === 0 || k === 0) return;
  if (m === 1 || n === 1) gemv(a, b, c, cOff, m, n, k);
  else gemmBlocked(a, b, c, cOff, m, n, k, f64);
}

/**
 * Batched product following the {@link Kernels.matmul} contract. When B has no batch of its own and A is not
 * transposed, A's batches are stacked rows of one tall matrix, so the whole call is a single GEMM.
 */
function matmul(x: TensorInfo, y: TensorInfo, transA: boolean, transB: boolean, outShape: Shape): TypedArray {
  const ar = x.shape.length,
    br = y.shape.length,
    rank = outShape.length;
  const m = outShape[rank - 2],
    n = outShape[rank - 1];
  const k = transA ? x.shape[ar - 2] : x.shape[ar - 1];
  const out = allocArray(x.dtype, sizeOf(outShape));
  const f64 = x.dtype === 'float64';
  const a: Strided = { data: x.handle as TypedArray, offset: 0, rowStride: transA ? 1 : k, colStride: transA ? m : 1 };
  const b: Strided = { data: y.handle as TypedArray, offset: 0, rowStride: transB ? 1 : n, colStride: transB ? k : 1 };
  const batchShape = outShape.slice(0, rank - 2);
  const batches = sizeOf(batchShape);
  if (batches === 0) return out;
  const aBatchShape = x.shape.slice(0, ar - 2),
    bBatchShape = y.shape.slice(0, br - 2);
  const aBatches = sizeOf(aBatchShape),
    bBatches = sizeOf(bBatchShape);
  if (bBatches === 1 && aBatches === batches && !transA) {
    gemm(a, b, out, 0, batches * m, n, k, f64);
    return out;
  }
  const aStrides = broadcastStrides(aBatchShape, batchShape);
  const bStrides = broadcastStrides(bBatchShape, batchShape);
  const counter = new Int32Array(batchShape.length);
  let aBatch = 0,
    bBatch = 0;
  for (let t = 0; t < batches; t++) {
    a.offset = aBatch * m * k;
    b.offset = bBatch * k * n;
    gemm(a, b, out, t * m * n, m, n, k, f64);
    for (let d = batchShape.length - 1; d >= 0; d--) {
      counter[d]++;
      aBatch += aStrides[d];
      bBatch += bStrides[d];
      if (counter[d] < batchShape[d]) break;
      aBatch -= aStrides[d] * batchShape[d];
      bBatch -= bStrides[d] * batchShape[d];
      counter[d] = 0;
    }
  }
  return out;
}

/** CPU matmul kernel. */
export const matmulKernels: Pick<Kernels, 'matmul'> = { matmul };

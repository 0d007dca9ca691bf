// Fused scaled dot-product attention over (batch, head) pairs: forward (scores, mask, softmax, dropout, P·V) and backward.
//
// Products run on a 4×8 f32x4 register block that reads its left operand through any pair of strides (so q, dO,
// P and dS, transposed or not, are read where they lie) and its right operand as rows padded to 8 columns in the
// thread's scratch (Kᵀ, V, Vᵀ, K, Q, dO per head). Every product stops at the causal limit: score columns and
// P·V / dS·K depths end at the last key a block of queries may see, dV / dK depths start at the first query that
// sees a block of keys. Results go straight to their destinations (output rows in the caller's layout, gradients
// added at the operand's strides). The problem is described by an i32 record (field offsets below, shared with
// src/fused-attention.ts); addresses there are byte addresses with the operand's offset already added, strides are
// in elements.
import { storeBlock4x8, storeConsecutive8 } from './matmul';
import { madd } from './madd';
import { expV } from './vmath';

// Record fields (i32 index).
const F_BATCH = 0, F_HEADS = 1, F_L = 2, F_S = 3, F_D = 4, F_DV = 5;
const F_Q = 6, F_K = 10, F_V = 14; // each: address, batch stride, head stride, row stride
const F_SCALE = 18, F_CAUSAL = 19, F_CAUSAL_OFFSET = 20;
const F_MASK = 21, F_BIAS = 26; // each: address (0 = none), batch, head, row, column strides
const F_DROPOUT = 31, F_OUT = 32; // out: address, batch, head, row strides
const F_PROBS = 36, F_GRAD_OUT = 37, F_GRAD_WEIGHTS = 38;
const F_GRAD_Q = 39, F_GRAD_K = 40, F_GRAD_V = 41;
const F_SCRATCH = 42, F_SCRATCH_STRIDE = 43;

/** i32 fields of a problem record. */
export const ATTENTION_RECORD_FIELDS: i32 = 44;

/** Bytes of the per-thread block that partial 4×8 results pass through. */
const TMP_BYTES: usize = 128;

@inline function field(rec: usize, i: i32): i32 {
  return load<i32>(rec + (<usize>i << 2));
}

@inline function align64(bytes: usize): usize {
  return (bytes + 63) & ~(<usize>63);
}

@inline function pad8(n: i32): i32 {
  return (n + 7) & ~7;
}

// Bytes of a rows × cols float block, rounded up to a cache line.
@inline function blockBytes(rows: i32, cols: i32): usize {
  return align64(<usize>rows * <usize>cols << 2);
}

/** Bytes of scratch one thread needs for a head of `L` queries, `S` keys, widths `D` and `Dv`. */
export function attentionScratchBytes(L: i32, S: i32, D: i32, Dv: i32): i32 {
  return <i32>(blockBytes(L, S) * 2 + blockBytes(D, pad8(S)) + blockBytes(Dv, pad8(S)) + blockBytes(S, pad8(D))
    + blockBytes(L, pad8(D)) + blockBytes(S, pad8(Dv)) + blockBytes(L, pad8(Dv)) + TMP_BYTES);
}

/**
 * C[r, c] (+)= Σ_{p0 ≤ p < p1} A(r, p)·B(p, c) for r < rows ≤ 4, c < cols ≤ 8, with A(r, p) at `a + r·ars + p·acs`,
 * B(p, c) at `b + p·ldb + 4c` (eight readable floats per row) and C(r, c) at `c + r·ldc + 4c` (byte strides).
 */
function block4x8(
  a: usize, ars: usize, acs: usize, b: usize, ldb: usize, p0: i32, p1: i32,
  c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool, tmp: usize,
): void {
  // Missing rows repeat the last real one; their sums are never stored.
  const a0 = a, a1 = rows > 1 ? a0 + ars : a0, a2 = rows > 2 ? a1 + ars : a1, a3 = rows > 3 ? a2 + ars : a2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let off = <usize>p0 * acs;
  let pb = b + <usize>p0 * ldb;
  for (let p = p0; p < p1; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a0 + off);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1 + off);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2 + off);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3 + off);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    off += acs;
    pb += ldb;
  }
  if (rows == 4 && cols == 8) {
    storeBlock4x8(c, ldc, accumulate, c00, c01, c10, c11, c20, c21, c30, c31);
    return;
  }
  // An edge block: through tmp, then only the rows and columns inside C.
  storeConsecutive8(tmp, c00, c01, c10, c11, c20, c21, c30, c31);
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldc, src = tmp + (<usize>r << 5);
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o);
      store<f32>(row + o, accumulate ? load<f32>(row + o) + v : v);
    }
  }
}

// Rows [0, rows) (rows ≤ 4) and columns [0, n) of the product of block4x8, eight columns at a time.
function rowsTimes(
  a: usize, ars: usize, acs: usize, b: usize, ldb: usize, p0: i32, p1: i32,
  c: usize, ldc: usize, rows: i32, n: i32, accumulate: bool, tmp: usize,
): void {
  for (let j = 0; j < n; j += 8) {
    const o = <usize>j << 2;
    block4x8(a, ars, acs, b + o, ldb, p0, p1, c + o, ldc, rows, min(8, n - j), accumulate, tmp);
  }
}

// Copies `rows` strided rows of `cols` floats at src (row stride in elements) into dst rows `dstStride` floats apart.
function packRows(src: usize, rowStride: i32, rows: i32, cols: i32, dst: usize, dstStride: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + (<usize>r * <usize>dstStride << 2), src + (<usize>r * <usize>rowStride << 2), bytes);
}

// The transpose of `rows` strided rows of `cols` floats: dst[c·dstStride + r] = src[r·rowStride + c], in 4×4 blocks
// transposed in registers (the rows and columns past the last full block one by one).
function packTransposed(src: usize, rowStride: i32, rows: i32, cols: i32, dst: usize, dstStride: i32): void {
  const rsb = <usize>rowStride << 2, dsb = <usize>dstStride << 2;
  const r4 = rows & ~3, c4 = cols & ~3;
  let r = 0;
  for (; r < r4; r += 4) {
    const s0 = src + <usize>r * rsb, s1 = s0 + rsb, s2 = s1 + rsb, s3 = s2 + rsb;
    const d = dst + (<usize>r << 2);
    for (let c = 0; c < c4; c += 4) {
      const o = <usize>c << 2, dc = d + <usize>c * dsb;
      const a0 = v128.load(s0 + o), a1 = v128.load(s1 + o), a2 = v128.load(s2 + o), a3 = v128.load(s3 + o);
      const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(a0, a1, 2, 6, 3, 7), t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      v128.store(dc, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(dc + dsb, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(dc + 2 * dsb, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(dc + 3 * dsb, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      const o = <usize>c << 2, dc = d + <usize>c * dsb;
      store<f32>(dc, load<f32>(s0 + o));
      store<f32>(dc, load<f32>(s1 + o), 4);
      store<f32>(dc, load<f32>(s2 + o), 8);
      store<f32>(dc, load<f32>(s3 + o), 12);
    }
  }
  for (; r < rows; r++) {
    const s = src + <usize>r * rsb, d = dst + (<usize>r << 2);
    for (let c = 0; c < cols; c++) store<f32>(d + <usize>c * dsb, load<f32>(s + (<usize>c << 2)));
  }
}

// Keys query i may see: all S, or up to the causal limit i + offset (clamped to [0, S]).
@inline function keyEnd(rec: usize, i: i32, S: i32): i32 {
  if (field(rec, F_CAUSAL) == 0) return S;
  return max(0, min(S, i + field(rec, F_CAUSAL_OFFSET) + 1));
}

// Element index of (b, h, i, 0) in a broadcast mask or bias operand at field `f`.
@inline function maskRow(rec: usize, f: i32, b: i32, h: i32, i: i32): usize {
  return <usize>b * <usize>field(rec, f + 1) + <usize>h * <usize>field(rec, f + 2) + <usize>i * <usize>field(rec, f + 3);
}

// Row i of `scores` (raw Q·Kᵀ, S wide) → probabilities: scaled, bias added, masked keys and keys past the causal
// limit at 0, and a row with no visible key all 0.
function softmaxRow(rec: usize, b: i32, h: i32, i: i32, row: usize, S: i32): void {
  const jEnd = keyEnd(rec, i, S);
  const scale = reinterpret<f32>(field(rec, F_SCALE));
  const bias = <usize>field(rec, F_BIAS), mask = <usize>field(rec, F_MASK);
  let j = 0;
  const vscale = f32x4.splat(scale);
  for (; j + 4 <= jEnd; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), vscale));
  for (; j < jEnd; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * scale);
  if (bias != 0) {
    const base = bias + (maskRow(rec, F_BIAS, b, h, i) << 2), cs = <usize>field(rec, F_BIAS + 4) << 2;
    for (j = 0; j < jEnd; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + load<f32>(base + <usize>j * cs));
  }
  if (mask != 0) {
    const base = mask + maskRow(rec, F_MASK, b, h, i), cs = <usize>field(rec, F_MASK + 4);
    for (j = 0; j < jEnd; j++) if (load<u8>(base + <usize>j * cs) != 0) store<f32>(row + (<usize>j << 2), -Infinity);
  }
  let vmax = f32x4.splat(-Infinity);
  for (j = 0; j + 4 <= jEnd; j += 4) vmax = f32x4.max(vmax, v128.load(row + (<usize>j << 2)));
  let mx: f32 = max(max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
  for (; j < jEnd; j++) mx = max(mx, load<f32>(row + (<usize>j << 2)));
  if (mx == -Infinity) {
    memory.fill(row, 0, <usize>S << 2);
    return;
  }
  // exp(x − max), with masked (−∞) entries forced to exactly 0 (expV saturates at a tiny positive value).
  const vmx = f32x4.splat(mx), ninf = f32x4.splat(-Infinity), zero = f32x4.splat(0);
  let vsum = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= jEnd; j += 4) {
    const o = row + (<usize>j << 2);
    const x = v128.load(o);
    const e = v128.bitselect(zero, expV(f32x4.sub(x, vmx)), f32x4.eq(x, ninf));
    vsum = f32x4.add(vsum, e);
    v128.store(o, e);
  }
  let sum: f64 = <f64>f32x4.extract_lane(vsum, 0) + <f64>f32x4.extract_lane(vsum, 1)
    + <f64>f32x4.extract_lane(vsum, 2) + <f64>f32x4.extract_lane(vsum, 3);
  for (; j < jEnd; j++) {
    const o = row + (<usize>j << 2);
    const x = load<f32>(o);
    const e: f32 = x == -Infinity ? 0 : <f32>Math.exp(<f64>(x - mx));
    sum += <f64>e;
    store<f32>(o, e);
  }
  const inv = <f32>(1.0 / sum), vinv = f32x4.splat(inv);
  j = 0;
  for (; j + 4 <= jEnd; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), vinv));
  for (; j < jEnd; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * inv);
  if (jEnd < S) memory.fill(row + (<usize>jEnd << 2), 0, <usize>(S - jEnd) << 2);
}

// dst[e] = a[e] × b[e] for n contiguous floats.
function multiply(a: usize, b: usize, dst: usize, n: i32): void {
  let e = 0;
  for (; e + 4 <= n; e += 4) {
    const o = <usize>e << 2;
    v128.store(dst + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; e < n; e++) {
    const o = <usize>e << 2;
    store<f32>(dst + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

// Address of head (b, h) of the operand whose address is field `at` and whose strides follow field `f`.
@inline function headAt(rec: usize, at: i32, f: i32, b: i32, h: i32): usize {
  return <usize>field(rec, at) + ((<usize>b * <usize>field(rec, f + 1) + <usize>h * <usize>field(rec, f + 2)) << 2);
}

// First query that sees key j: all of them, or those with i + offset ≥ j (clamped to [0, L]).
@inline function queryStart(rec: usize, j: i32, L: i32): i32 {
  if (field(rec, F_CAUSAL) == 0) return 0;
  return max(0, min(L, j - field(rec, F_CAUSAL_OFFSET)));
}

/** Forward attention for (batch, head) pairs `first .. first + count` (pair index b·H + h) of the record at `rec`. */
export function attentionForwardF32(rec: usize, first: i32, count: i32, thread: i32): void {
  const H = field(rec, F_HEADS), L = field(rec, F_L), S = field(rec, F_S), D = field(rec, F_D), Dv = field(rec, F_DV);
  const S8 = pad8(S), Dv8 = pad8(Dv);
  // Scratch: P, P × dropout, Kᵀ [D, S8], V [S, Dv8], tmp (the layout of attentionScratchBytes, partly unused here).
  const wp = <usize>field(rec, F_SCRATCH) + <usize>thread * <usize>field(rec, F_SCRATCH_STRIDE);
  const wpd = wp + blockBytes(L, S), wkt = wpd + blockBytes(L, S), wv = wkt + blockBytes(D, S8);
  const tmp = wp + <usize>attentionScratchBytes(L, S, D, Dv) - TMP_BYTES;
  const probsOut = <usize>field(rec, F_PROBS), dropout = <usize>field(rec, F_DROPOUT);
  const qrs = <usize>field(rec, F_Q + 3) << 2, ors = <usize>field(rec, F_OUT + 3) << 2;
  const LS = <usize>L * <usize>S, rowBytes = <usize>S << 2;
  for (let pair = first; pair < first + count; pair++) {
    const b = pair / H, h = pair - b * H;
    const q = headAt(rec, F_Q, F_Q, b, h);
    packTransposed(headAt(rec, F_K, F_K, b, h), field(rec, F_K + 3), S, D, wkt, S8);
    packRows(headAt(rec, F_V, F_V, b, h), field(rec, F_V + 3), S, Dv, wv, Dv8);
    // Probabilities straight into the saved result when it is wanted.
    const p = probsOut != 0 ? probsOut + (<usize>pair * LS << 2) : wp;
    for (let i0 = 0; i0 < L; i0 += 4) {
      const rows = min(4, L - i0);
      rowsTimes(q + <usize>i0 * qrs, qrs, 4, wkt, <usize>S8 << 2, 0, D, p + <usize>i0 * rowBytes, rowBytes, rows, keyEnd(rec, i0 + rows - 1, S), false, tmp);
    }
    for (let i = 0; i < L; i++) softmaxRow(rec, b, h, i, p + <usize>i * rowBytes, S);
    let weights = p;
    if (dropout != 0) {
      multiply(p, dropout + (<usize>pair * LS << 2), wpd, <i32>LS);
      weights = wpd;
    }
    const out = <usize>field(rec, F_OUT) + ((<usize>b * <usize>field(rec, F_OUT + 1) + <usize>h * <usize>field(rec, F_OUT + 2)) << 2);
    for (let i0 = 0; i0 < L; i0 += 4) {
      const rows = min(4, L - i0);
      // Weights past a row's causal limit are 0: the depth stops at the block's last visible key.
      const depth = keyEnd(rec, i0 + rows - 1, S);
      rowsTimes(weights + <usize>i0 * rowBytes, rowBytes, 4, wv, <usize>Dv8 << 2, 0, depth, out + <usize>i0 * ors, ors, rows, Dv, false, tmp);
    }
  }
}

/**
 * Backward attention for pairs `first .. first + count`: dV = Pdᵀ·dO, dP = (dO·Vᵀ + dW) × dropout,
 * dS = scale·P × (dP − rowsum(P × dP)), dQ = dS·K, dK = dSᵀ·Q, each added into its gradient storage.
 */
export function attentionBackwardF32(rec: usize, first: i32, count: i32, thread: i32): void {
  const H = field(rec, F_HEADS), L = field(rec, F_L), S = field(rec, F_S), D = field(rec, F_D), Dv = field(rec, F_DV);
  const S8 = pad8(S), D8 = pad8(D), Dv8 = pad8(Dv);
  const wpd = <usize>field(rec, F_SCRATCH) + <usize>thread * <usize>field(rec, F_SCRATCH_STRIDE);
  const ds = wpd + blockBytes(L, S), wkt = ds + blockBytes(L, S), wvt = wkt + blockBytes(D, S8);
  const wk = wvt + blockBytes(Dv, S8), wq = wk + blockBytes(S, D8), wv = wq + blockBytes(L, D8), wdo = wv + blockBytes(S, Dv8);
  const tmp = wpd + <usize>attentionScratchBytes(L, S, D, Dv) - TMP_BYTES;
  const dropout = <usize>field(rec, F_DROPOUT), gradWeights = <usize>field(rec, F_GRAD_WEIGHTS);
  const scale = reinterpret<f32>(field(rec, F_SCALE));
  const qrs = <usize>field(rec, F_Q + 3) << 2, krs = <usize>field(rec, F_K + 3) << 2, vrs = <usize>field(rec, F_V + 3) << 2;
  const ors = <usize>field(rec, F_OUT + 3) << 2;
  const LS = <usize>L * <usize>S, rowBytes = <usize>S << 2;
  for (let pair = first; pair < first + count; pair++) {
    const b = pair / H, h = pair - b * H;
    packRows(headAt(rec, F_Q, F_Q, b, h), field(rec, F_Q + 3), L, D, wq, D8);
    packRows(headAt(rec, F_K, F_K, b, h), field(rec, F_K + 3), S, D, wk, D8);
    packTransposed(headAt(rec, F_V, F_V, b, h), field(rec, F_V + 3), S, Dv, wvt, S8);
    const gradOut = <usize>field(rec, F_GRAD_OUT) + ((<usize>b * <usize>field(rec, F_OUT + 1) + <usize>h * <usize>field(rec, F_OUT + 2)) << 2);
    packRows(gradOut, field(rec, F_OUT + 3), L, Dv, wdo, Dv8);
    const probs = <usize>field(rec, F_PROBS) + (<usize>pair * LS << 2);
    const drop = dropout == 0 ? 0 : dropout + (<usize>pair * LS << 2);
    let weights = probs;
    if (drop != 0) {
      multiply(probs, drop, wpd, <i32>LS);
      weights = wpd;
    }
    // dV = (P × dropout)ᵀ·dO: rows are keys, read down the columns of the weights, from the first query that sees them.
    const dv = headAt(rec, F_GRAD_V, F_V, b, h);
    for (let j0 = 0; j0 < S; j0 += 4) {
      const rows = min(4, S - j0);
      rowsTimes(weights + (<usize>j0 << 2), 4, rowBytes, wdo, <usize>Dv8 << 2, queryStart(rec, j0, L), L, dv + <usize>j0 * vrs, vrs, rows, Dv, true, tmp);
    }
    // dO·Vᵀ, as far right as each block of queries can see.
    for (let i0 = 0; i0 < L; i0 += 4) {
      const rows = min(4, L - i0);
      rowsTimes(gradOut + <usize>i0 * ors, ors, 4, wvt, <usize>S8 << 2, 0, Dv, ds + <usize>i0 * rowBytes, rowBytes, rows, keyEnd(rec, i0 + rows - 1, S), false, tmp);
    }
    const gw = gradWeights == 0 ? 0 : gradWeights + (<usize>pair * LS << 2);
    for (let i = 0; i < L; i++) {
      const jEnd = keyEnd(rec, i, S);
      const ro = <usize>i * rowBytes;
      const rowP = probs + ro, rowS = ds + ro;
      let dot: f32 = 0;
      for (let j = 0; j < jEnd; j++) {
        const o = <usize>j << 2;
        let dp = load<f32>(rowS + o);
        if (gw != 0) dp += load<f32>(gw + ro + o);
        if (drop != 0) dp *= load<f32>(drop + ro + o);
        store<f32>(rowS + o, dp);
        dot += load<f32>(rowP + o) * dp;
      }
      const vdot = f32x4.splat(dot), vscale = f32x4.splat(scale);
      let j = 0;
      for (; j + 4 <= jEnd; j += 4) {
        const o = <usize>j << 2;
        v128.store(rowS + o, f32x4.mul(f32x4.mul(v128.load(rowP + o), f32x4.sub(v128.load(rowS + o), vdot)), vscale));
      }
      for (; j < jEnd; j++) {
        const o = <usize>j << 2;
        store<f32>(rowS + o, load<f32>(rowP + o) * (load<f32>(rowS + o) - dot) * scale);
      }
      if (jEnd < S) memory.fill(rowS + (<usize>jEnd << 2), 0, <usize>(S - jEnd) << 2);
    }
    // dQ = dS·K up to each block's last visible key; dK = dSᵀ·Q from the first query that sees each block of keys.
    const dq = headAt(rec, F_GRAD_Q, F_Q, b, h), dk = headAt(rec, F_GRAD_K, F_K, b, h);
    for (let i0 = 0; i0 < L; i0 += 4) {
      const rows = min(4, L - i0);
      rowsTimes(ds + <usize>i0 * rowBytes, rowBytes, 4, wk, <usize>D8 << 2, 0, keyEnd(rec, i0 + rows - 1, S), dq + <usize>i0 * qrs, qrs, rows, D, true, tmp);
    }
    for (let j0 = 0; j0 < S; j0 += 4) {
      const rows = min(4, S - j0);
      rowsTimes(ds + (<usize>j0 << 2), 4, rowBytes, wq, <usize>D8 << 2, queryStart(rec, j0, L), L, dk + <usize>j0 * krs, krs, rows, D, true, tmp);
    }
  }
}

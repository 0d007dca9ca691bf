// Fused scaled dot-product attention over (batch, head) pairs: forward (scores, mask, softmax, dropout, P·V) and backward.
//
// Each head's q, k, v (and output gradient) are packed from their strided storages into contiguous blocks of the
// thread's scratch, so every product runs on the packed matmul tile of matmul.ts; the softmax rows in between are
// f32x4 passes. The problem is described by an i32 record (field offsets below, shared with src/fused-attention.ts);
// addresses there are byte addresses with the operand's offset already added, strides are in elements.
import { matmulScratchBytes, matmulTile } from './matmul';
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

/** Largest matmul tile handed to matmulTile (its scratch is sized for it). */
const TILE: i32 = 128;
/** Query rows per scores block: the block's keys stop at the causal limit of its last row. */
const ROW_BLOCK: i32 = 16;

@inline function field(rec: usize, i: i32): i32 {
  return load<i32>(rec + (<usize>i << 2));
}

@inline function align64(bytes: usize): usize {
  return (bytes + 63) & ~(<usize>63);
}

/** Bytes of scratch one thread needs for a head of `L` queries, `S` keys, widths `D` and `Dv`. */
export function attentionScratchBytes(L: i32, S: i32, D: i32, Dv: i32): i32 {
  const blocks = blockBytes(L, S) * 2 + blockBytes(L, D) * 2 + blockBytes(S, D) * 2 + blockBytes(S, Dv) * 2 + blockBytes(L, Dv);
  return <i32>(blocks + align64(<usize>matmulScratchBytes(TILE, TILE)));
}

// Per-thread scratch layout, in order: P, Pd (or dS), q, dq, k, dk, v, dv, o (or dO), matmul scratch.
@inline function blockBytes(rows: i32, cols: i32): usize {
  return align64(<usize>rows * <usize>cols << 2);
}

// C rows [i0, i0+rows), columns [0, cols) of op(A)·op(B) (matmulTile's conventions), in tiles the scratch fits.
function product(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  i0: i32, rows: i32, cols: i32, scratch: usize,
): void {
  for (let r = i0; r < i0 + rows; r += TILE) {
    for (let j = 0; j < cols; j += TILE) {
      matmulTile(a, b, c, m, n, k, transA, transB, r, min(TILE, i0 + rows - r), j, min(TILE, cols - j), scratch);
    }
  }
}

// Copies `rows` strided rows of `cols` floats at src (row stride in elements) into the contiguous block dst.
function packRows(src: usize, rowStride: i32, rows: i32, cols: i32, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * bytes, src + (<usize>r * <usize>rowStride << 2), bytes);
}

// Copies the contiguous block src into `rows` strided rows at dst.
function unpackRows(src: usize, rows: i32, cols: i32, dst: usize, rowStride: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + (<usize>r * <usize>rowStride << 2), src + <usize>r * bytes, bytes);
}

// Adds the contiguous block src into `rows` strided rows at dst.
function addRows(src: usize, rows: i32, cols: i32, dst: usize, rowStride: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    const d = dst + (<usize>r * <usize>rowStride << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
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
  let mx: f32 = -Infinity;
  for (j = 0; j < jEnd; j++) mx = max(mx, load<f32>(row + (<usize>j << 2)));
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

/** Forward attention for (batch, head) pairs `first .. first + count` (pair index b·H + h) of the record at `rec`. */
export function attentionForwardF32(rec: usize, first: i32, count: i32, thread: i32): void {
  const H = field(rec, F_HEADS), L = field(rec, F_L), S = field(rec, F_S), D = field(rec, F_D), Dv = field(rec, F_DV);
  const wp = <usize>field(rec, F_SCRATCH) + <usize>thread * <usize>field(rec, F_SCRATCH_STRIDE);
  const wpd = wp + blockBytes(L, S), wq = wpd + blockBytes(L, S), wdq = wq + blockBytes(L, D);
  const wk = wdq + blockBytes(L, D), wdk = wk + blockBytes(S, D), wv = wdk + blockBytes(S, D);
  const wdv = wv + blockBytes(S, Dv), wo = wdv + blockBytes(S, Dv), wmm = wo + blockBytes(L, Dv);
  const probsOut = <usize>field(rec, F_PROBS), dropout = <usize>field(rec, F_DROPOUT);
  const LS = <usize>L * <usize>S;
  for (let pair = first; pair < first + count; pair++) {
    const b = pair / H, h = pair - b * H;
    packRows(headAt(rec, F_Q, F_Q, b, h), field(rec, F_Q + 3), L, D, wq);
    packRows(headAt(rec, F_K, F_K, b, h), field(rec, F_K + 3), S, D, wk);
    packRows(headAt(rec, F_V, F_V, b, h), field(rec, F_V + 3), S, Dv, wv);
    // Probabilities straight into the saved result when it is wanted.
    const p = probsOut != 0 ? probsOut + (<usize>pair * LS << 2) : wp;
    for (let i0 = 0; i0 < L; i0 += ROW_BLOCK) {
      const rows = min(ROW_BLOCK, L - i0);
      const cols = keyEnd(rec, i0 + rows - 1, S);
      if (cols > 0) product(wq, wk, p, L, S, D, false, true, i0, rows, cols, wmm);
    }
    for (let i = 0; i < L; i++) softmaxRow(rec, b, h, i, p + (<usize>i * <usize>S << 2), S);
    let weights = p;
    if (dropout != 0) {
      multiply(p, dropout + (<usize>pair * LS << 2), wpd, <i32>LS);
      weights = wpd;
    }
    product(weights, wv, wo, L, Dv, S, false, false, 0, L, Dv, wmm);
    const out = <usize>field(rec, F_OUT) + ((<usize>b * <usize>field(rec, F_OUT + 1) + <usize>h * <usize>field(rec, F_OUT + 2)) << 2);
    unpackRows(wo, L, Dv, out, field(rec, F_OUT + 3));
  }
}

/**
 * Backward attention for pairs `first .. first + count`: dV = Pdᵀ·dO, dP = (dO·Vᵀ + dW) × dropout,
 * dS = scale·P × (dP − rowsum(P × dP)), dQ = dS·K, dK = dSᵀ·Q, each added into its gradient storage.
 */
export function attentionBackwardF32(rec: usize, first: i32, count: i32, thread: i32): void {
  const H = field(rec, F_HEADS), L = field(rec, F_L), S = field(rec, F_S), D = field(rec, F_D), Dv = field(rec, F_DV);
  const wp = <usize>field(rec, F_SCRATCH) + <usize>thread * <usize>field(rec, F_SCRATCH_STRIDE);
  const wpd = wp + blockBytes(L, S), wq = wpd + blockBytes(L, S), wdq = wq + blockBytes(L, D);
  const wk = wdq + blockBytes(L, D), wdk = wk + blockBytes(S, D), wv = wdk + blockBytes(S, D);
  const wdv = wv + blockBytes(S, Dv), wo = wdv + blockBytes(S, Dv), wmm = wo + blockBytes(L, Dv);
  const dropout = <usize>field(rec, F_DROPOUT), gradWeights = <usize>field(rec, F_GRAD_WEIGHTS);
  const scale = reinterpret<f32>(field(rec, F_SCALE));
  const LS = <usize>L * <usize>S;
  const ds = wpd;
  for (let pair = first; pair < first + count; pair++) {
    const b = pair / H, h = pair - b * H;
    packRows(headAt(rec, F_Q, F_Q, b, h), field(rec, F_Q + 3), L, D, wq);
    packRows(headAt(rec, F_K, F_K, b, h), field(rec, F_K + 3), S, D, wk);
    packRows(headAt(rec, F_V, F_V, b, h), field(rec, F_V + 3), S, Dv, wv);
    const gradOut = <usize>field(rec, F_GRAD_OUT) + ((<usize>b * <usize>field(rec, F_OUT + 1) + <usize>h * <usize>field(rec, F_OUT + 2)) << 2);
    packRows(gradOut, field(rec, F_OUT + 3), L, Dv, wo);
    const probs = <usize>field(rec, F_PROBS) + (<usize>pair * LS << 2);
    const drop = dropout == 0 ? 0 : dropout + (<usize>pair * LS << 2);
    // dV = (P × dropout)ᵀ·dO.
    let weights = probs;
    if (drop != 0) {
      multiply(probs, drop, wp, <i32>LS);
      weights = wp;
    }
    product(weights, wo, wdv, S, Dv, L, true, false, 0, S, Dv, wmm);
    // dO·Vᵀ, as far right as each row block can see.
    for (let i0 = 0; i0 < L; i0 += ROW_BLOCK) {
      const rows = min(ROW_BLOCK, L - i0);
      const cols = keyEnd(rec, i0 + rows - 1, S);
      if (cols > 0) product(wo, wv, ds, L, S, Dv, false, true, i0, rows, cols, wmm);
    }
    const gw = gradWeights == 0 ? 0 : gradWeights + (<usize>pair * LS << 2);
    for (let i = 0; i < L; i++) {
      const jEnd = keyEnd(rec, i, S);
      const ro = <usize>i * <usize>S << 2;
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
    product(ds, wk, wdq, L, D, S, false, false, 0, L, D, wmm);
    product(ds, wq, wdk, S, D, L, true, false, 0, S, D, wmm);
    addRows(wdq, L, D, headAt(rec, F_GRAD_Q, F_Q, b, h), field(rec, F_Q + 3));
    addRows(wdk, S, D, headAt(rec, F_GRAD_K, F_K, b, h), field(rec, F_K + 3));
    addRows(wdv, S, Dv, headAt(rec, F_GRAD_V, F_V, b, h), field(rec, F_V + 3));
  }
}

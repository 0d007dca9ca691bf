// Packed, register-blocked float32 matrix product: both operands packed into panels, a 4×8 f32x4 micro-kernel.
//
// Packing reads A and B in whatever layout they come (plain or transposed) and writes the same panel layout,
// so the micro-kernel — where all the time goes — never sees a stride and all four transpose cases run alike.
import { madd } from './madd';

/** Rows of C per micro-kernel call. */
export const MR: i32 = 4;
/** Columns of C per micro-kernel call (two f32x4 vectors). */
export const NR: i32 = 8;
/** Depth of one packed block: a 4×KC panel of A (4 KiB) and a KC×8 panel of B (8 KiB) stay in L1. */
export const KC: i32 = 256;

/** Bytes of scratch one thread needs for tiles up to `maxRows` × `maxCols`: packed A, packed B and an edge tile. */
export function matmulScratchBytes(maxRows: i32, maxCols: i32): i32 {
  const rows = (maxRows + MR - 1) / MR * MR;
  const cols = (maxCols + NR - 1) / NR * NR;
  return (rows + cols) * KC * 4 + MR * NR * 4;
}

// Transposes the 4×4 block held in r0..r3 (rows) and stores its columns at dst, dst+stride, ...
@inline
function storeTransposed4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// Packs A[i0:i0+rows, p0:p0+kc] into panels of MR rows: panel, then p, then the MR values (zero past the edge).
function packA(a: usize, m: i32, k: i32, transA: bool, i0: i32, rows: i32, p0: i32, kc: i32, dst: usize): void {
  let first = 0;
  if (transA) {
    // Stored [k, m]: four whole panels at a time, so each 64-byte piece of a stored row is read once. Panel by panel,
    // the kc rows read (m·4 bytes apart, often a multiple of 4 KiB) fall in the same few L1 sets and are evicted
    // before the next panel reads the rest of their line.
    const step = <usize>m << 2, panelBytes = <usize>kc << 4;
    for (; first + 4 * MR <= rows; first += 4 * MR) {
      let src = a + ((<usize>p0 * <usize>m + <usize>(i0 + first)) << 2);
      let out = dst + (<usize>(first * kc) << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(out, v128.load(src));
        v128.store(out + panelBytes, v128.load(src, 16));
        v128.store(out + 2 * panelBytes, v128.load(src, 32));
        v128.store(out + 3 * panelBytes, v128.load(src, 48));
        out += 16;
        src += step;
      }
    }
  }
  for (let ir = first; ir < rows; ir += MR) {
    const r = min(MR, rows - ir);
    let out = dst + (<usize>(ir * kc) << 2);
    if (transA) {
      // Stored [k, m]: the MR values of one p are adjacent.
      let src = a + ((<usize>p0 * <usize>m + <usize>(i0 + ir)) << 2);
      const step = <usize>m << 2;
      if (r == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          out += 16;
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let q = 0; q < MR; q++) store<f32>(out + (<usize>q << 2), q < r ? load<f32>(src + (<usize>q << 2)) : 0);
          out += 16;
          src += step;
        }
      }
    } else {
      // Stored [m, k]: read MR rows four values at a time and transpose 4×4 blocks.
      const rowBytes = <usize>k << 2;
      const s0 = a + ((<usize>(i0 + ir) * <usize>k + <usize>p0) << 2);
      if (r == MR) {
        const s1 = s0 + rowBytes, s2 = s1 + rowBytes, s3 = s2 + rowBytes;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          storeTransposed4(v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), out, 16);
          out += 64;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          store<f32>(out, load<f32>(s0 + o));
          store<f32>(out, load<f32>(s1 + o), 4);
          store<f32>(out, load<f32>(s2 + o), 8);
          store<f32>(out, load<f32>(s3 + o), 12);
          out += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 2;
          for (let q = 0; q < MR; q++) store<f32>(out + (<usize>q << 2), q < r ? load<f32>(s0 + <usize>q * rowBytes + o) : 0);
          out += 16;
        }
      }
    }
  }
}

// Packs B[p0:p0+kc, j0:j0+cols] into panels of NR columns: panel, then p, then the NR values (zero past the edge).
function packB(b: usize, n: i32, k: i32, transB: bool, j0: i32, cols: i32, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < cols; jr += NR) {
    const c = min(NR, cols - jr);
    let out = dst + (<usize>(jr * kc) << 2);
    if (!transB) {
      // Stored [k, n]: the NR values of one p are adjacent.
      let src = b + ((<usize>p0 * <usize>n + <usize>(j0 + jr)) << 2);
      const step = <usize>n << 2;
      if (c == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          out += 32;
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let q = 0; q < NR; q++) store<f32>(out + (<usize>q << 2), q < c ? load<f32>(src + (<usize>q << 2)) : 0);
          out += 32;
          src += step;
        }
      }
    } else {
      // Stored [n, k]: read NR rows of Bᵀ four values at a time and transpose two 4×4 blocks per step.
      const rowBytes = <usize>k << 2;
      const s0 = b + ((<usize>(j0 + jr) * <usize>k + <usize>p0) << 2);
      if (c == NR) {
        const s1 = s0 + rowBytes, s2 = s1 + rowBytes, s3 = s2 + rowBytes;
        const s4 = s3 + rowBytes, s5 = s4 + rowBytes, s6 = s5 + rowBytes, s7 = s6 + rowBytes;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          storeTransposed4(v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), out, 32);
          storeTransposed4(v128.load(s4 + o), v128.load(s5 + o), v128.load(s6 + o), v128.load(s7 + o), out + 16, 32);
          out += 128;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          for (let q = 0; q < NR; q++) store<f32>(out + (<usize>q << 2), load<f32>(s0 + <usize>q * rowBytes + o));
          out += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 2;
          for (let q = 0; q < NR; q++) store<f32>(out + (<usize>q << 2), q < c ? load<f32>(s0 + <usize>q * rowBytes + o) : 0);
          out += 32;
        }
      }
    }
  }
}

// C[0:4, 0:8] (row stride ldc bytes) = (accumulate ? C : 0) + Apanel · Bpanel over kc steps.
/**
 * Writes a 4×8 block of accumulators (rows r0..r3, each two f32x4 halves) to C at `c` with row stride `ldc`
 * bytes, adding to what C holds when `accumulate`. Shared by the matmul and attention micro-kernels.
 */
@inline
export function storeBlock4x8(
  c: usize, ldc: usize, accumulate: bool,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Stores eight vectors at `dst`, 16 bytes apart (a 4×8 block laid out row after row, or eight panels' outputs). */
@inline
export function storeConsecutive8(dst: usize, v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128, v6: v128, v7: v128): void {
  v128.store(dst, v0);
  v128.store(dst, v1, 16);
  v128.store(dst, v2, 32);
  v128.store(dst, v3, 48);
  v128.store(dst, v4, 64);
  v128.store(dst, v5, 80);
  v128.store(dst, v6, 96);
  v128.store(dst, v7, 112);
}

/**
 * C[0:4, 0:8] (row stride `ldc` bytes) = (accumulate ? C : 0) + the product of one packed 4-row panel of A (`pa`) and
 * one packed 8-column panel of B (`pb`) over `kc` depth steps: the register-blocked core of every product.
 */
@inline
export function microKernel(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  storeBlock4x8(c, ldc, accumulate, c00, c01, c10, c11, c20, c21, c30, c31);
}

// C[i0 + ir, j0 + jr] (ir < rows, jr < cols) = (accumulate ? C : 0) + the products of one depth block of kc, from
// packed panels: `panelsA` is the panel of the tile's first row (panel ir at panelsA + ir·kc floats) and `panelsB` that
// of its first column. `edge` holds MR×NR floats for the partial blocks at the tile's far edges.
@inline
function tileFromPanels(
  panelsA: usize, panelsB: usize, kc: i32, c: usize, ldc: usize,
  i0: i32, rows: i32, j0: i32, cols: i32, accumulate: bool, edge: usize,
): void {
  for (let jr = 0; jr < cols; jr += NR) {
    const cw = min(NR, cols - jr);
    const panelB = panelsB + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < rows; ir += MR) {
      const rh = min(MR, rows - ir);
      const panelA = panelsA + (<usize>(ir * kc) << 2);
      const dst = c + <usize>(i0 + ir) * ldc + (<usize>(j0 + jr) << 2);
      if (rh == MR && cw == NR) {
        microKernel(panelA, panelB, kc, dst, ldc, accumulate);
      } else {
        // Edge block: compute the full 4×8 block aside and copy only the part inside C.
        microKernel(panelA, panelB, kc, edge, NR << 2, false);
        for (let q = 0; q < rh; q++) {
          const row = dst + <usize>q * ldc;
          const src = edge + (<usize>(q * NR) << 2);
          for (let j = 0; j < cw; j++) {
            const o = <usize>j << 2;
            const v = load<f32>(src + o);
            store<f32>(row + o, accumulate ? load<f32>(row + o) + v : v);
          }
        }
      }
    }
  }
}

// Zeroes the tile [i0, i0+rows) × [j0, j0+cols) of C (a product over an empty depth).
function zeroTile(c: usize, n: i32, i0: i32, rows: i32, j0: i32, cols: i32): void {
  const ldc = <usize>n << 2;
  for (let i = 0; i < rows; i++) memory.fill(c + (<usize>(i0 + i) * ldc) + (<usize>j0 << 2), 0, <usize>cols << 2);
}

/**
 * One tile of C = op(A)·op(B) for row-major A (`[m, k]`, or `[k, m]` when transA), B (`[k, n]`, or `[n, k]` when
 * transB) and C (`[m, n]`): rows [i0, i0+rows) and columns [j0, j0+cols), over the whole depth k. `scratch` holds
 * {@link matmulScratchBytes}(rows, cols) bytes private to the calling thread; the tile packs its own panels there.
 */
export function matmulTile(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  i0: i32, rows: i32, j0: i32, cols: i32, scratch: usize,
): void {
  if (k == 0) {
    zeroTile(c, n, i0, rows, j0, cols);
    return;
  }
  const paddedRows = (rows + MR - 1) / MR * MR;
  const paddedCols = (cols + NR - 1) / NR * NR;
  const pa = scratch;
  const pb = pa + (<usize>(paddedRows * KC) << 2);
  const edge = pb + (<usize>(paddedCols * KC) << 2);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    packA(a, m, k, transA, i0, rows, p0, kc, pa);
    packB(b, n, k, transB, j0, cols, p0, kc, pb);
    tileFromPanels(pa, pb, kc, c, <usize>n << 2, i0, rows, j0, cols, p0 > 0, edge);
  }
}

// Whole-matrix packing: op(A) as mPad = m rounded up to MR rows and op(B) as nPad = n rounded up to NR columns, depth
// block by depth block. Block p0 (its depth kc = min(KC, k − p0)) starts at p0·mPad floats (p0·nPad for B), and in it
// the panel of rows i starts at i·kc (of columns j at j·kc): the layout matmulTile packs per tile, laid out for the
// whole matrix so that every tile, on every thread, reads the one copy.

/** Packs rows [i0, i0+rows) of op(A) (i0 a multiple of MR) for every depth block into `packed`. */
export function packRowsWhole(a: usize, m: i32, k: i32, transA: bool, i0: i32, rows: i32, packed: usize): void {
  const mPad = (m + MR - 1) / MR * MR;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    packA(a, m, k, transA, i0, rows, p0, kc, packed + ((<usize>p0 * <usize>mPad + <usize>i0 * <usize>kc) << 2));
  }
}

/** Packs columns [j0, j0+cols) of op(B) (j0 a multiple of NR) for every depth block into `packed`. */
export function packColumnsWhole(b: usize, n: i32, k: i32, transB: bool, j0: i32, cols: i32, packed: usize): void {
  const nPad = (n + NR - 1) / NR * NR;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    packB(b, n, k, transB, j0, cols, p0, kc, packed + ((<usize>p0 * <usize>nPad + <usize>j0 * <usize>kc) << 2));
  }
}

/**
 * One tile of C (as {@link matmulTile}) from whole-matrix packed operands (see {@link packRowsWhole}); k ≥ 1.
 * `edge` holds MR×NR floats private to the calling thread.
 */
export function matmulTileFromPacked(
  packedA: usize, packedB: usize, c: usize, m: i32, n: i32, k: i32,
  i0: i32, rows: i32, j0: i32, cols: i32, edge: usize,
): void {
  const mPad = (m + MR - 1) / MR * MR, nPad = (n + NR - 1) / NR * NR;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const panelsA = packedA + ((<usize>p0 * <usize>mPad + <usize>i0 * <usize>kc) << 2);
    const panelsB = packedB + ((<usize>p0 * <usize>nPad + <usize>j0 * <usize>kc) << 2);
    tileFromPanels(panelsA, panelsB, kc, c, <usize>n << 2, i0, rows, j0, cols, p0 > 0, edge);
  }
}

/** Plain int32 matrix product (no SIMD: int32 matmul is rare); same layout conventions as {@link matmulTile}. */
export function matmulI32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  const sai: usize = transA ? 1 : <usize>k, sap: usize = transA ? <usize>m : 1;
  const sbp: usize = transB ? 1 : <usize>n, sbj: usize = transB ? <usize>k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc: i32 = 0;
      for (let p = 0; p < k; p++) {
        acc += load<i32>(a + ((<usize>i * sai + <usize>p * sap) << 2)) * load<i32>(b + ((<usize>p * sbp + <usize>j * sbj) << 2));
      }
      store<i32>(c + ((<usize>i * <usize>n + <usize>j) << 2), acc);
    }
  }
}

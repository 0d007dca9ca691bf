// Strided copies: the one kernel behind transpose, expand, slice, flip, pad and concat.
//
// The caller describes a walk over `shape` with element strides for the source (any sign, 0 to repeat) and the
// destination, starting at byte addresses src and dst. `dims` holds shape, source strides, destination strides and
// counters, each `rank` i32s. Rows whose source and destination are both contiguous become memory.copy.

/** Copies the strided view of src into the strided view of dst; elements are `bytes` (1 or 4) wide. */
export function copyStrided(bytes: i32, src: usize, dst: usize, rank: i32, dims: usize): void {
  const r4 = <usize>rank << 2;
  const shape = dims, stS = dims + r4, stD = stS + r4, counters = stD + r4;
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last);
  const ss = load<i32>(stS + last), sd = load<i32>(stD + last);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) {
    rows *= load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  if (rows == 0 || n == 0) return;
  const contiguous = ss == 1 && sd == 1;
  const js = <isize>ss * bytes, jd = <isize>sd * bytes;
  let so: isize = 0, dof: isize = 0;
  for (let r = 0; r < rows; r++) {
    let ps = <isize>src + so * bytes, pd = <isize>dst + dof * bytes;
    if (contiguous) {
      memory.copy(<usize>pd, <usize>ps, <usize>n * bytes);
    } else if (bytes == 4) {
      for (let i = 0; i < n; i++) {
        store<i32>(<usize>pd, load<i32>(<usize>ps));
        ps += js;
        pd += jd;
      }
    } else {
      for (let i = 0; i < n; i++) {
        store<u8>(<usize>pd, load<u8>(<usize>ps));
        ps += js;
        pd += jd;
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      const k = <usize>d << 2;
      const c = load<i32>(counters + k) + 1;
      const dim = load<i32>(shape + k);
      const a = load<i32>(stS + k), b = load<i32>(stD + k);
      if (c < dim) {
        store<i32>(counters + k, c);
        so += a;
        dof += b;
        break;
      }
      store<i32>(counters + k, 0);
      so -= <isize>a * (dim - 1);
      dof -= <isize>b * (dim - 1);
    }
  }
}

/**
 * A 2-D transpose block: dst[r·dstRowStride + c] = src[r + c·srcColStride] for r < rows, c < cols (element
 * strides). Four-byte elements move as 4×4 f32x4 tiles, so both sides are read and written a vector at a time.
 */
export function transposeBlock(bytes: i32, src: usize, dst: usize, rows: i32, cols: i32, srcColStride: i32, dstRowStride: i32): void {
  const sc = <usize>srcColStride * bytes, dr = <usize>dstRowStride * bytes;
  if (bytes == 4) {
    const rFull = rows & ~3, cFull = cols & ~3;
    // Blocks of 64 source columns: the lines they touch stay in L1 while the tiles walk down the rows.
    for (let cb = 0; cb < cFull; cb += 64) {
      const ce = min(cFull, cb + 64);
      for (let r0 = 0; r0 < rFull; r0 += 4) {
        for (let c0 = cb; c0 < ce; c0 += 4) {
          const s = src + (<usize>r0 << 2) + <usize>c0 * sc;
          const d = dst + <usize>r0 * dr + (<usize>c0 << 2);
          // Column c0+q of the source block is row q of this tile; transposing gives the four destination rows.
          const v0 = v128.load(s), v1 = v128.load(s + sc), v2 = v128.load(s + 2 * sc), v3 = v128.load(s + 3 * sc);
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(d + dr, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(d + 2 * dr, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(d + 3 * dr, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      // The edges: columns past the last full tile, and rows past the last full tile.
      const c0 = r < rFull ? cFull : 0;
      for (let c = c0; c < cols; c++) store<i32>(dst + <usize>r * dr + (<usize>c << 2), load<i32>(src + (<usize>r << 2) + <usize>c * sc));
    }
  } else {
    // Bytes: 16×16 tiles keep both sides in cache.
    for (let r0 = 0; r0 < rows; r0 += 16) {
      const r1 = min(rows, r0 + 16);
      for (let c0 = 0; c0 < cols; c0 += 16) {
        const c1 = min(cols, c0 + 16);
        for (let r = r0; r < r1; r++) {
          for (let c = c0; c < c1; c++) store<u8>(dst + <usize>r * dr + <usize>c, load<u8>(src + <usize>r + <usize>c * sc));
        }
      }
    }
  }
}

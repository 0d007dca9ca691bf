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

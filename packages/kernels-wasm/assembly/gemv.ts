// Matrix-vector products for matmuls with one output row or column: no packing, one pass over the matrix.
//
// A 1×k by k×n product (or m×k by k×1) reads each matrix element once, so it is bound by memory, not arithmetic;
// packing for the 4×8 micro-kernel would waste three of its four rows. Two shapes of loop cover every layout.
import { madd } from './madd';

/** out[r] = Σ_p mat[r·k + p] · vec[p] for `rows` contiguous rows of length k (a dot product per row). */
export function rowDots(mat: usize, vec: usize, out: usize, rows: i32, k: i32): void {
  const rowBytes = <usize>k << 2;
  let r = 0;
  // Four rows at a time share each load of the vector.
  for (; r + 4 <= rows; r += 4) {
    const m0 = mat + <usize>r * rowBytes, m1 = m0 + rowBytes, m2 = m1 + rowBytes, m3 = m2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o = <usize>p << 2;
      const v = v128.load(vec + o);
      s0 = madd(v128.load(m0 + o), v, s0);
      s1 = madd(v128.load(m1 + o), v, s1);
      s2 = madd(v128.load(m2 + o), v, s2);
      s3 = madd(v128.load(m3 + o), v, s3);
    }
    let t0 = horizontalSum(s0), t1 = horizontalSum(s1), t2 = horizontalSum(s2), t3 = horizontalSum(s3);
    for (; p < k; p++) {
      const o = <usize>p << 2;
      const v = load<f32>(vec + o);
      t0 += load<f32>(m0 + o) * v;
      t1 += load<f32>(m1 + o) * v;
      t2 += load<f32>(m2 + o) * v;
      t3 += load<f32>(m3 + o) * v;
    }
    store<f32>(out + (<usize>r << 2), t0);
    store<f32>(out + (<usize>r << 2), t1, 4);
    store<f32>(out + (<usize>r << 2), t2, 8);
    store<f32>(out + (<usize>r << 2), t3, 12);
  }
  for (; r < rows; r++) {
    const m0 = mat + <usize>r * rowBytes;
    let s0 = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o = <usize>p << 2;
      s0 = madd(v128.load(m0 + o), v128.load(vec + o), s0);
    }
    let t0 = horizontalSum(s0);
    for (; p < k; p++) t0 += load<f32>(m0 + (<usize>p << 2)) * load<f32>(vec + (<usize>p << 2));
    store<f32>(out + (<usize>r << 2), t0);
  }
}

@inline
function horizontalSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** out[j] = Σ_p vec[p] · mat[p·n + j] for a k×n row-major matrix (a weighted sum of its rows). */
export function rowCombination(mat: usize, vec: usize, out: usize, k: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  let j = 0;
  // Sixteen columns at a time: four accumulators stay in registers across the whole depth.
  for (; j + 16 <= n; j += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let m = mat + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      const w = v128.load32_splat(vec + (<usize>p << 2));
      a0 = madd(w, v128.load(m), a0);
      a1 = madd(w, v128.load(m, 16), a1);
      a2 = madd(w, v128.load(m, 32), a2);
      a3 = madd(w, v128.load(m, 48), a3);
      m += rowBytes;
    }
    const o = out + (<usize>j << 2);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; j + 4 <= n; j += 4) {
    let a0 = f32x4.splat(0);
    let m = mat + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      a0 = madd(v128.load32_splat(vec + (<usize>p << 2)), v128.load(m), a0);
      m += rowBytes;
    }
    v128.store(out + (<usize>j << 2), a0);
  }
  for (; j < n; j++) {
    let t: f32 = 0;
    for (let p = 0; p < k; p++) t += load<f32>(vec + (<usize>p << 2)) * load<f32>(mat + <usize>p * rowBytes + (<usize>j << 2));
    store<f32>(out + (<usize>j << 2), t);
  }
}

// What the fused LSTM and GRU sequence kernels share: step validity under lengths, the per-step product, column sums.
import { matmulTile } from './matmul';

/** Largest tile side {@link stepProduct} hands to matmulTile: the scratch the caller passes is sized for it. */
export const STEP_TILE: i32 = 256;

/** Time step `t` of sequence `b` is valid when `t < lengths[b]`; `lengths == 0` means every step is valid. */
@inline
export function isValid(lengths: usize, t: i32, b: i32): bool {
  return lengths == 0 || t < load<i32>(lengths + (<usize>b << 2));
}

/** True when some sequence of the batch has a valid step at time `t`. */
export function anyValid(lengths: usize, t: i32, batch: i32): bool {
  if (lengths == 0) return true;
  for (let b = 0; b < batch; b++) if (t < load<i32>(lengths + (<usize>b << 2))) return true;
  return false;
}

/**
 * C `[m, n]` = A `[m, k]` · op(B) on the calling thread, tile by tile so that `scratch`
 * (matmulScratchBytes(STEP_TILE, STEP_TILE) bytes) always suffices. op(B) is Bᵀ of a `[n, k]` B when `transB`.
 */
export function stepProduct(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transB: bool, scratch: usize): void {
  for (let i0 = 0; i0 < m; i0 += STEP_TILE) {
    const rows = min(STEP_TILE, m - i0);
    for (let j0 = 0; j0 < n; j0 += STEP_TILE) {
      matmulTile(a, b, c, m, n, k, false, transB, i0, rows, j0, min(STEP_TILE, n - j0), scratch);
    }
  }
}

/**
 * acc `[cols]` (float64) += column sums of the row-major `[rows, cols]` float32 matrix at `m`. Bias gradients are
 * long sums of terms of mixed sign; float64 keeps their relative accuracy.
 */
export function accumulateColumnsF32(m: usize, rows: i32, cols: i32, acc: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * <usize>cols << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < cols; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
}

/** out `[cols]` = acc rounded to float32; `copy`, unless 0, receives the same values (a second storage). */
export function storeColumnSumsF32(acc: usize, cols: i32, out: usize, copy: usize): void {
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
  if (copy != 0) memory.copy(copy, out, <usize>cols << 2);
}

/**
 * For every sequence `b` valid at step `t`: row b of dst `[B, H]` = (add ? dst + src : src). The recurrent
 * gradient reaches only sequences still running; the others pass their state gradient through unchanged.
 */
export function mergeValidRowsF32(src: usize, dst: usize, lengths: usize, t: i32, B: i32, H: i32, add: bool): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    if (!isValid(lengths, t, b)) continue;
    const d = dst + <usize>b * hb, s = src + <usize>b * hb;
    if (!add) {
      memory.copy(d, s, hb);
      continue;
    }
    let j: usize = 0;
    for (; j + 16 <= hb; j += 16) v128.store(d + j, f32x4.add(v128.load(d + j), v128.load(s + j)));
    for (; j < hb; j += 4) store<f32>(d + j, load<f32>(d + j) + load<f32>(s + j));
  }
}

/**
 * Zeroes the rows of `output[t]` (`[T, B, H]`) that step `t` does not compute: every row when `noStep` (no sequence
 * is valid at `t`), else the rows of sequences whose length ends before `t`. Returns whether any row is left for the
 * step's gate math.
 */
export function zeroIdleOutputRowsF32(output: usize, lengths: usize, t: i32, B: i32, H: i32, noStep: bool): bool {
  const at = output + <usize>t * (<usize>(B * H) << 2);
  if (noStep) {
    zeroF32(at, B * H);
    return false;
  }
  for (let b = 0; b < B; b++) if (!isValid(lengths, t, b)) zeroF32(at + (<usize>(b * H) << 2), H);
  return true;
}

/** Zeroes `count` floats at `p`. */
@inline
export function zeroF32(p: usize, count: i32): void {
  memory.fill(p, 0, <usize>count << 2);
}

/** Four lanes at `p`, or (not `wide`) one lane with the rest zero, for the tail of a row not a multiple of 4 long. */
@inline
export function ld(p: usize, wide: bool): v128 {
  return wide ? v128.load(p) : v128.load32_zero(p);
}

/** Stores four lanes at `p`, or (not `wide`) lane 0 only; the counterpart of {@link ld}. */
@inline
export function st(p: usize, v: v128, wide: bool): void {
  if (wide) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

// LayerNorm of a residual sum `x + residual` (float32 rows), row by row so that each summed row is normalised while it
// is in cache, for the fused add + LayerNorm.
import { layerNormF32 } from './layer-norm';

// out[i] = a[i] + b[i] over `count` floats.
@inline function addRow(a: usize, b: usize, out: usize, count: i32): void {
  const vec = count & ~3;
  let i = 0;
  for (; i < vec; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/**
 * For each of `rows` rows of `D` floats: sum = x + residual, then layerNormF32 of that row into `out` (with its mean
 * and rstd). `sum` may be `out` itself when the sum is not wanted (the row is normalised in place).
 */
export function addLayerNormF32(
  x: usize, residual: usize, w: usize, b: usize, sum: usize, out: usize, mean: usize, rstd: usize, rows: i32, D: i32, eps: f64,
): void {
  const rowBytes = <usize>D << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rowBytes;
    addRow(x + o, residual + o, sum + o, D);
    layerNormF32(sum + o, w, b, out + o, mean + (<usize>r << 2), rstd + (<usize>r << 2), 1, D, eps);
  }
}

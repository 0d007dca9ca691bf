// LayerNorm over the last axis of float32 rows, forward and backward, with the row sums accumulated in f64.
import { madd, nmadd } from './madd';

// The four f32 lanes of v as two f64x2 halves: lanes 0, 1 and lanes 2, 3.
@inline function lowHalf(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function highHalf(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}
@inline function lanesSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * For each of `rows` rows of `D` floats at x: mean and biased variance in f64 (two passes, so a large mean does not
 * cancel the variance away), rstd = 1/√(var + eps), then out = (x − mean)·rstd·w + b with w, b skipped when their
 * address is 0. Writes the row mean and rstd (as f32) to mean and rstd.
 */
export function layerNormF32(x: usize, w: usize, b: usize, out: usize, mean: usize, rstd: usize, rows: i32, D: i32, eps: f64): void {
  const rowBytes = <usize>D << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= D; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      s0 = f64x2.add(s0, lowHalf(v));
      s1 = f64x2.add(s1, highHalf(v));
    }
    let sum = lanesSum(f64x2.add(s0, s1));
    for (; i < D; i++) sum += <f64>load<f32>(src + (<usize>i << 2));
    const mu = sum / <f64>D;
    const vmu = f64x2.splat(mu);
    s0 = f64x2.splat(0);
    s1 = f64x2.splat(0);
    i = 0;
    for (; i + 4 <= D; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const d0 = f64x2.sub(lowHalf(v), vmu), d1 = f64x2.sub(highHalf(v), vmu);
      s0 = f64x2.add(s0, f64x2.mul(d0, d0));
      s1 = f64x2.add(s1, f64x2.mul(d1, d1));
    }
    let sq = lanesSum(f64x2.add(s0, s1));
    for (; i < D; i++) {
      const d = <f64>load<f32>(src + (<usize>i << 2)) - mu;
      sq += d * d;
    }
    const rs = 1.0 / Math.sqrt(sq / <f64>D + eps);
    store<f32>(mean + (<usize>r << 2), <f32>mu);
    store<f32>(rstd + (<usize>r << 2), <f32>rs);
    const muf = <f32>mu, rsf = <f32>rs;
    const vmuf = f32x4.splat(muf), vrs = f32x4.splat(rsf);
    i = 0;
    for (; i + 4 <= D; i += 4) {
      const k = <usize>i << 2;
      let y = f32x4.mul(f32x4.sub(v128.load(src + k), vmuf), vrs);
      if (w != 0 && b != 0) y = madd(y, v128.load(w + k), v128.load(b + k));
      else if (w != 0) y = f32x4.mul(y, v128.load(w + k));
      else if (b != 0) y = f32x4.add(y, v128.load(b + k));
      v128.store(dst + k, y);
    }
    for (; i < D; i++) {
      const k = <usize>i << 2;
      let y = (load<f32>(src + k) - muf) * rsf;
      if (w != 0) y *= load<f32>(w + k);
      if (b != 0) y += load<f32>(b + k);
      store<f32>(dst + k, y);
    }
  }
}

/**
 * Backward of {@link layerNormF32} from the saved mean and rstd: per row, with x̂ = (x − mean)·rstd and
 * g = dy·w (dy when w is 0), dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), the row means summed in f64. The column sums
 * Σ dy·x̂ and Σ dy go to dWeight and dBias (f32), accumulated across rows in f64 in `acc` (2·D f64, 8-aligned).
 */
export function layerNormBackwardF32(
  dy: usize, x: usize, w: usize, mean: usize, rstd: usize, dx: usize, dWeight: usize, dBias: usize, acc: usize, rows: i32, D: i32,
): void {
  const rowBytes = <usize>D << 2;
  const accW = acc, accB = acc + (<usize>D << 3);
  memory.fill(acc, 0, <usize>D << 4);
  const invD = 1.0 / <f64>D;
  for (let r = 0; r < rows; r++) {
    const xs = x + <usize>r * rowBytes;
    const gs = dy + <usize>r * rowBytes;
    const ds = dx + <usize>r * rowBytes;
    const muf = load<f32>(mean + (<usize>r << 2)), rsf = load<f32>(rstd + (<usize>r << 2));
    const vmu = f32x4.splat(muf), vrs = f32x4.splat(rsf);
    let sg0 = f64x2.splat(0), sg1 = f64x2.splat(0), sx0 = f64x2.splat(0), sx1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= D; i += 4) {
      const k = <usize>i << 2;
      const g0 = v128.load(gs + k);
      const xh = f32x4.mul(f32x4.sub(v128.load(xs + k), vmu), vrs);
      const aw = accW + (<usize>i << 3), ab = accB + (<usize>i << 3);
      const gx0 = f32x4.mul(g0, xh);
      v128.store(aw, f64x2.add(v128.load(aw), lowHalf(gx0)));
      v128.store(aw + 16, f64x2.add(v128.load(aw + 16), highHalf(gx0)));
      v128.store(ab, f64x2.add(v128.load(ab), lowHalf(g0)));
      v128.store(ab + 16, f64x2.add(v128.load(ab + 16), highHalf(g0)));
      const g = w != 0 ? f32x4.mul(g0, v128.load(w + k)) : g0;
      const gx = f32x4.mul(g, xh);
      sg0 = f64x2.add(sg0, lowHalf(g));
      sg1 = f64x2.add(sg1, highHalf(g));
      sx0 = f64x2.add(sx0, lowHalf(gx));
      sx1 = f64x2.add(sx1, highHalf(gx));
    }
    let sumG = lanesSum(f64x2.add(sg0, sg1)), sumGx = lanesSum(f64x2.add(sx0, sx1));
    for (; i < D; i++) {
      const k = <usize>i << 2;
      const g0 = load<f32>(gs + k);
      const xh = (load<f32>(xs + k) - muf) * rsf;
      const aw = accW + (<usize>i << 3), ab = accB + (<usize>i << 3);
      store<f64>(aw, load<f64>(aw) + <f64>(g0 * xh));
      store<f64>(ab, load<f64>(ab) + <f64>g0);
      const g = w != 0 ? g0 * load<f32>(w + k) : g0;
      sumG += <f64>g;
      sumGx += <f64>(g * xh);
    }
    const meanG = <f32>(sumG * invD), meanGx = <f32>(sumGx * invD);
    const vmg = f32x4.splat(meanG), vmgx = f32x4.splat(meanGx);
    i = 0;
    for (; i + 4 <= D; i += 4) {
      const k = <usize>i << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xs + k), vmu), vrs);
      const g0 = v128.load(gs + k);
      const g = w != 0 ? f32x4.mul(g0, v128.load(w + k)) : g0;
      v128.store(ds + k, f32x4.mul(vrs, nmadd(xh, vmgx, f32x4.sub(g, vmg))));
    }
    for (; i < D; i++) {
      const k = <usize>i << 2;
      const xh = (load<f32>(xs + k) - muf) * rsf;
      const g0 = load<f32>(gs + k);
      const g = w != 0 ? g0 * load<f32>(w + k) : g0;
      store<f32>(ds + k, rsf * (g - meanG - xh * meanGx));
    }
  }
  for (let i = 0; i < D; i++) {
    store<f32>(dWeight + (<usize>i << 2), <f32>load<f64>(accW + (<usize>i << 3)));
    store<f32>(dBias + (<usize>i << 2), <f32>load<f64>(accB + (<usize>i << 3)));
  }
}

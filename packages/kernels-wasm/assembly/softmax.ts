// Softmax and log-softmax along one axis of x viewed as [outer, len, inner], max-shifted so exp never overflows.
import { expS, expV } from './vmath';

/** Largest of the `len` contiguous floats at `row` (f32x4 lanes, then the tail); NaN if any is NaN. */
@inline
export function rowMax(row: usize, len: i32): f32 {
  let i = 0;
  let mx: f32 = -Infinity;
  if (len >= 4) {
    let acc = v128.load(row);
    for (i = 4; i + 4 <= len; i += 4) acc = f32x4.max(acc, v128.load(row + (<usize>i << 2)));
    mx = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  for (; i < len; i++) mx = max(mx, load<f32>(row + (<usize>i << 2)));
  return mx;
}

// Rows (inner == 1): three passes over a contiguous row — max, exp and sum, scale — all f32x4.
function softmaxRows(log: bool, x: usize, out: usize, outer: i32, len: i32): void {
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>o * <usize>len << 2);
    const dst = out + (<usize>o * <usize>len << 2);
    const mx = rowMax(src, len);
    const vmx = f32x4.splat(mx);
    let vsum = f32x4.splat(0);
    let sum: f64 = 0;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const k = <usize>i << 2;
      const d = f32x4.sub(v128.load(src + k), vmx);
      const e = expV(d);
      vsum = f32x4.add(vsum, e);
      v128.store(dst + k, log ? d : e);
    }
    for (; i < len; i++) {
      const k = <usize>i << 2;
      const d = load<f32>(src + k) - mx;
      const e = expS(d);
      sum += <f64>e;
      store<f32>(dst + k, log ? d : e);
    }
    sum += <f64>f32x4.extract_lane(vsum, 0) + <f64>f32x4.extract_lane(vsum, 1) + <f64>f32x4.extract_lane(vsum, 2) + <f64>f32x4.extract_lane(vsum, 3);
    if (log) {
      const vl = f32x4.splat(<f32>Math.log(sum));
      i = 0;
      for (; i + 4 <= len; i += 4) {
        const k = <usize>i << 2;
        v128.store(dst + k, f32x4.sub(v128.load(dst + k), vl));
      }
      const l = <f32>Math.log(sum);
      for (; i < len; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) - l);
    } else {
      // One reciprocal (in f64) and a multiply per element: within an ulp of dividing, at a fraction of the cost.
      const inv = <f32>(1.0 / sum);
      const vinv = f32x4.splat(inv);
      i = 0;
      for (; i + 4 <= len; i += 4) {
        const k = <usize>i << 2;
        v128.store(dst + k, f32x4.mul(v128.load(dst + k), vinv));
      }
      for (; i < len; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) * inv);
    }
  }
}

// Columns (inner > 1): the same three passes, strided by inner, one column at a time.
function softmaxColumns(log: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * step;
    for (let j = 0; j < inner; j++) {
      const src = x + base + (<usize>j << 2);
      const dst = out + base + (<usize>j << 2);
      let mx: f32 = -Infinity;
      for (let r = 0; r < len; r++) mx = max(mx, load<f32>(src + <usize>r * step));
      let sum: f64 = 0;
      for (let r = 0; r < len; r++) {
        const d = load<f32>(src + <usize>r * step) - mx;
        const e = expS(d);
        sum += <f64>e;
        store<f32>(dst + <usize>r * step, log ? d : e);
      }
      const l = <f32>Math.log(sum), s = <f32>sum;
      for (let r = 0; r < len; r++) {
        const k = dst + <usize>r * step;
        store<f32>(k, log ? load<f32>(k) - l : load<f32>(k) / s);
      }
    }
  }
}

/** Softmax (`log` false) or log-softmax (`log` true) over len of float32 x viewed as [outer, len, inner]. */
export function softmaxF32(log: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  if (inner == 1) softmaxRows(log, x, out, outer, len);
  else softmaxColumns(log, x, out, outer, len, inner);
}

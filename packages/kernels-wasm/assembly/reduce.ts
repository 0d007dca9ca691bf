// Reductions over one contiguous block of axes, seen as [outer, len, inner]: sum, max, min, prod, argmax, argmin.
//
// The caller reduces several separate axis blocks one after another. Rows (inner == 1) reduce with f32x4
// accumulators; columns (inner > 1) stream the rows in memory order. Float sums accumulate in f64 so that
// long reductions agree with the CPU backend, which sums in JavaScript doubles.

const SUM = 0, MAX = 1, MIN = 2, PROD = 3;

@inline
function combineF64(op: i32, acc: f64, x: f64): f64 {
  switch (op) {
    case SUM: return acc + x;
    case MAX: return acc > x || acc != acc ? acc : x;
    case MIN: return acc < x || acc != acc ? acc : x;
    default: return acc * x;
  }
}

// Sum of len contiguous floats: f64x2 accumulators, four lanes per step.
@inline
function sumRowF32(x: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(acc0, acc1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < len; i++) total += <f64>load<f32>(x + (<usize>i << 2));
  return total;
}

// max (or min) of len contiguous floats with NaN propagating.
@inline
function extremeRowF32(isMax: bool, x: usize, len: i32): f32 {
  let i = 0;
  let best: f32 = isMax ? -Infinity : Infinity;
  if (len >= 4) {
    let acc = v128.load(x);
    for (i = 4; i + 4 <= len; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
    }
    for (let l = 0; l < 4; l++) {
      const v = f32x4.extract_lane(acc, 0);
      best = <f32>combineF64(isMax ? MAX : MIN, best, v);
      acc = i32x4.shuffle(acc, acc, 1, 2, 3, 0);
    }
  }
  for (; i < len; i++) best = <f32>combineF64(isMax ? MAX : MIN, best, load<f32>(x + (<usize>i << 2)));
  return best;
}

/**
 * Reduces x viewed as [outer, len, inner] over len into out [outer, inner]; float32. When inner > 1, `scratch`
 * holds inner f64s.
 */
export function reduceF32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32, scratch: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>o * <usize>len << 2);
      let r: f32;
      if (op == SUM) r = <f32>sumRowF32(row, len);
      else if (op == MAX) r = extremeRowF32(true, row, len);
      else if (op == MIN) r = extremeRowF32(false, row, len);
      else {
        let acc: f64 = 1;
        for (let i = 0; i < len; i++) acc *= <f64>load<f32>(row + (<usize>i << 2));
        r = <f32>acc;
      }
      store<f32>(out + (<usize>o << 2), r);
    }
    return;
  }
  // Columns: stream the rows in memory order, folding each into an f64 accumulator row (`scratch`, inner f64s),
  // so every cache line is read once however long the reduced axis.
  const innerBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * innerBytes;
    const dst = out + <usize>o * innerBytes;
    if (op == MAX || op == MIN) {
      // max and min are exact in f32: fold straight into the output row.
      const init: f32 = op == MAX ? -Infinity : Infinity;
      for (let j = 0; j < inner; j++) store<f32>(dst + (<usize>j << 2), init);
      for (let r = 0; r < len; r++) {
        const row = base + <usize>r * innerBytes;
        let j = 0;
        for (; j + 4 <= inner; j += 4) {
          const k = <usize>j << 2;
          const v = v128.load(row + k), acc = v128.load(dst + k);
          v128.store(dst + k, op == MAX ? f32x4.max(acc, v) : f32x4.min(acc, v));
        }
        for (; j < inner; j++) {
          const k = <usize>j << 2;
          store<f32>(dst + k, <f32>combineF64(op, <f64>load<f32>(dst + k), <f64>load<f32>(row + k)));
        }
      }
      continue;
    }
    const init: f64 = op == SUM ? 0 : 1;
    for (let j = 0; j < inner; j++) store<f64>(scratch + (<usize>j << 3), init);
    for (let r = 0; r < len; r++) {
      const row = base + <usize>r * innerBytes;
      let j = 0;
      if (op == SUM) {
        for (; j + 4 <= inner; j += 4) {
          const v = v128.load(row + (<usize>j << 2));
          const acc = scratch + (<usize>j << 3);
          v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v)));
          v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
        }
      }
      for (; j < inner; j++) {
        const acc = scratch + (<usize>j << 3);
        store<f64>(acc, combineF64(op, load<f64>(acc), <f64>load<f32>(row + (<usize>j << 2))));
      }
    }
    for (let j = 0; j < inner; j++) store<f32>(dst + (<usize>j << 2), <f32>load<f64>(scratch + (<usize>j << 3)));
  }
}

@inline
function combineI32(op: i32, acc: i32, x: i32): i32 {
  switch (op) {
    case SUM: return acc + x;
    case MAX: return acc > x ? acc : x;
    case MIN: return acc < x ? acc : x;
    default: return acc * x;
  }
}

/** Reduces x viewed as [outer, len, inner] over len into out [outer, inner]; int32 with wrapping arithmetic. */
export function reduceI32(op: i32, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * innerBytes;
    for (let j = 0; j < inner; j++) {
      let acc: i32 = op == SUM ? 0 : op == MAX ? i32.MIN_VALUE : op == MIN ? i32.MAX_VALUE : 1;
      let p = base + (<usize>j << 2);
      for (let r = 0; r < len; r++) {
        acc = combineI32(op, acc, load<i32>(p));
        p += innerBytes;
      }
      store<i32>(out + ((<usize>o * innerBytes) + (<usize>j << 2)), acc);
    }
  }
}

/**
 * Index of the largest (`max` true) or smallest value along len of x viewed as [outer, len, inner], first on ties;
 * a NaN counts as beyond every number, as in PyTorch. `isFloat` selects float32 or int32 input; out is int32.
 */
export function argExtreme(isFloat: bool, isMax: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * innerBytes;
    for (let j = 0; j < inner; j++) {
      let p = base + (<usize>j << 2);
      let best = 0;
      if (isFloat) {
        let bv = load<f32>(p);
        for (let r = 1; r < len && bv == bv; r++) {
          p += innerBytes;
          const v = load<f32>(p);
          if (v != v || (isMax ? v > bv : v < bv)) {
            bv = v;
            best = r;
          }
        }
      } else {
        let bv = load<i32>(p);
        for (let r = 1; r < len; r++) {
          p += innerBytes;
          const v = load<i32>(p);
          if (isMax ? v > bv : v < bv) {
            bv = v;
            best = r;
          }
        }
      }
      store<i32>(out + ((<usize>o * innerBytes) + (<usize>j << 2)), best);
    }
  }
}

// Elementwise unary kernels over contiguous storage: f32x4 bodies with scalar tails, plus clamp and GELU.
import { expV, geluGradV, geluTanhGradV, geluTanhV, geluV, sigmoidV, tanhV } from './vmath';

// Op codes shared with src/kernels/unary.ts (the order of UNARY_OPS there).
const NEG = 0, ABS = 1, EXP = 2, LOG = 3, LOG1P = 4, SQRT = 5, RSQRT = 6, TANH = 7, SIGMOID = 8, RELU = 9;
const SIN = 10, COS = 11, SQUARE = 12, RECIPROCAL = 13, SIGN = 14, FLOOR = 15, CEIL = 16, ROUND = 17;

// Vector form of op; only called with a constant op, so inlining folds the switch away.
@inline
function vecF32(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case EXP: return expV(x);
    case SQRT: return f32x4.sqrt(x);
    case RSQRT: return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
    case TANH: return tanhV(x);
    case SIGMOID: return sigmoidV(x);
    // pmax(0, x) = 0 < x ? x : 0, so NaN and -0 give 0 like `x > 0 ? x : 0`.
    case RELU: return f32x4.pmax(f32x4.splat(0), x);
    case SQUARE: return f32x4.mul(x, x);
    case RECIPROCAL: return f32x4.div(f32x4.splat(1), x);
    case SIGN: {
      const pos = v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1));
      const neg = v128.and(f32x4.lt(x, f32x4.splat(0)), f32x4.splat(-1));
      // Zero, -0 and NaN lanes keep x.
      const keep = v128.not(v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.lt(x, f32x4.splat(0))));
      return v128.or(v128.or(pos, neg), v128.and(x, keep));
    }
    case FLOOR: return f32x4.floor(x);
    case CEIL: return f32x4.ceil(x);
    // nearest rounds halves to even, as torch.round does.
    case ROUND: return f32x4.nearest(x);
    default: return x;
  }
}

// Scalar form of op for tails and for the ops without a vector form.
@inline
function scalarF32(op: i32, x: f32): f32 {
  switch (op) {
    case LOG: return <f32>Math.log(<f64>x);
    case LOG1P: return <f32>Math.log1p(<f64>x);
    case SIN: return <f32>Math.sin(<f64>x);
    case COS: return <f32>Math.cos(<f64>x);
    default: return f32x4.extract_lane(vecF32(op, f32x4.splat(x)), 0);
  }
}

@inline
function hasVector(op: i32): bool {
  return op != LOG && op != LOG1P && op != SIN && op != COS;
}

@inline
function mapF32(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (hasVector(op)) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vecF32(op, v128.load(x + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, scalarF32(op, load<f32>(x + o)));
  }
}

/** out[i] = op(x[i]) for n float32 values; `op` is an index into the unary op list. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: mapF32(NEG, x, out, n); break;
    case ABS: mapF32(ABS, x, out, n); break;
    case EXP: mapF32(EXP, x, out, n); break;
    case LOG: mapF32(LOG, x, out, n); break;
    case LOG1P: mapF32(LOG1P, x, out, n); break;
    case SQRT: mapF32(SQRT, x, out, n); break;
    case RSQRT: mapF32(RSQRT, x, out, n); break;
    case TANH: mapF32(TANH, x, out, n); break;
    case SIGMOID: mapF32(SIGMOID, x, out, n); break;
    case RELU: mapF32(RELU, x, out, n); break;
    case SIN: mapF32(SIN, x, out, n); break;
    case COS: mapF32(COS, x, out, n); break;
    case SQUARE: mapF32(SQUARE, x, out, n); break;
    case RECIPROCAL: mapF32(RECIPROCAL, x, out, n); break;
    case SIGN: mapF32(SIGN, x, out, n); break;
    case FLOOR: mapF32(FLOOR, x, out, n); break;
    case CEIL: mapF32(CEIL, x, out, n); break;
    case ROUND: mapF32(ROUND, x, out, n); break;
    default: break;
  }
}

/** out[i] = op(x[i]) for n int32 values (neg, abs, relu, square, sign; other ops copy). */
export function unaryI32(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (op == NEG || op == ABS || op == RELU || op == SQUARE) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      let r: v128;
      if (op == NEG) r = i32x4.neg(v);
      else if (op == ABS) r = i32x4.abs(v);
      else if (op == RELU) r = i32x4.max_s(v, i32x4.splat(0));
      else r = i32x4.mul(v, v);
      v128.store(out + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<i32>(x + o);
    let r = v;
    if (op == NEG) r = -v;
    else if (op == ABS) r = v < 0 ? -v : v;
    else if (op == RELU) r = v > 0 ? v : 0;
    else if (op == SQUARE) r = v * v;
    else if (op == SIGN) r = v > 0 ? 1 : v < 0 ? -1 : 0;
    store<i32>(out + o, r);
  }
}

/** out[i] = min(max(x[i], lo), hi) for float32; NaN stays NaN. */
export function clampF32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(f32x4.max(v128.load(x + o), vlo), vhi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v < lo ? lo : v > hi ? hi : v);
  }
}

/**
 * GELU, exact x·Φ(x) (`tanh` false) or the tanh approximation (`tanh` true) as torch.nn.functional.gelu, in f32x4
 * (vmath's geluV / geluTanhV), the tail on one lane of the same formulas.
 */
export function geluF32(x: usize, out: usize, n: i32, tanh: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, tanh ? geluTanhV(v) : geluV(v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + o));
    store<f32>(out + o, f32x4.extract_lane(tanh ? geluTanhV(v) : geluV(v), 0));
  }
}

/** dx = dy·gelu'(x) over `n` floats: the exact form's derivative (`tanh` false) or the tanh form's (vmath). */
export function geluBackwardF32(dy: usize, x: usize, out: usize, n: i32, tanh: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, f32x4.mul(v128.load(dy + o), tanh ? geluTanhGradV(v) : geluGradV(v)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + o));
    store<f32>(out + o, load<f32>(dy + o) * f32x4.extract_lane(tanh ? geluTanhGradV(v) : geluGradV(v), 0));
  }
}

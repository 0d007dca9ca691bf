// Vector (f32x4) exp, sigmoid, tanh, normal CDF and GELU: the transcendental building blocks of the kernels.
//
// Accuracy is a few float32 ulps over the whole range, well inside the 1e-4 relative tolerance that every
// backend is held to against PyTorch; NaN propagates and the overflow/underflow ends saturate like Math.exp.
import { madd, nmadd } from './madd';

const LOG2E: f32 = 1.44269504;
// ln 2 split in a short high part (exact times any n we use) and the remainder, so r = x - n·ln2 stays exact.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.7228;
const EXP_MIN: f32 = -87.3365;
// 1.5·2^23: adding it rounds to an integer held in the low mantissa bits (ties to even, like f32x4.nearest).
const ROUNDER: f32 = 12582912.0;

// The constants as a table of f32x4 rows. Loading a row is one instruction, where a v128.const in a loop body is
// rebuilt from general registers on every iteration; in the exp loop that difference is about a quarter of the time.
const EXP_TABLE = memory.data<f32>([
  EXP_MIN, EXP_MIN, EXP_MIN, EXP_MIN,
  EXP_MAX, EXP_MAX, EXP_MAX, EXP_MAX,
  LOG2E, LOG2E, LOG2E, LOG2E,
  ROUNDER, ROUNDER, ROUNDER, ROUNDER,
  LN2_HI, LN2_HI, LN2_HI, LN2_HI,
  LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0, 1.0 / 720.0,
  1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0, 1.0 / 120.0,
  1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0,
  1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0,
  0.5, 0.5, 0.5, 0.5,
  1.0, 1.0, 1.0, 1.0,
  Infinity, Infinity, Infinity, Infinity,
], 16);

/**
 * The rounder plus n = round(x·log2 e), for `xc` already clamped: what {@link expMantissa} and the scaling by 2^n
 * start from.
 */
@inline
export function expRounded(xc: v128): v128 {
  return madd(xc, v128.load(EXP_TABLE, 32), v128.load(EXP_TABLE, 48));
}

/** p(r) of e^xc = 2^n · p(r), |r| ≤ ln2/2, from `j` = {@link expRounded}(xc): a degree-6 Taylor polynomial. */
@inline
export function expMantissa(xc: v128, j: v128): v128 {
  const t = EXP_TABLE;
  const n = f32x4.sub(j, v128.load(t, 48));
  let r = nmadd(n, v128.load(t, 64), xc);
  r = nmadd(n, v128.load(t, 80), r);
  let p = madd(v128.load(t, 96), r, v128.load(t, 112));
  p = madd(p, r, v128.load(t, 128));
  p = madd(p, r, v128.load(t, 144));
  p = madd(p, r, v128.load(t, 160));
  const one = v128.load(t, 176);
  p = madd(p, r, one);
  return madd(p, r, one);
}

// 2^n from the rounder's bits j (= bits(1.5·2^23) + n): (j << 23) + CLAMPED_EXP_BIAS = (n + 127) << 23.
const CLAMPED_EXP_BIAS: i32 = (127 - 0x4b400000) << 23;
const CLAMPED_EXP_TABLE = memory.data<i32>([CLAMPED_EXP_BIAS, CLAMPED_EXP_BIAS, CLAMPED_EXP_BIAS, CLAMPED_EXP_BIAS], 16);

/**
 * e^z for z the caller has clamped to [−80, 80]: {@link expV}'s 2^n · p(r) (relative error below 2.5e-7), where n
 * never leaves the normal exponents, so 2^n is (n + 127) << 23 with no overflow, subnormal or NaN-end handling:
 * about half of expV's instructions. For the fused kernels' gates (whose pre-activations only need absolute
 * accuracy) and max-shifted exponents (x − max ≤ 0, where e^−80 ≈ 1.8e-35 is nothing beside the max's e^0 = 1).
 */
@inline
export function expClamped(z: v128): v128 {
  const j = expRounded(z);
  return f32x4.mul(expMantissa(z, j), i32x4.add(i32x4.shl(j, 23), v128.load(CLAMPED_EXP_TABLE)));
}

/** e^x for four lanes: 2^n · p(r) with |r| ≤ ln2/2 and a degree-6 Taylor polynomial (error below 2.5e-7 relative). */
@inline
export function expV(x: v128): v128 {
  const t = EXP_TABLE;
  const xc = f32x4.min(f32x4.max(x, v128.load(t, 0)), v128.load(t, 16));
  const j = expRounded(xc);
  const p = expMantissa(xc, j);
  // n as an integer straight from the rounder's mantissa bits. n ∈ [-126, 128] after the clamp; 2^128 is not a
  // float, so n = 128 is applied as 2^127 · 2.
  const ni = i32x4.sub(j, v128.load(t, 48));
  const n127 = i32x4.min_s(ni, i32x4.splat(127));
  let y = f32x4.mul(p, i32x4.shl(i32x4.add(n127, i32x4.splat(127)), 23));
  y = f32x4.add(y, v128.and(y, i32x4.gt_s(ni, n127)));
  y = v128.bitselect(v128.load(t, 192), y, f32x4.gt(x, v128.load(t, 16)));
  return v128.andnot(y, f32x4.lt(x, v128.load(t, 0)));
}

/** Logistic sigmoid 1 / (1 + e^-x) for four lanes; saturates cleanly to 0 and 1. */
@inline
export function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** tanh for four lanes: an odd Taylor series below |x| = 0.25 (no cancellation), 1 - 2/(e^{2|x|}+1) above. */
@inline
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const one = f32x4.splat(1);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expV(f32x4.add(ax, ax)), one)));
  const z = f32x4.mul(x, x);
  let p = madd(f32x4.splat(62.0 / 2835.0), z, f32x4.splat(-17.0 / 315.0));
  p = madd(p, z, f32x4.splat(2.0 / 15.0));
  p = madd(p, z, f32x4.splat(-1.0 / 3.0));
  const small = madd(f32x4.mul(p, z), x, x);
  // Restore the sign on the large branch by copying x's sign bit; NaN fails both compares and stays NaN via `small`.
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.25)));
}

/** e^x for one value (the vector formula on one lane, so scalar tails agree with vector bodies bit for bit). */
@inline
export function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

/** Sigmoid for one value, matching {@link sigmoidV}. */
@inline
export function sigmoidS(x: f32): f32 {
  return f32x4.extract_lane(sigmoidV(f32x4.splat(x)), 0);
}

/** tanh for one value, matching {@link tanhV}. */
@inline
export function tanhS(x: f32): f32 {
  return f32x4.extract_lane(tanhV(f32x4.splat(x)), 0);
}

// Coefficients of log(erfc(z)/t) + z² as a polynomial in t = 1/(1 + z/2), fitted for this file by weighted least
// squares against 40-digit erfc on z ∈ [0, 27] (erfc's relative error below 2e-8 in f64), as f32x4 rows P0..P11,
// then the constants of the GELU functions: ½, 1, 1/√2, 0, −2·√(2/π), 0.044715, −½, 1/√(2π), √(2/π) and 3·0.044715.
const ERFC_TABLE = memory.data<f32>([
  -1.265512134110355, -1.265512134110355, -1.265512134110355, -1.265512134110355,
  1.0000015264906073, 1.0000015264906073, 1.0000015264906073, 1.0000015264906073,
  0.3749684048855926, 0.3749684048855926, 0.3749684048855926, 0.3749684048855926,
  0.08328842536706792, 0.08328842536706792, 0.08328842536706792, 0.08328842536706792,
  -0.07969822838553993, -0.07969822838553993, -0.07969822838553993, -0.07969822838553993,
  -0.21258713456953907, -0.21258713456953907, -0.21258713456953907, -0.21258713456953907,
  0.2786280091705795, 0.2786280091705795, 0.2786280091705795, 0.2786280091705795,
  -1.1257790877768958, -1.1257790877768958, -1.1257790877768958, -1.1257790877768958,
  2.28564330098411, 2.28564330098411, 2.28564330098411, 2.28564330098411,
  -2.1248397497990625, -2.1248397497990625, -2.1248397497990625, -2.1248397497990625,
  0.9589758328170384, 0.9589758328170384, 0.9589758328170384, 0.9589758328170384,
  -0.17308917424560458, -0.17308917424560458, -0.17308917424560458, -0.17308917424560458,
  0.5, 0.5, 0.5, 0.5,
  1.0, 1.0, 1.0, 1.0,
  0.7071067811865476, 0.7071067811865476, 0.7071067811865476, 0.7071067811865476,
  0.0, 0.0, 0.0, 0.0,
  -1.5957691216057308, -1.5957691216057308, -1.5957691216057308, -1.5957691216057308,
  0.044715, 0.044715, 0.044715, 0.044715,
  -0.5, -0.5, -0.5, -0.5,
  0.3989422804014327, 0.3989422804014327, 0.3989422804014327, 0.3989422804014327,
  0.7978845608028654, 0.7978845608028654, 0.7978845608028654, 0.7978845608028654,
  0.134145, 0.134145, 0.134145, 0.134145,
], 16);
const HALF: usize = 12 << 4, ONE: usize = 13 << 4, SQRT1_2: usize = 14 << 4, ZERO: usize = 15 << 4;
const MINUS_2_SQRT_2_PI: usize = 16 << 4, GELU_C: usize = 17 << 4, MINUS_HALF: usize = 18 << 4;
const INV_SQRT_2PI: usize = 19 << 4, SQRT_2_PI: usize = 20 << 4, GELU_3C: usize = 21 << 4;

/**
 * Standard normal CDF Φ(x) for four lanes: ½·erfc(|x|/√2) below 0 and 1 − that above, erfc from the fit above and one
 * {@link expV}, so the lower tail keeps its relative accuracy (no 1 + erf cancellation). Relative error a few 1e-7
 * (float32 rounding of the fit and of −z² + p); NaN stays NaN.
 */
@inline
export function normalCdfV(x: v128): v128 {
  const t0 = ERFC_TABLE;
  const half = v128.load(t0, HALF), one = v128.load(t0, ONE);
  const z = f32x4.mul(f32x4.abs(x), v128.load(t0, SQRT1_2));
  const t = f32x4.div(one, madd(half, z, one));
  let p = v128.load(t0, 11 << 4);
  p = madd(p, t, v128.load(t0, 10 << 4));
  p = madd(p, t, v128.load(t0, 9 << 4));
  p = madd(p, t, v128.load(t0, 8 << 4));
  p = madd(p, t, v128.load(t0, 7 << 4));
  p = madd(p, t, v128.load(t0, 6 << 4));
  p = madd(p, t, v128.load(t0, 5 << 4));
  p = madd(p, t, v128.load(t0, 4 << 4));
  p = madd(p, t, v128.load(t0, 3 << 4));
  p = madd(p, t, v128.load(t0, 2 << 4));
  p = madd(p, t, v128.load(t0, 1 << 4));
  p = madd(p, t, v128.load(t0, 0));
  const h = f32x4.mul(f32x4.mul(half, t), expV(nmadd(z, z, p)));
  return v128.bitselect(h, f32x4.sub(one, h), f32x4.lt(x, v128.load(t0, ZERO)));
}

/** GELU x·Φ(x) for four lanes (`torch.nn.functional.gelu`, approximate='none'). */
@inline
export function geluV(x: v128): v128 {
  return f32x4.mul(x, normalCdfV(x));
}

/**
 * The tanh approximation of GELU for four lanes as x / (1 + e^(−2u)), u = √(2/π)·(x + 0.044715·x³): the value of
 * ½x(1 + tanh u) without its cancellation for x ≪ 0 (e^(−2u) overflows to +∞ there and the quotient is −0).
 */
@inline
export function geluTanhV(x: v128): v128 {
  const t0 = ERFC_TABLE;
  const one = v128.load(t0, ONE);
  const u = f32x4.mul(x, madd(f32x4.mul(x, x), v128.load(t0, GELU_C), one));
  return f32x4.div(x, f32x4.add(one, expV(f32x4.mul(u, v128.load(t0, MINUS_2_SQRT_2_PI)))));
}

/** GELU's derivative Φ(x) + x·φ(x) for four lanes (the exact form). */
@inline
export function geluGradV(x: v128): v128 {
  const t0 = ERFC_TABLE;
  const pdf = f32x4.mul(expV(f32x4.mul(f32x4.mul(x, x), v128.load(t0, MINUS_HALF))), v128.load(t0, INV_SQRT_2PI));
  return madd(x, pdf, normalCdfV(x));
}

/**
 * The tanh form's derivative for four lanes: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²), t = tanh u,
 * u = √(2/π)·x·(1 + 0.044715·x²).
 */
@inline
export function geluTanhGradV(x: v128): v128 {
  const t0 = ERFC_TABLE;
  const half = v128.load(t0, HALF), one = v128.load(t0, ONE), scale = v128.load(t0, SQRT_2_PI);
  const x2 = f32x4.mul(x, x);
  const t = tanhV(f32x4.mul(f32x4.mul(x, madd(x2, v128.load(t0, GELU_C), one)), scale));
  const du = f32x4.mul(madd(x2, v128.load(t0, GELU_3C), one), scale);
  const slope = f32x4.mul(f32x4.mul(f32x4.mul(half, x), nmadd(t, t, one)), du);
  return madd(half, f32x4.add(one, t), slope);
}

// Vector (f32x4) exp, sigmoid and tanh, and a scalar erfc and normal CDF: the transcendental building blocks of the kernels.
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
// squares against 40-digit erfc on z ∈ [0, 27]: erfc's relative error stays below 2e-8 everywhere, tails included.
const ERFC_P0 = -1.265512134110355, ERFC_P1 = 1.0000015264906073, ERFC_P2 = 0.3749684048855926;
const ERFC_P3 = 0.08328842536706792, ERFC_P4 = -0.07969822838553993, ERFC_P5 = -0.21258713456953907;
const ERFC_P6 = 0.2786280091705795, ERFC_P7 = -1.1257790877768958, ERFC_P8 = 2.28564330098411;
const ERFC_P9 = -2.1248397497990625, ERFC_P10 = 0.9589758328170384, ERFC_P11 = -0.17308917424560458;

/** erfc(z) for z ≥ 0 with relative error below 2e-8 (so far tails keep their relative accuracy). */
@inline
export function erfcPositive(z: f64): f64 {
  const t = 1.0 / (1.0 + 0.5 * z);
  let p = ERFC_P11;
  p = p * t + ERFC_P10;
  p = p * t + ERFC_P9;
  p = p * t + ERFC_P8;
  p = p * t + ERFC_P7;
  p = p * t + ERFC_P6;
  p = p * t + ERFC_P5;
  p = p * t + ERFC_P4;
  p = p * t + ERFC_P3;
  p = p * t + ERFC_P2;
  p = p * t + ERFC_P1;
  p = p * t + ERFC_P0;
  return t * Math.exp(-z * z + p);
}

/** Standard normal CDF Φ(x), relatively accurate in the lower tail (no 1 + erf cancellation). */
@inline
export function normalCdf(x: f64): f64 {
  const h = 0.5 * erfcPositive(Math.abs(x) * 0.7071067811865476);
  return x < 0 ? h : 1.0 - h;
}

// Float64 error function, its complement and the normal CDF Φ, accurate to about 5e-16 relative, for GELU.
//
// Three ranges, each chosen so the computed quantity never cancels:
//   |x| < 1       erf(x) = x·Q(x² − ½), Q a degree-11 polynomial (erf(x)/x is an entire function of x²);
//   1 ≤ |x| < 3   erfc(x) = e^(−x²)·erfcx(x), erfcx(x) = e^(x²)·erfc(x) fitted by degree-16/15 polynomials in x − 1.5 and x − 2.5;
//   |x| ≥ 3       erfcx(x) from its continued fraction 1/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated
//                 bottom-up with just enough terms for double precision at that x.
// The polynomial coefficients are Chebyshev-interpolation fits made with mpmath at 50 digits (relative fit error
// below 1e-17 on each interval); evaluated in double by Horner's rule they stay within 2e-16 relative.

/** Q(u), u = x² − ½ on [−½, ½]: erf(x) = x·Q(x² − ½) for |x| < 1. */
const ERF_SMALL = [
  -7.795898827002142e-10, 9.432320191926508e-9, -1.0420387617195658e-7, 1.0536323840680666e-6, -9.614808641390195e-6, 7.829649688379886e-5,
  -0.0005611894221209664, 0.003480274496570158, -0.018283884489152684, 0.07940998675593687, -0.2810721780454342, 0.9654687386698673,
];

/** erfcx(1.5 + u) for u in [−½, ½]. */
const ERFCX_1_2 = [
  1.3242541506849586e-8, -4.9545807838901603e-8, 1.6714292901928126e-7, -5.944961119917664e-7, 2.0670657912156654e-6, -6.97536222785843e-6,
  2.2864299608127746e-5, -7.265887301589559e-5, 0.0002233099453004411, -0.0006619300701084315, 0.0018861348769919975, -0.0051459575478377826,
  0.013377340953067394, -0.03293090529956527, 0.0761510398554774, -0.16362291773256005, 0.3215854164543175,
];

/** erfcx(2.5 + u) for u in [−½, ½]. */
const ERFCX_2_3 = [
  -9.299068690583155e-10, 4.023499351874463e-9, -1.61506305224933e-8, 6.705533370866154e-8, -2.729566325679601e-7, 1.0852406768030674e-6, -4.214295494064897e-6,
  1.5961851018812493e-5, -5.886896472383184e-5, 0.0002110198244195237, -0.0007335909371382576, 0.002467036815697219, -0.008001569382101618,
  0.024937997086656956, -0.07434734678979467, 0.2108063640611436,
];

/**
 * The polynomial fits behind erf, erfc and the normal CDF (Horner order, highest power first): `small` is Q with
 * erf(x) = x·Q(x² − ½) on |x| < 1; `erfcx12` and `erfcx23` are erfcx(x) = e^(x²)·erfc(x) in x − 1.5 on [1, 2) and
 * in x − 2.5 on [2, 3). Exported so that device backends evaluate the same fits (in float32) as the cpu reference.
 *
 * @example
 * ```ts
 * const q = ERF_FITS.small.reduce((p, c) => p * (0.25 - 0.5) + c, 0); // Q(x² − ½) at x = 0.5
 * console.assert(Math.abs(0.5 * q - 0.5204998778130465) < 1e-15); // erf(0.5)
 * ```
 */
export const ERF_FITS: {
  /** Q, with erf(x) = x·Q(x² − ½) on |x| < 1. */
  readonly small: readonly number[];
  /** erfcx in x − 1.5 on [1, 2). */
  readonly erfcx12: readonly number[];
  /** erfcx in x − 2.5 on [2, 3). */
  readonly erfcx23: readonly number[];
} = {
  small: ERF_SMALL,
  erfcx12: ERFCX_1_2,
  erfcx23: ERFCX_2_3,
};

const INV_SQRT_PI = 0.5641895835477563;

/** Horner's rule, highest degree first. */
function poly(c: readonly number[], u: number): number {
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = p * u + c[i];
  return p;
}

/**
 * e^(−x²) without first rounding x² (which would cost up to 2x²·2⁻⁵³ relative): split x = hi + lo with hi
 * rounded to float32, so hi² is exact in double and x² = hi² + lo·(x + hi).
 */
function expNegSquare(x: number): number {
  const hi = Math.fround(x);
  return Math.exp(-hi * hi) * expSmall(-(x - hi) * (x + hi));
}

/** e^(−x²/2) by the same split as {@link expNegSquare} (halving is exact). */
function expNegHalfSquare(x: number): number {
  const hi = Math.fround(x);
  return Math.exp(-0.5 * (hi * hi)) * expSmall(-0.5 * (x - hi) * (x + hi));
}

/**
 * e^t for the tiny correction terms above: |x − hi| ≤ 2⁻²⁴|x| and |x| < 40 keep |t| below 1e-4, where the
 * cubic Taylor polynomial is exact to 1e-17 and cheaper than a second Math.exp.
 */
function expSmall(t: number): number {
  return 1 + t * (1 + t * (0.5 + t * (1 / 6)));
}

/** erfcx(x) = e^(x²)·erfc(x) for x ≥ 1. */
function erfcxAtLeastOne(x: number): number {
  if (x < 2) return poly(ERFCX_1_2, x - 1.5);
  if (x < 3) return poly(ERFCX_2_3, x - 2.5);
  // Fewest continued-fraction terms that reach double precision over each range (checked against mpmath).
  const terms = x < 4 ? 30 : x < 6 ? 21 : x < 8 ? 15 : x < 12 ? 12 : 9;
  let t = x;
  for (let k = terms; k > 0; k--) t = x + (k * 0.5) / t;
  return INV_SQRT_PI / t;
}

// Beyond this, erfc(x) is below the smallest subnormal double.
const ERFC_UNDERFLOW = 27.3;
// Beyond this, erfc(x) < 2⁻⁵⁴, so 1 − erfc(x) rounds to 1.
const ERF_SATURATES = 6;

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, in double precision. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 1) return x * poly(ERF_SMALL, x * x - 0.5);
  if (a >= ERF_SATURATES) return x > 0 ? 1 : -1;
  if (x !== x) return NaN;
  const r = 1 - expNegSquare(a) * erfcxAtLeastOne(a);
  return x > 0 ? r : -r;
}

/** The complementary error function 1 − erf(x), accurate in relative terms far into the right tail. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  // erf(x) < 0.85 here, so 1 − erf(x) loses nothing.
  if (a < 1) return 1 - x * poly(ERF_SMALL, x * x - 0.5);
  const tail = a > ERFC_UNDERFLOW ? 0 : expNegSquare(a) * erfcxAtLeastOne(a);
  return x > 0 ? tail : 2 - tail;
}

/**
 * The standard normal CDF Φ(x) = erfc(−x/√2)/2, accurate in relative terms in the left tail. Rounding x/√2
 * and then squaring it would cost about x²·2⁻⁵³ relative there (1e-13 at x = −30), so the Gaussian factor
 * e^(−x²/2) is computed from x itself; only the slowly varying erfcx sees the rounded x/√2.
 */
export function normalCdf(x: number): number {
  const z = x * Math.SQRT1_2;
  const a = Math.abs(z);
  if (a < 1) return 0.5 * (1 + z * poly(ERF_SMALL, z * z - 0.5));
  if (x !== x) return NaN;
  const tail = a > ERFC_UNDERFLOW ? 0 : 0.5 * expNegHalfSquare(x) * erfcxAtLeastOne(a);
  return x < 0 ? tail : 1 - tail;
}

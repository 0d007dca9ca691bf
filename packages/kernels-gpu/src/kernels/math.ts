// Overflow-safe float32 math as gpu.js source snippets: tanh, sigmoid, log1p, pow, round, erf-based GELU.
import { ERF_FITS } from '@seqlab/tensor-core';
//
// Each snippet is a list of statements that reads the variable named by `x` (and `y`) and assigns the result to the
// variable named by `out`, which the caller declares (`let out = 0.0;`). Temporaries are prefixed with `out` so two
// snippets can sit in one kernel. None uses Math.tanh: on WebGL2 (SwiftShader) it is NaN for |x| ≥ ~89 and 1.7 % off
// near 0 (research/gpujs.md §1.3).

/**
 * tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|), which never overflows (TF.js's form), and x·(1 − x²/3) for
 * |x| < 0.01, where the quotient would lose relative accuracy. NaN in, NaN out.
 *
 * @example
 * ```ts
 * const src = `function (a) { const x = a[this.thread.x]; let y = 0.0; ${tanhSource('x', 'y')} return y; }`;
 * ```
 */
export function tanhSource(x: string, out: string): string {
  return (
    `const ${out}A = Math.abs(${x}); ` +
    `if (${out}A < 0.01) { ${out} = ${x} * (1.0 - ${x} * ${x} / 3.0); } ` +
    `else { const ${out}E = Math.exp(-2.0 * ${out}A); ${out} = (1.0 - ${out}E) / (1.0 + ${out}E); if (${x} < 0.0) { ${out} = -${out}; } }`
  );
}

/**
 * sigmoid(x) split by sign so exp never overflows: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below.
 *
 * @example
 * ```ts
 * sigmoidSource('x', 'y'); // statements assigning sigmoid(x) to y
 * ```
 */
export function sigmoidSource(x: string, out: string): string {
  return `if (${x} >= 0.0) { ${out} = 1.0 / (1.0 + Math.exp(-${x})); } else { const ${out}E = Math.exp(${x}); ${out} = ${out}E / (1.0 + ${out}E); }`;
}

/**
 * NaN and +Infinity as shader expressions. ANGLE folds these constant divisions to IEEE NaN and +Infinity (measured on
 * SwiftShader; gpu.js's webasm and cpu modes are JavaScript); GLSL itself has no NaN or Infinity literal.
 * Sources use them where the cpu backend gives NaN or ±Infinity and GL built-ins give something finite (log(0) is
 * −88 and log of a negative number is log|x| on SwiftShader).
 *
 * @example
 * ```ts
 * const body = `if (x < 0.0) { y = ${NAN}; }`;
 * ```
 */
export const NAN = '(0.0 / 0.0)';

/** +Infinity as a shader expression (see {@link NAN}). @example `y = -${INFINITY};` */
export const INFINITY = '(1.0 / 0.0)';

/**
 * Statements that make `out` NaN when `x` is NaN (GL's exp of NaN is +Infinity and its log of NaN is finite on
 * SwiftShader; the cpu backend propagates NaN through every unary op but relu).
 *
 * @example
 * ```ts
 * `y = Math.exp(x); ${nanPassSource('x', 'y')}`;
 * ```
 */
export function nanPassSource(x: string, out: string): string {
  return `if (${x} != ${x}) { ${out} = ${x}; }`;
}

/**
 * log(x) with the cpu backend's edge cases: NaN below 0, −Infinity at ±0 (GL gives −88 and log|x|).
 *
 * @example
 * ```ts
 * logSource('x', 'y');
 * ```
 */
export function logSource(x: string, out: string): string {
  return `if (${x} < 0.0) { ${out} = ${NAN}; } else if (${x} == 0.0) { ${out} = -${INFINITY}; } else { ${out} = Math.log(${x}); } ${nanPassSource(x, out)}`;
}

/**
 * log1p(x) by Goldberg's correction: u = 1 + x; x when u == 1, else log(u)·(x/(u − 1)), accurate to a few ulp where
 * log(1 + x) would cancel; NaN below −1, −Infinity at −1, +Infinity at +Infinity.
 *
 * @example
 * ```ts
 * log1pSource('x', 'y');
 * ```
 */
export function log1pSource(x: string, out: string): string {
  return (
    `const ${out}U = 1.0 + ${x}; ` +
    `if (${x} < -1.0) { ${out} = ${NAN}; } else if (${x} == -1.0) { ${out} = -${INFINITY}; } else if (${x} > 3.4028234663852886e38) { ${out} = ${x}; } ` +
    `else if (${out}U == 1.0) { ${out} = ${x}; } else { ${out} = Math.log(${out}U) * (${x} / (${out}U - 1.0)); } ${nanPassSource(x, out)}`
  );
}

/**
 * Math.pow's semantics, case by case, on top of GLSL's pow (defined only for positive finite bases): y == ±0 gives 1
 * (even for a NaN base); otherwise a NaN on either side gives NaN, as does |x| == 1 with y = ±Infinity; zero and
 * infinite bases and infinite exponents take their limits; a negative base needs an integer exponent (NaN
 * otherwise) and keeps its sign for odd ones, −0 and −Infinity included.
 *
 * @example
 * ```ts
 * powSource('x', 'e', 'y');
 * ```
 */
export function powSource(x: string, y: string, out: string): string {
  const ax = `${out}Ax`,
    ay = `${out}Ay`,
    m = `${out}M`,
    odd = `${out}Odd`,
    neg = `${out}Neg`;
  const big = '3.4028234663852886e38';
  return (
    `const ${ax} = Math.abs(${x}); const ${ay} = Math.abs(${y}); ` +
    // Odd integer exponents keep a negative base's sign; every float beyond 2^24 is even.
    `let ${odd} = 0.0; if (Math.floor(${y}) == ${y} && ${ay} < 16777216.0) { const ${out}H = ${y} * 0.5; if (Math.floor(${out}H) != ${out}H) { ${odd} = 1.0; } } ` +
    `let ${neg} = 0.0; if (${x} < 0.0) { ${neg} = 1.0; } else if (${x} == 0.0) { if (1.0 / ${x} < 0.0) { ${neg} = 1.0; } } ` +
    `let ${m} = 0.0; ` +
    `if (${ax} == 0.0) { if (${y} < 0.0) { ${m} = ${INFINITY}; } } ` +
    `else if (${ax} > ${big}) { if (${y} > 0.0) { ${m} = ${INFINITY}; } } ` +
    `else if (${ay} > ${big}) { if ((${ax} > 1.0) == (${y} > 0.0)) { ${m} = ${INFINITY}; } } ` +
    `else { ${m} = Math.pow(${ax}, ${y}); } ` +
    `${out} = ${m}; ` +
    `if (${neg} > 0.5) { if (${odd} > 0.5) { ${out} = -${m}; } else if (${ax} > 0.0 && ${ax} <= ${big} && ${ay} <= ${big} && Math.floor(${y}) != ${y}) { ${out} = ${NAN}; } } ` +
    `if (${ax} == 1.0 && ${ay} > ${big}) { ${out} = ${NAN}; } ` +
    `if (${x} != ${x} || ${y} != ${y}) { ${out} = ${NAN}; } ` +
    `if (${y} == 0.0) { ${out} = 1.0; }`
  );
}

/**
 * Round half to even, as torch.round: floor(x) + 1 above the half, floor(x) below, the even neighbour at the half
 * (x − floor(x) is exact in float32).
 *
 * @example
 * ```ts
 * roundSource('x', 'y');
 * ```
 */
export function roundSource(x: string, out: string): string {
  return (
    `const ${out}F = Math.floor(${x}); const ${out}D = ${x} - ${out}F; ` +
    `if (${out}D > 0.5) { ${out} = ${out}F + 1.0; } else if (${out}D < 0.5) { ${out} = ${out}F; } ` +
    `else { const ${out}H = ${out}F * 0.5; if (Math.floor(${out}H) == ${out}H) { ${out} = ${out}F; } else { ${out} = ${out}F + 1.0; } } ` +
    // −0.3 and −0.5 round to −0, as Math.round and torch.round do.
    `if (${out} == 0.0 && ${x} < 0.0) { ${out} = -0.5 * 0.0; } if (${x} != ${x}) { ${out} = ${x}; }`
  );
}

/**
 * sin(x) or cos(x) to about 1 ulp for |x| ≤ 8192 (beyond, GL's built-in: finite but not accurate): GL's built-ins are approximations (SwiftShader's sin
 * is 1.6e-4 off at x = −1.3). Reduction by q = round(x·2/π) with π/2 split in three float32 parts (Cody–Waite), then
 * cephes' sinf/cosf polynomials on [−π/4, π/4] and the quadrant's sign and swap.
 *
 * @example
 * ```ts
 * sinCosSource('x', 'y', true); // statements assigning cos(x) to y
 * ```
 */
export function sinCosSource(x: string, out: string, cosine: boolean): string {
  const q = `${out}Q`,
    r = `${out}R`,
    r2 = `${out}R2`,
    s = `${out}S`,
    c = `${out}C`,
    m = `${out}M`;
  const pick = cosine ? [c, `-${s}`, `-${c}`, s] : [s, c, `-${s}`, `-${c}`];
  return (
    `const ${q} = Math.floor(${x} * 0.6366197723675814 + 0.5); ` +
    `const ${r} = ((${x} - ${q} * 1.5703125) - ${q} * 4.837512969970703e-4) - ${q} * 7.549789954891882e-8; const ${r2} = ${r} * ${r}; ` +
    `const ${s} = ${r} + ${r} * ${r2} * (-0.16666654611 + ${r2} * (0.0083321608736 + ${r2} * -0.00019515295891)); ` +
    `const ${c} = 1.0 - 0.5 * ${r2} + ${r2} * ${r2} * (0.041666645683 + ${r2} * (-0.0013887316255 + ${r2} * 0.00002443315712)); ` +
    `const ${m} = ${q} - 4.0 * Math.floor(${q} * 0.25); ` +
    `if (${m} < 0.5) { ${out} = ${pick[0]}; } else if (${m} < 1.5) { ${out} = ${pick[1]}; } else if (${m} < 2.5) { ${out} = ${pick[2]}; } else { ${out} = ${pick[3]}; } ` +
    // q·π/2 is exact in three parts only while q < 2^13: beyond |x| = 8192, the GL built-in (finite, not accurate).
    `if (Math.abs(${x}) > 8192.0 && Math.abs(${x}) <= 3.4028234663852886e38) { ${out} = Math.${cosine ? 'cos' : 'sin'}(${x}); }`
  );
}

function literal(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function horner(coefficients: readonly number[], u: string): string {
  let p = literal(coefficients[0]);
  for (let i = 1; i < coefficients.length; i++) p = `(${p}) * ${u} + ${literal(coefficients[i])}`;
  return p;
}

/**
 * The normal CDF Φ(x) with full relative accuracy in the left tail (as tensor-core's cpu `normalCdf`): ½(1 + z·Q(z²−½))
 * for |z| < 1 (z = x/√2), else the tail ½·e^(−x²/2)·erfcx(|z|) from tensor-core's fits ({@link ERF_FITS}) below |z| = 3 and a
 * 30-term continued fraction above; Φ = tail for x < 0, 1 − tail otherwise.
 *
 * @example
 * ```ts
 * const gelu = `let p = 0.0; ${normalCdfSource('x', 'p')} y = x * p;`;
 * ```
 */
export function normalCdfSource(x: string, out: string): string {
  const z = `${out}Z`,
    a = `${out}Za`,
    t = `${out}T`,
    c = `${out}C`;
  return (
    `const ${z} = ${x} * 0.7071067811865476; const ${a} = Math.abs(${z}); ` +
    `if (${a} < 1.0) { const ${out}U = ${z} * ${z} - 0.5; ${out} = 0.5 * (1.0 + ${z} * (${horner(ERF_FITS.small, `${out}U`)})); } ` +
    `else { let ${c} = 0.0; ` +
    `if (${a} < 2.0) { const ${out}V = ${a} - 1.5; ${c} = ${horner(ERF_FITS.erfcx12, `${out}V`)}; } ` +
    `else if (${a} < 3.0) { const ${out}W = ${a} - 2.5; ${c} = ${horner(ERF_FITS.erfcx23, `${out}W`)}; } ` +
    `else { let ${t} = ${a}; let ${out}K = 30.0; for (let k = 0; k < 30; k++) { ${t} = ${a} + ${out}K * 0.5 / ${t}; ${out}K = ${out}K - 1.0; } ${c} = 0.5641895835477563 / ${t}; } ` +
    `const ${out}Tail = 0.5 * Math.exp(-0.5 * ${x} * ${x}) * ${c}; ` +
    `if (${x} < 0.0) { ${out} = ${out}Tail; } else { ${out} = 1.0 - ${out}Tail; } } ` +
    `if (${x} != ${x}) { ${out} = ${x}; }`
  );
}

// Spectral radius of a square matrix by power iteration, and rescaling a recurrent weight to a chosen radius.
import { Generator, InvalidArgumentError } from '@seqlab/tensor-core';

/** Options of {@link spectralRadius}. */
export interface SpectralRadiusOptions {
  /** Power-iteration steps. Default 1000. */
  iterations?: number;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
}

function checkSquare(fn: string, m: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 1 || m.length !== n * n) {
    throw new InvalidArgumentError(`${fn}: argument 'matrix' must hold n·n = ${n}·${n} values (row-major); received ${m.length} values`);
  }
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i])) throw new InvalidArgumentError(`${fn}: argument 'matrix' must be finite; received ${m[i]} at index ${i}`);
  }
}

function apply(m: ArrayLike<number>, n: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The largest |λ| over the eigenvalues of the square row-major `matrix` (`n`·`n` values). Power iteration from a
 * seeded random vector brings `v` into the dominant invariant subspace; the dominant eigenvalue is then read from
 * the recurrence `A²v = α·Av + β·v` that a real eigenvalue or a complex-conjugate pair satisfies (|λ| = √−β for a
 * pair), which is exact once converged. Where that fit does not hold (eigenvalues of nearly equal modulus), the
 * mean log growth rate of the iteration, which converges to log ρ by Gelfand's formula, is returned instead.
 *
 * @example
 * ```ts
 * spectralRadius([0, -2, 2, 0], 2); // 2: a rotation by 90° scaled by 2 has eigenvalues ±2i
 * ```
 */
export function spectralRadius(matrix: ArrayLike<number>, n: number, options: SpectralRadiusOptions = {}): number {
  const fn = 'spectralRadius';
  checkSquare(fn, matrix, n);
  const iterations = options.iterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 2)
    throw new InvalidArgumentError(`${fn}: option 'iterations' must be an integer ≥ 2; received ${iterations}`);
  const generator = new Generator(options.seed ?? 0);
  let v = Float64Array.from({ length: n }, () => generator.normal());
  v = v.map((x) => x / norm(v));
  let logGrowth = 0;
  let counted = 0;
  for (let k = 0; k < iterations; k++) {
    const w = apply(matrix, n, v);
    const g = norm(w);
    if (g === 0) return 0; // A^k v = 0: nilpotent on this vector's orbit (a random start makes that the whole matrix)
    if (k >= iterations / 2) {
      logGrowth += Math.log(g);
      counted++;
    }
    v = w.map((x) => x / g);
  }
  const growth = Math.exp(logGrowth / counted);
  // Fit A²v = α·Av + β·v by least squares; the roots of λ² − αλ − β are the dominant eigenvalue(s).
  const u1 = apply(matrix, n, v);
  const u2 = apply(matrix, n, u1);
  const [a11, a12, a22, b1, b2] = [dot(u1, u1), dot(u1, v), dot(v, v), dot(u1, u2), dot(v, u2)];
  const det = a11 * a22 - a12 * a12;
  if (det <= 1e-12 * a11 * a22) return growth; // v and Av are parallel: a real dominant eigenvalue, found by the growth
  const alpha = (b1 * a22 - b2 * a12) / det;
  const beta = (a11 * b2 - a12 * b1) / det;
  const residual = u2.map((x, i) => x - alpha * u1[i] - beta * v[i]);
  if (norm(residual) > 1e-8 * norm(u2)) return growth;
  const disc = alpha * alpha + 4 * beta;
  return disc < 0 ? Math.sqrt(-beta) : Math.max(Math.abs(alpha + Math.sqrt(disc)), Math.abs(alpha - Math.sqrt(disc))) / 2;
}

/**
 * `matrix` scaled so that its spectral radius is `radius` (eigenvalues scale with the matrix), with the radius it
 * had. The zero matrix cannot be rescaled.
 *
 * @example
 * ```ts
 * const { scaled, before } = scaleToSpectralRadius([0.5, 0, 0, 0.25], 2, 1.5);
 * scaled; // Float64Array [1.5, 0, 0, 0.75]; before = 0.5
 * ```
 */
export function scaleToSpectralRadius(
  matrix: ArrayLike<number>,
  n: number,
  radius: number,
  options: SpectralRadiusOptions = {},
): { scaled: Float64Array; before: number } {
  const fn = 'scaleToSpectralRadius';
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new InvalidArgumentError(`${fn}: argument 'radius' must be a finite number ≥ 0; received ${radius}`);
  const before = spectralRadius(matrix, n, options);
  if (before === 0) throw new InvalidArgumentError(`${fn}: argument 'matrix' has spectral radius 0, so no scaling reaches ${radius}`);
  return { scaled: Float64Array.from(matrix, (x) => (x * radius) / before), before };
}

// Spectral radius by power iteration against matrices with known eigenvalues, real and complex, normal and not.
import { Generator } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { scaleToSpectralRadius, spectralRadius } from '../src/lib/spectral-radius.js';

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

/** Q·T·Qᵀ with Q a Householder reflection: T's eigenvalues, entries mixed. */
function mixed(t: Float64Array, n: number, g: Generator): Float64Array {
  const u = Float64Array.from({ length: n }, () => g.normal());
  const uu = u.reduce((s, x) => s + x * x, 0);
  const q = Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0) - (2 * u[Math.floor(k / n)] * u[k % n]) / uu);
  return matmul(matmul(q, t, n), q, n); // Q is symmetric and orthogonal: Qᵀ = Q
}

/** Block upper-triangular with the given 1×1 (real) and 2×2 (a ± bi) diagonal blocks and random entries above. */
function blockTriangular(blocks: ([number] | [number, number])[], g: Generator): { t: Float64Array; n: number } {
  const n = blocks.reduce((s, b) => s + b.length, 0);
  const t = new Float64Array(n * n);
  let at = 0;
  for (const b of blocks) {
    if (b.length === 1) t[at * n + at] = b[0];
    else {
      const [re, im] = b;
      t.set([re, -im], at * n + at);
      t.set([im, re], (at + 1) * n + at);
    }
    for (let i = 0; i < at; i++) for (let j = at; j < at + b.length; j++) t[i * n + j] = g.normal();
    at += b.length;
  }
  return { t, n };
}

describe('spectralRadius', () => {
  it('finds the largest |λ| of diagonal, rotation and nilpotent matrices', () => {
    expect(spectralRadius([0.5, 0, 0, 0, -2, 0, 0, 0, 1], 3)).toBeCloseTo(2, 10);
    expect(spectralRadius([0, -2, 2, 0], 2)).toBeCloseTo(2, 10);
    expect(spectralRadius([0.6, -0.8, 0.8, 0.6], 2)).toBeCloseTo(1, 10);
    expect(spectralRadius([0, 1, 0, 0], 2)).toBe(0);
  });

  it('handles non-normal matrices whose dominant eigenvalues are a complex pair or a negative real', () => {
    const g = new Generator(3);
    const pair = blockTriangular([[0.3], [0.9, 0.5], [-0.4, 0.2], [0.7]], g);
    expect(spectralRadius(mixed(pair.t, pair.n, g), pair.n)).toBeCloseTo(Math.hypot(0.9, 0.5), 8);
    const negative = blockTriangular([[-1.3], [0.2, 0.9], [1.1], [0.5]], g);
    expect(spectralRadius(mixed(negative.t, negative.n, g), negative.n)).toBeCloseTo(1.3, 8);
  });

  it('agrees with Gelfand ‖A^k‖^(1/k) on a random 16×16 matrix', () => {
    const g = new Generator(5);
    const n = 16;
    const a = Float64Array.from({ length: n * n }, () => g.normal() / Math.sqrt(n));
    let p: Float64Array = a;
    let logScale = 0;
    for (let k = 1; k < 4096; k++) {
      p = matmul(p, a, n);
      const s = Math.sqrt(p.reduce((acc, x) => acc + x * x, 0));
      logScale += Math.log(s);
      p = p.map((x) => x / s);
    }
    const gelfand = Math.exp(logScale / 4096);
    expect(spectralRadius(a, n)).toBeCloseTo(gelfand, 2);
    expect(spectralRadius(a, n)).toBeGreaterThan(0.5); // a random matrix with entries of variance 1/n has ρ near 1
  });

  it('rejects a non-square or non-finite matrix with the argument named', () => {
    expect(() => spectralRadius([1, 2, 3], 2)).toThrow(/spectralRadius: argument 'matrix' must hold n·n = 2·2 values.*received 3/);
    expect(() => spectralRadius([1, Number.NaN, 0, 1], 2)).toThrow(/index 1/);
    expect(() => spectralRadius([1], 1, { iterations: 1 })).toThrow(/'iterations'/);
  });
});

describe('scaleToSpectralRadius', () => {
  it('rescales to the requested radius and reports the old one', () => {
    const g = new Generator(7);
    const n = 8;
    const a = Float64Array.from({ length: n * n }, () => g.normal());
    const { scaled, before } = scaleToSpectralRadius(a, n, 0.9);
    expect(before).toBeCloseTo(spectralRadius(a, n), 12);
    expect(spectralRadius(scaled, n)).toBeCloseTo(0.9, 6);
    expect(scaled[3] / a[3]).toBeCloseTo(0.9 / before, 12);
    expect(() => scaleToSpectralRadius([0, 0, 0, 0], 2, 1)).toThrow(/spectral radius 0/);
    expect(() => scaleToSpectralRadius([1, 0, 0, 1], 2, -1)).toThrow(/'radius'/);
  });
});

import { describe, expect, it } from 'vitest';
import { Generator, matmul, eye, max, min, mean, variance, sqrt, type Tensor } from '@seqlab/tensor-core';
import { init } from '@seqlab/autograd';

function expectOrthonormalRows(q: Tensor, tol: number): void {
  const [rows] = q.shape;
  const flat = q.view([rows, q.size / rows]);
  const gram = matmul(flat, flat, { transB: true }).dataSync();
  const id = eye(rows).dataSync();
  let worst = 0;
  for (let i = 0; i < gram.length; i++) worst = Math.max(worst, Math.abs(gram[i] - id[i]));
  expect(worst).toBeLessThan(tol);
}

function expectOrthonormalCols(q: Tensor, tol: number): void {
  const gram = matmul(q, q, { transA: true }).dataSync();
  const id = eye(q.shape[1]).dataSync();
  let worst = 0;
  for (let i = 0; i < gram.length; i++) worst = Math.max(worst, Math.abs(gram[i] - id[i]));
  expect(worst).toBeLessThan(tol);
}

describe('orthogonal', () => {
  it('gives orthonormal columns for tall and orthonormal rows for wide matrices', () => {
    const g = new Generator(3);
    expectOrthonormalCols(init.orthogonal([12, 5], { generator: g, dtype: 'float64' }), 1e-12);
    expectOrthonormalRows(init.orthogonal([5, 12], { generator: g, dtype: 'float64' }), 1e-12);
    expectOrthonormalRows(init.orthogonal([3, 2, 4], { generator: g, dtype: 'float64' }), 1e-12);
    expectOrthonormalCols(init.orthogonal([7, 7], { generator: g, dtype: 'float64' }), 1e-12);
  });

  it('scales by gain and is deterministic for a seed', () => {
    const a = init.orthogonal([6, 4], { generator: new Generator(1), gain: 2, dtype: 'float64' });
    const b = init.orthogonal([6, 4], { generator: new Generator(1), gain: 2, dtype: 'float64' });
    expect(a.toArray()).toEqual(b.toArray());
    const gram = matmul(a, a, { transA: true }).dataSync();
    expect(gram[0]).toBeCloseTo(4, 10);
  });

  it('handles a 1024×256 matrix (float32 result, QᵀQ ≈ I)', () => {
    const q = init.orthogonal([1024, 256], { generator: new Generator(0) });
    expect([...q.shape]).toEqual([1024, 256]);
    expectOrthonormalCols(q, 1e-4);
  });

  it('rejects shapes of fewer than 2 dimensions', () => {
    expect(() => init.orthogonal([5])).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('fan-based initialisers', () => {
  const g = new Generator(11);
  const std = (t: Tensor): number => sqrt(variance(t)).item();

  it('computeFans and calculateGain follow PyTorch', () => {
    expect(init.computeFans([8, 4])).toEqual([4, 8]);
    expect(init.computeFans([8, 4, 3, 3])).toEqual([36, 72]);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.0001)), 12);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.computeFans([3])).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('xavier uniform/normal bounds and spread', () => {
    const u = init.xavierUniform([200, 300], { generator: g });
    const bound = Math.sqrt(6 / 500);
    expect(max(u).item()).toBeLessThanOrEqual(bound);
    expect(min(u).item()).toBeGreaterThanOrEqual(-bound);
    expect(std(u)).toBeCloseTo(bound / Math.sqrt(3), 2);
    const n = init.xavierNormal([200, 300], { generator: g, gain: 2 });
    expect(std(n)).toBeCloseTo(2 * Math.sqrt(2 / 500), 2);
    expect(Math.abs(mean(n).item())).toBeLessThan(0.01);
  });

  it('kaiming uniform/normal', () => {
    const u = init.kaimingUniform([300, 200], { generator: g, nonlinearity: 'relu' });
    const bound = (Math.sqrt(3) * Math.SQRT2) / Math.sqrt(200);
    expect(max(u).item()).toBeLessThanOrEqual(bound);
    expect(max(u).item()).toBeGreaterThan(0.99 * bound);
    const n = init.kaimingNormal([300, 200], { generator: g, mode: 'fanOut', nonlinearity: 'relu' });
    expect(std(n)).toBeCloseTo(Math.SQRT2 / Math.sqrt(300), 2);
  });

  it('recurrent default U(-1/√H, 1/√H), constants', () => {
    const w = init.recurrentUniform([64, 16], 16, { generator: g });
    expect(max(w).item()).toBeLessThanOrEqual(0.25);
    expect(min(w).item()).toBeGreaterThanOrEqual(-0.25);
    expect(max(w).item()).toBeGreaterThan(0.24);
    expect(init.zerosInit([2]).toArray()).toEqual([0, 0]);
    expect(init.onesInit([2]).toArray()).toEqual([1, 1]);
    expect(init.constant([2], 3).toArray()).toEqual([3, 3]);
    expect(
      init
        .uniform([1000], 2, 3, { generator: g })
        .dataSync()
        .every((v) => v >= 2 && v < 3),
    ).toBe(true);
    expect(std(init.normal([4000], 1, 0.5, { generator: g }))).toBeCloseTo(0.5, 1);
  });
});

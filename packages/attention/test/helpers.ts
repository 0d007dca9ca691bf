// Test helpers: golden fixtures, seeded leaves and closeness assertions.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Generator, tensor, type Shape, type Tensor } from '@seqlab/tensor-core';

/** A golden tensor as stored in the fixtures: `{ shape, data, dtype? }`. */
export interface GoldenTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

/** Loads a JSON fixture copied from shared/goldens. */
export function loadFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A seqlab tensor from a golden tensor (int64 becomes int32, bool stays bool, floats become `dtype`). */
export function fromGolden(g: GoldenTensor, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  if (g.dtype === 'int64') return tensor(g.data, g.shape, 'int32');
  if (g.dtype === 'bool') return tensor(g.data.map((v) => Boolean(v)), g.shape, 'bool');
  return tensor(g.data, g.shape, dtype);
}

/** A tensor of seeded values in [lo, hi); float64 unless told. */
export function seeded(gen: Generator, shape: Shape, dtype: 'float32' | 'float64' = 'float64', lo = -1, hi = 1): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = lo + (hi - lo) * gen.uniform();
  return tensor(v, [...shape], dtype);
}

/** Asserts every element of `actual` is within `atol + rtol·|expected|` (and the shape, when given). */
export function expectClose(
  actual: Tensor,
  expected: ArrayLike<number> | Tensor,
  { rtol = 1e-4, atol = 1e-5, shape }: { rtol?: number; atol?: number; shape?: readonly number[] } = {},
): void {
  const exp = 'dataSync' in expected ? (expected as Tensor).dataSync() : expected;
  if (shape !== undefined) expect([...actual.shape]).toEqual([...shape]);
  if ('shape' in expected && !('length' in expected)) expect([...actual.shape]).toEqual([...(expected as Tensor).shape]);
  const a = actual.dataSync();
  expect(a.length).toBe(exp.length);
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - exp[i]);
    if (!(diff <= atol + rtol * Math.abs(exp[i]))) {
      expect.fail(`element ${i}: expected ${exp[i]}, received ${a[i]} (|diff| ${diff} > ${atol} + ${rtol}·|expected|)`);
    }
  }
}

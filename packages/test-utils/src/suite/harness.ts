// Shared helpers for the backend-agnostic op suites: closeness checks and naive references.
import { expect } from 'vitest';
import { Generator, tensor, type DType, type Shape, type Tensor } from '@seqlab/tensor-core';

/** Tolerances for float32 results against float64 references (shared/goldens README). */
export const F32 = { rtol: 1e-4, atol: 1e-5 } as const;

/**
 * Asserts `actual` has `shape` (if given) and every element is within `atol + rtol·|expected|`; NaN matches NaN.
 * An `expected` tensor also fixes the shape.
 */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expectedValues: Tensor | ArrayLike<number>,
  { rtol = F32.rtol, atol = F32.atol, shape }: { rtol?: number; atol?: number; shape?: Shape } = {},
): void {
  if (shape !== undefined && 'shape' in actual) expect([...actual.shape]).toEqual([...shape]);
  let expected: ArrayLike<number>;
  if ('dataSync' in expectedValues) {
    if ('shape' in actual) expect([...actual.shape]).toEqual([...expectedValues.shape]);
    expected = expectedValues.dataSync();
  } else {
    expected = expectedValues;
  }
  const a = 'dataSync' in actual ? actual.dataSync() : actual;
  expect(a.length).toBe(expected.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = expected[i];
    if (Number.isNaN(y)) {
      if (!Number.isNaN(x)) expect.fail(`element ${i}: expected NaN, received ${x}`);
      continue;
    }
    if (!Number.isFinite(y)) {
      if (x !== y) expect.fail(`element ${i}: expected ${y}, received ${x}`);
      continue;
    }
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      expect.fail(`element ${i}: expected ${y}, received ${x} (|diff| ${Math.abs(x - y)} > ${atol} + ${rtol}·|expected|)`);
    }
  }
}

/** Random values in [lo, hi) for `shape`, from a seeded generator. */
export function randomValues(gen: Generator, size: number, lo = -2, hi = 2): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * gen.uniform();
  return out;
}

/** A tensor of `shape` on `backend` with seeded random values. */
export function randomTensor(gen: Generator, shape: Shape, backend: string, dtype: DType = 'float32', lo = -2, hi = 2): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const values = randomValues(gen, size, lo, hi);
  if (dtype === 'int32') for (let i = 0; i < size; i++) values[i] = Math.floor(values[i]);
  return tensor(Array.from(values), shape, { dtype, backend });
}

/** A tensor of `shape` with seeded values in [lo, hi), float64 unless told (for gradient checks and parity inputs). */
export function seeded(gen: Generator, shape: Shape, dtype: 'float32' | 'float64' = 'float64', lo = -1, hi = 1): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  return tensor(randomValues(gen, size, lo, hi), [...shape], dtype);
}

/** Row-major multi-index of flat index `i` in `shape`. */
export function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Flat index in `shape` of a multi-index aligned right to it, with broadcasting (size-1 dims read index 0). */
export function broadcastIndex(idx: readonly number[], shape: Shape): number {
  let flat = 0;
  const off = idx.length - shape.length;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + (shape[d] === 1 ? 0 : idx[d + off]);
  return flat;
}

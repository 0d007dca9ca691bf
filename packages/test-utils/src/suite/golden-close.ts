// Closeness of a tensor to a PyTorch golden (or another tensor) that reports the worst element, and the goldens' tolerances.
import type { Tensor } from '@seqlab/tensor-core';
import { expect } from 'vitest';
import type { GoldenTensor } from './goldens.js';

/** The goldens README's tolerances: float64 against float64 goldens is tight; float32 is 1e-4 relative / 1e-5 absolute. */
export function goldenTolerance(dtype: 'float32' | 'float64'): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-5 };
}

/** Asserts `actual` matches `expected` (shape and every element within atol + rtol·|expected|), naming the worst element. */
export function expectCloseToGolden(actual: Tensor | null, expected: GoldenTensor | Tensor, tol: { rtol: number; atol: number }, label = ''): void {
  expect(actual, `${label}: missing tensor`).not.toBeNull();
  const a = actual as Tensor;
  const shape = Array.isArray((expected as GoldenTensor).data) ? (expected as GoldenTensor).shape : [...(expected as Tensor).shape];
  const data = Array.isArray((expected as GoldenTensor).data) ? (expected as GoldenTensor).data : Array.from((expected as Tensor).dataSync());
  expect([...a.shape], `${label}: shape`).toEqual(shape);
  const values = a.dataSync();
  let worst = -Infinity;
  let worstIndex = -1;
  for (let i = 0; i < data.length; i++) {
    const excess = Math.abs(values[i] - data[i]) - (tol.atol + tol.rtol * Math.abs(data[i]));
    if (!(excess <= worst) || Number.isNaN(values[i])) {
      worst = Number.isNaN(values[i]) ? Infinity : excess;
      worstIndex = i;
    }
  }
  if (worst > 0) {
    expect.fail(`${label}: element ${worstIndex} is ${values[worstIndex]}, expected ${data[worstIndex]} (tolerance atol ${tol.atol}, rtol ${tol.rtol})`);
  }
}

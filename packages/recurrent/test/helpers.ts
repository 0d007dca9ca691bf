// Test helpers: golden fixtures (copied from shared/goldens), tensors from them, and closeness checks.
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '@seqlab/tensor-core';
import { expect } from 'vitest';

/** A golden tensor as stored in the fixtures: `{ shape, data, dtype? }`. */
export interface GoldenTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

/** One case of a golden file. */
export interface GoldenCase {
  config: Record<string, unknown>;
  inputs: Record<string, GoldenTensor>;
  params: Record<string, GoldenTensor>;
  outputs: Record<string, GoldenTensor>;
  grads: Record<string, GoldenTensor>;
  grads_full?: Record<string, GoldenTensor>;
  loss_weight_G?: GoldenTensor;
  loss_weights?: Record<string, GoldenTensor>;
}

/** Loads a JSON fixture. */
export function loadFixture<T = { cases: Record<string, GoldenCase> }>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A tensor from a golden tensor. */
export function fromGolden(g: GoldenTensor, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  if (g.dtype === 'int64') return tensor(g.data, g.shape, 'int32');
  return tensor(g.data, g.shape, dtype);
}

/** Every golden tensor of a record, as tensors. */
export function fromGoldens(record: Record<string, GoldenTensor>, dtype: 'float32' | 'float64' = 'float64'): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromGolden(v, dtype)]));
}

/** Tolerances: float64 against float64 goldens is tight; float32 uses the README's 1e-4 relative / 1e-5 absolute. */
export function tolerance(dtype: 'float32' | 'float64'): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-5 };
}

/** Asserts `actual` matches `expected` (shape and every element within atol + rtol·|expected|). */
export function expectClose(actual: Tensor | null, expected: GoldenTensor | Tensor, tol: { rtol: number; atol: number }, label = ''): void {
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

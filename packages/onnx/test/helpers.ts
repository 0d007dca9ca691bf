// What the onnx tests share: comparing an onnxruntime output with seqlab's tensor within float32 tolerance.
import type * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '@seqlab/tensor-core';

/** |a − b| ≤ 1e-5 + 1e-4·|b| everywhere (numpy's allclose with float32 tolerances), shapes equal. */
export function expectClose(actual: ort.Tensor, expected: Tensor, what: string): void {
  expect(actual.dims, `${what} shape`).toEqual(expected.shape);
  const a = actual.data as Float32Array;
  const b = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) - 1e-4 * Math.abs(b[i]));
  expect(worst, `${what}: largest excess over 1e-4·|expected|`).toBeLessThanOrEqual(1e-5);
}

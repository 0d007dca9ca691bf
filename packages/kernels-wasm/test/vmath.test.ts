// The vector transcendental functions over their whole float32 range: a dense grid plus the special values.
import { describe, expect, it } from 'vitest';
import { exp, sigmoid, tanh, tensor } from '@seqlab/tensor-core';
import '@seqlab/kernels-wasm';

const grid = (): Float32Array => {
  const values: number[] = [0, -0, 1e-8, -1e-8, 0.2499, 0.25, 0.2501, -0.25, 88.37, 88.7, 88.72, -87.3, -87.34, -87.5, -103, 20, -20];
  for (let i = 0; i <= 20000; i++) values.push(-100 + (200 * i) / 20000);
  return Float32Array.from(values);
};

function checkRelative(actual: ArrayLike<number>, input: Float32Array, ref: (v: number) => number, rtol: number): void {
  for (let i = 0; i < input.length; i++) {
    const expected = Math.fround(ref(input[i]));
    const got = actual[i];
    // Results below float32's normal range flush to zero; everything else keeps its relative accuracy.
    if (Math.abs(expected) < 1.2e-38) expect(Math.abs(got)).toBeLessThan(1.2e-38);
    else if (!Number.isFinite(expected)) expect(got).toBe(expected);
    else if (Math.abs(got - expected) > rtol * Math.abs(expected)) expect.fail(`x=${input[i]}: expected ${expected}, received ${got}`);
  }
}

describe('vector exp, tanh and sigmoid', () => {
  const x = grid();
  const t = tensor(x, [x.length], { backend: 'wasm' });

  it('exp is within 5e-7 relative everywhere it is a normal float, +∞ above ln(FLT_MAX)', () => {
    checkRelative(exp(t).dataSync(), x, Math.exp, 5e-7);
  });

  it('tanh is within 5e-7 relative, small arguments included', () => {
    checkRelative(tanh(t).dataSync(), x, Math.tanh, 5e-7);
  });

  it('sigmoid is within 5e-7 relative and saturates to exactly 0 and 1', () => {
    checkRelative(sigmoid(t).dataSync(), x, (v) => 1 / (1 + Math.exp(-v)), 5e-7);
    expect(Array.from(sigmoid(tensor([-200, 200], [2], { backend: 'wasm' })).dataSync())).toEqual([0, 1]);
  });

  it('propagates NaN and handles infinities', () => {
    const special = tensor([NaN, Infinity, -Infinity], [3], { backend: 'wasm' });
    expect(Array.from(exp(special).dataSync())).toEqual([NaN, Infinity, 0]);
    expect(Array.from(tanh(special).dataSync())).toEqual([NaN, 1, -1]);
    expect(Array.from(sigmoid(special).dataSync())).toEqual([NaN, 1, 0]);
  });
});

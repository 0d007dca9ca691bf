// Batched matmuls against one shared matrix (a Linear layer on [batch, length, features]) run as one stacked product.
import { wasmBackend } from '@seqlab/kernels-wasm';
import { cpuBackend, Generator, type Shape, type TensorInfo } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';

function info(g: Generator, shape: Shape): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const handle = new Float32Array(size);
  for (let i = 0; i < size; i++) handle[i] = g.normal();
  return { handle, shape, dtype: 'float32', size };
}

describe('wasm matmul of a batch of matrices with one shared right operand', () => {
  // [a shape, b shape, transB, out shape]; sizes off multiples of the 4×8 micro-tile, and large enough for threads.
  const cases: [Shape, Shape, boolean, Shape][] = [
    [[3, 5, 7], [7, 6], false, [3, 5, 6]],
    [[3, 5, 7], [6, 7], true, [3, 5, 6]],
    [[2, 3, 5, 7], [1, 7, 9], false, [2, 3, 5, 9]],
    [[3, 5, 7], [1, 1, 7, 6], false, [1, 3, 5, 6]],
    [[8, 50, 96], [130, 96], true, [8, 50, 130]],
  ];
  it.each(cases)('%j · %j (transB %s) matches the CPU backend', (aShape, bShape, transB, outShape) => {
    const g = new Generator(4);
    const a = info(g, aShape),
      b = info(g, bShape);
    const wasm = wasmBackend.kernels.matmul!(a, b, false, transB, outShape) as Float32Array;
    const cpu = cpuBackend.kernels.matmul!(a, b, false, transB, outShape) as Float32Array;
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i] - cpu[i])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(cpu[i]));
  });
});

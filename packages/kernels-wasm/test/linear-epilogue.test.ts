// The matmul tile epilogue (Linear's bias and ReLU) on both matmul task kinds, the vector path, and the fused kernels' float32 check.
import { wasmBackend } from '@seqlab/kernels-wasm';
import { cpuBackend, Generator, type Shape, type TensorInfo } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';
import { ptr } from '../src/context.js';
import { framed } from '../src/framed.js';
import { EPILOGUE_RELU, productAt } from '../src/kernels/matmul.js';

function info(g: Generator, shape: Shape): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const handle = new Float32Array(size);
  for (let i = 0; i < size; i++) handle[i] = g.normal();
  return { handle, shape, dtype: 'float32', size };
}

// op(a)·b with the bias row added to every row of each output matrix and, with `relu`, max(0, ·), in a call frame.
const withEpilogue = framed('epilogueTest', (a: TensorInfo, b: TensorInfo, bias: TensorInfo, outShape: Shape, relu: boolean) =>
  productAt({ at: ptr(a), shape: a.shape, dtype: 'float32' }, { at: ptr(b), shape: b.shape }, false, false, outShape, {
    bias: ptr(bias),
    epilogue: relu ? EPILOGUE_RELU : 0,
  }),
);

describe('wasm matmul epilogue: bias and ReLU applied as tiles are stored', () => {
  // Each matmul path that stores tiles (a batch runs per tile; one product packs its operands whole; one row takes the
  // vector path), with sizes off the 4×8 micro-tile and the 4-lane vectors.
  const cases: { path: string; a: Shape; b: Shape }[] = [
    { path: 'per-tile task (a batch)', a: [2, 37, 45], b: [2, 45, 53] },
    { path: 'per-tile task on the workers', a: [2, 170, 160], b: [2, 160, 171] },
    { path: 'packed whole', a: [190, 170], b: [170, 165] },
    { path: 'vector (one row)', a: [1, 33], b: [33, 19] },
  ];
  for (const relu of [false, true]) {
    it.each(cases)(`$path: $a · $b, relu ${relu}, equals the CPU product plus bias`, ({ a: aShape, b: bShape }) => {
      const outShape = [...aShape.slice(0, -1), bShape[bShape.length - 1]];
      const g = new Generator(9);
      const a = info(g, aShape),
        b = info(g, bShape),
        bias = info(g, [outShape[outShape.length - 1]]);
      const got = withEpilogue(a, b, bias, outShape, relu) as unknown as Float32Array;
      const plain = cpuBackend.kernels.matmul!(a, b, false, false, outShape) as Float32Array;
      const n = bias.size;
      const biasValues = bias.handle as Float32Array;
      expect(got.length).toBe(plain.length);
      let clamped = 0;
      const wrong: string[] = [];
      for (let i = 0; i < plain.length; i++) {
        const v = plain[i] + biasValues[i % n];
        const want = relu ? Math.max(0, v) : v;
        if (relu && v < 0) clamped++;
        if (!(Math.abs(got[i] - want) <= 1e-4 + 1e-4 * Math.abs(want)) && wrong.length < 5) wrong.push(`element ${i}: ${got[i]} instead of ${want}`);
      }
      expect(wrong).toEqual([]);
      if (relu) expect(clamped).toBeGreaterThan(0);
    });
  }

  it('the fused Linear kernels reject float64 with a typed error naming the kernel and argument', () => {
    const x = { handle: new Float64Array(6), shape: [2, 3], dtype: 'float64', size: 6 } as const;
    const w = { handle: new Float64Array(6), shape: [2, 3], dtype: 'float64', size: 6 } as const;
    expect(() => wasmBackend.fused.linear(x, w, null, 'none')).toThrow(/linear: argument 'x' must be float32 on the wasm backend; received float64/);
  });
});

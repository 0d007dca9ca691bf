// Kernels whose operands sit above 2 GiB in wasm memory, where a signed `>> 2` of a byte address turns negative.
import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, randn, tensor, type DType, type Shape, type TensorInfo, type TypedArray } from '@seqlab/tensor-core';
import { wasmHeapStats } from '@seqlab/kernels-wasm';
import { runtime } from '../src/context.js';
import { framed } from '../src/framed.js';
import { castKernels } from '../src/kernels/cast.js';
import { indexingKernels } from '../src/kernels/indexing.js';
import { matmulKernels } from '../src/kernels/matmul.js';
import { movementKernels } from '../src/kernels/movement.js';
import { unaryKernels } from '../src/kernels/unary.js';

const GIB2 = 2 ** 31;

// A tensor's storage as a kernel argument that the frame has not staged yet (so it is staged where ptr() asks).
const info = (values: TypedArray, shape: Shape, dtype: DType): TensorInfo => ({ handle: values, shape, dtype, size: values.length });

describe('operands above 2 GiB', () => {
  it('matmul with batch tables, gather, scatterAdd, oneHot, int32 clamp, pad and cast give the cpu results', () => {
    const gen = new Generator(17);
    const a = randn([3, 5, 7], { generator: gen, backend: 'cpu' }).dataSync() as Float32Array;
    const b = randn([1, 7, 4], { generator: gen, backend: 'cpu' }).dataSync() as Float32Array;
    const ints = Int32Array.from([5, -3, 9, 2, 0, -8]);
    const idx = Int32Array.from([2, 0, 2]);
    const cpu = cpuBackend.kernels;
    const A = info(a, [3, 5, 7], 'float32'),
      B = info(b, [1, 7, 4], 'float32');
    const I = info(ints, [2, 3], 'int32'),
      IDX = info(idx, [3], 'int32'),
      ONES = info(Int32Array.from([1, 1, 1, 1, 1, 1]), [2, 3], 'int32');
    const probe = framed('highAddresses', () => {
      // An untouched 2 GiB block pushes everything the kernels stage or allocate above 2^31 (only touched pages cost).
      runtime().heap.alloc(GIB2);
      const product = matmulKernels.matmul(A, B, false, false, [3, 5, 4]);
      expect(product).toBeGreaterThan(GIB2);
      return {
        product,
        gathered: indexingKernels.gather(I, IDX, 1),
        scattered: indexingKernels.scatterAdd(I, IDX, ONES, 1),
        hot: indexingKernels.oneHot(IDX, 3),
        clamped: unaryKernels.clamp(I, -4, 4),
        padded: movementKernels.pad(
          I,
          [
            [0, 0],
            [1, 1],
          ],
          7,
        ),
        floats: castKernels.cast(I, 'float32'),
      };
    });
    const out = probe() as Record<string, TypedArray>;
    expect(runtime().memory.buffer.byteLength).toBeGreaterThan(GIB2);
    expect(wasmHeapStats().liveBlocks).toBe(0);
    const close = (x: TypedArray, y: unknown): void => {
      const want = Array.from(y as TypedArray);
      Array.from(x).forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
      expect(x.length).toBe(want.length);
    };
    close(out.product, cpu.matmul!(A, B, false, false, [3, 5, 4]));
    expect(Array.from(out.gathered)).toEqual(Array.from(cpu.gather!(I, IDX, 1) as Int32Array));
    expect(Array.from(out.scattered)).toEqual([6, -3, 11, 3, 0, -6]);
    expect(Array.from(out.hot)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(out.clamped)).toEqual([4, -3, 4, 2, 0, -4]);
    expect(Array.from(out.padded)).toEqual([7, 5, -3, 9, 7, 7, 2, 0, -8, 7]);
    expect(Array.from(out.floats)).toEqual([5, -3, 9, 2, 0, -8]);
    // Ordinary ops keep working with the grown memory.
    expect(Array.from(tensor([1, 2], [2], { backend: 'wasm' }).dataSync())).toEqual([1, 2]);
  });
});

// StepKernels: the backend's kernels on typed arrays give bitwise the ops' results (linear, row gathers, additions),
// resident buffers come and go, and backends or dtypes it cannot serve give null or a typed error.
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '@seqlab/test-utils/backends';
import { wasmHeapStats } from '@seqlab/kernels-wasm';
import { add, Generator, getBackend, KernelNotFoundError, matmul, randn, setBackend, tensor, type Kernels } from '@seqlab/tensor-core';
import { StepKernels } from '../src/index.js';

const initial = getBackend().name;
afterEach(() => setBackend(initial));

describe.each(BACKENDS)('%s backend', (backend) => {
  it('linear is bitwise add(matmul(x, W, transB), b), and row gathers and additions are the ops', () => {
    setBackend(backend);
    const g = new Generator(1);
    const [x, w, b, table] = [randn([3, 5], { generator: g }), randn([7, 5], { generator: g }), randn([7], { generator: g }), randn([4, 5], { generator: g })];
    const step = StepKernels.create(w);
    expect(step).not.toBeNull();
    const xs = Float32Array.from(x.dataSync());
    const y = step!.linear(xs, 3, w, b);
    expect(Array.from(y)).toEqual(Array.from(add(matmul(x, w, { transB: true }), b).dataSync()));
    expect(Array.from(step!.linear(xs, 3, w, null))).toEqual(Array.from(matmul(x, w, { transB: true }).dataSync()));
    // Rows 2 and 0 of the table, then plus rows 1 and 2 of it (an offset of one row), rounded to float32 as add does.
    const rows = step!.gatherRows(table, [2, 0], step!.zeros(10));
    const t = table.dataSync();
    expect(Array.from(rows)).toEqual([...t.subarray(10, 15), ...t.subarray(0, 5)]);
    const sum = add(tensor([...t.subarray(10, 15), ...t.subarray(0, 5)]), tensor(Array.from(t.subarray(5, 15)))).dataSync();
    expect(Array.from(step!.addInto(rows, t, 5))).toEqual(Array.from(sum));
  });

  it('resident buffers are zeroed, live in wasm memory on the wasm backend and are freed by release', () => {
    setBackend(backend);
    const step = StepKernels.create(randn([2, 2]))!;
    const before = wasmHeapStats().residentBlocks;
    const buffer = step.residentZeros(1000);
    expect(buffer.length).toBe(1000);
    expect(buffer.every((v) => v === 0)).toBe(true);
    expect(wasmHeapStats().residentBlocks - before).toBe(backend === 'wasm' ? 1 : 0);
    step.release(buffer);
    expect(wasmHeapStats().residentBlocks).toBe(before);
  });

  it('is null for integer tensors, and a missing kernel is KERNEL_NOT_FOUND naming it and the backend', () => {
    setBackend(backend);
    expect(StepKernels.create(tensor([1, 2], undefined, 'int32'))).toBeNull();
    const step = StepKernels.create(randn([2]))!;
    const missing = 'noSuchKernel' as keyof Kernels;
    expect(() => step.call(missing)).toThrow(KernelNotFoundError);
    expect(() => step.call(missing)).toThrow(`backend '${backend}' has no kernel 'noSuchKernel'`);
  });
});

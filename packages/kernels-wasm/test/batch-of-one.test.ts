// Generation's shapes (batch 1, one step per call): the recurrent step product of a single row and the matrix-vector
// product shared by the threads give the bits of the general paths, so batch 1 is no special case to a user.
import { getThreads, setThreads, wasmBackend } from '@seqlab/kernels-wasm';
import { cpuBackend, Generator, matmul, tensor, type FusedRecurrentKernels, type Shape, type Tensor } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import { runtime } from '../src/context.js';
import { MEMORY_BOUND_MIN_BYTES } from '../src/kernels/matmul.js';

const wasm = wasmBackend.fused as unknown as FusedRecurrentKernels;

// H above the depth block (KC = 256, two blocks), not a multiple of 8 (a partial last panel), and W_hh large enough that
// even a batch of one shares its steps between the threads.
const T = 3,
  I = 7,
  H = 300;

function randomTensor(g: Generator, shape: Shape, scale: number, backend = 'wasm'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from({ length: size }, () => g.normal() * scale),
    shape,
    { backend },
  );
}

/** LSTM (gates 4) or GRU (gates 3) arguments for a batch of two sequences, and the same for the first one alone. */
function batchAndFirst(gates: number, seed: number) {
  const g = new Generator(seed);
  const s = 1 / Math.sqrt(H);
  const x = randomTensor(g, [T, 2, I], 1);
  const h0 = randomTensor(g, [2, H], 0.5);
  const c0 = randomTensor(g, [2, H], 0.5);
  const weights = {
    weightIh: randomTensor(g, [gates * H, I], s),
    weightHh: randomTensor(g, [gates * H, H], s),
    biasIh: randomTensor(g, [gates * H], s),
    biasHh: randomTensor(g, [gates * H], s),
    lengths: null,
    reverse: false,
  };
  const first = (t: Tensor, batchAxis: number): Tensor => {
    const shape = [...t.shape];
    shape[batchAxis] = 1;
    const all = t.dataSync() as Float32Array;
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const inner = t.shape.slice(batchAxis + 1).reduce((a, b) => a * b, 1);
    const outer = t.shape.slice(0, batchAxis).reduce((a, b) => a * b, 1);
    for (let o = 0; o < outer; o++) out.set(all.subarray(o * 2 * inner, o * 2 * inner + inner), o * inner);
    return tensor(out, shape, { backend: 'wasm' });
  };
  return {
    batch: { x, h0, c0, ...weights },
    one: { x: first(x, 1), h0: first(h0, 0), c0: first(c0, 0), ...weights },
  };
}

/** The first sequence's rows of `[T, 2, H]` (or `[2, H]`) results. */
function firstRows(values: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * 2 * H, r * 2 * H + H), r * H);
  return out;
}

const threadsBefore = getThreads();
afterEach(() => {
  setThreads(threadsBefore);
  const pool = runtime().currentPool;
  if (pool) pool.adaptive = true;
});

describe('a batch of one sequence', () => {
  it('shares its recurrent steps between the threads once W_hh outgrows a core’s cache', () => {
    expect(4 * 4 * H * H).toBeGreaterThanOrEqual(MEMORY_BOUND_MIN_BYTES);
  });

  it.each([1, 2])('LSTM and GRU forward of one sequence equal its row of a batch of two, bit for bit (%i threads)', (threads) => {
    setThreads(threads);
    if (threads > 1) runtime().workerPool()!.adaptive = false;
    const lstm = batchAndFirst(4, 3);
    const both = wasm.lstmSequence(lstm.batch);
    const alone = wasm.lstmSequence(lstm.one);
    expect(Float32Array.from(alone.output as Float32Array)).toEqual(firstRows(Float32Array.from(both.output as Float32Array), T));
    expect(Float32Array.from(alone.hN as Float32Array)).toEqual(firstRows(Float32Array.from(both.hN as Float32Array), 1));
    expect(Float32Array.from(alone.cN as Float32Array)).toEqual(firstRows(Float32Array.from(both.cN as Float32Array), 1));
    const gru = batchAndFirst(3, 4);
    const gruBoth = wasm.gruSequence(gru.batch);
    const gruAlone = wasm.gruSequence(gru.one);
    expect(Float32Array.from(gruAlone.output as Float32Array)).toEqual(firstRows(Float32Array.from(gruBoth.output as Float32Array), T));
    expect(Float32Array.from(gruAlone.hN as Float32Array)).toEqual(firstRows(Float32Array.from(gruBoth.hN as Float32Array), 1));
  });

  it('a vector times a large matrix gives the same bits on one thread and shared by two, and matches the cpu backend', () => {
    // 1000 rows (not a whole number of 64-row chunks) of 160: 640 KB, above the sharing threshold.
    const rows = 1000,
      k = 160;
    expect(rows * k * 4).toBeGreaterThanOrEqual(MEMORY_BOUND_MIN_BYTES);
    const g = new Generator(5);
    const v = randomTensor(g, [1, k], 1);
    const m = randomTensor(g, [rows, k], 1);
    setThreads(1);
    const one = Float32Array.from(matmul(v, m, { transB: true }).dataSync() as Float32Array);
    setThreads(2);
    runtime().workerPool()!.adaptive = false;
    const two = Float32Array.from(matmul(v, m, { transB: true }).dataSync() as Float32Array);
    expect(two).toEqual(one);
    const cpu = matmul(tensor(v.dataSync(), [1, k], { backend: cpuBackend.name }), tensor(m.dataSync(), [rows, k], { backend: cpuBackend.name }), {
      transB: true,
    }).dataSync() as Float32Array;
    for (let i = 0; i < rows; i++) expect(Math.abs(two[i] - cpu[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(cpu[i])));
  });
});

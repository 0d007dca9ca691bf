// The wasm backend as a tensor-core backend: registration, storage accounting and release, dtypes, threads.
import { describe, expect, it } from 'vitest';
import {
  add,
  argmax,
  cast,
  max,
  min,
  mul,
  prod,
  softmax,
  sum,
  logSoftmax,
  concat,
  cpuBackend,
  expand,
  flip,
  gather,
  greater,
  pad,
  permute,
  slice,
  tril,
  getBackend,
  Generator,
  listBackends,
  matmul,
  memory,
  randn,
  tensor,
  type Tensor,
} from '@seqlab/tensor-core';
import { getThreads, initWasm, isWasmSupported, ready, setThreads, wasmBackend, wasmHeapStats, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { expectClose } from '@seqlab/test-utils/suites';
import { runtime } from '../src/context.js';

describe('registration', () => {
  it('registers wasm and makes it the active backend where SIMD exists', async () => {
    expect(isWasmSupported()).toBe(true);
    expect(listBackends()).toContain('wasm');
    expect(getBackend().name).toBe('wasm');
    await expect(initWasm()).resolves.toBe(wasmBackend);
    expect(wasmBackend.dtypes).toEqual(['float32', 'int32', 'bool']);
  });

  it('refuses float64 storage with DTYPE_MISMATCH naming the dtype', () => {
    expect(() => tensor([1, 2], undefined, { dtype: 'float64', backend: 'wasm' })).toThrow(
      expect.objectContaining({ code: 'DTYPE_MISMATCH', message: expect.stringContaining('float64') }),
    );
  });

  it('moves tensors to and from the cpu backend unchanged', () => {
    const x = tensor(
      [
        [1.5, -2],
        [3, 4],
      ],
      undefined,
      { backend: 'cpu' },
    );
    const w = x.to('wasm');
    expect(w.backendName).toBe('wasm');
    expect(w.to('cpu').toArray()).toEqual([
      [1.5, -2],
      [3, 4],
    ]);
    const mask = tensor([1, 0, 1], undefined, { dtype: 'bool', backend: 'wasm' });
    expect(mask.toArray()).toEqual([true, false, true]);
  });
});

describe('storage', () => {
  it('keeps storage in JS typed arrays, counted in memory(), with no wasm block held between calls', () => {
    const before = memory('wasm');
    const t = tensor(new Float32Array(1000), [1000], { backend: 'wasm' });
    expect(t.handle).toBeInstanceOf(Float32Array);
    expect(wasmBackend.garbageCollected).toBe(true);
    expect(memory('wasm').storages).toBe(before.storages + 1);
    expect(memory('wasm').bytes).toBe(before.bytes + 4000);
    expect(wasmHeapStats().liveBlocks).toBe(0);
    const y = add(t, t);
    expect(y.handle).toBeInstanceOf(Float32Array);
    expect(wasmHeapStats()).toMatchObject({ liveBlocks: 0, freeBlocks: 0 });
    t.dispose();
    y.dispose();
    expect(memory('wasm')).toMatchObject({ storages: before.storages, bytes: before.bytes });
    expect(() => t.dataSync()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });

  it('stores int32 and bool as Int32Array and Uint8Array, converting uploads like the cpu backend', () => {
    // Float data converted to int32 (fractions are refused on every backend, so the values are whole).
    const i = tensor(new Float64Array([1, -2, 3]), [3], { dtype: 'int32', backend: 'wasm' });
    expect(i.handle).toBeInstanceOf(Int32Array);
    expect(Array.from(i.dataSync())).toEqual(Array.from(tensor(new Float64Array([1, -2, 3]), [3], { dtype: 'int32', backend: 'cpu' }).dataSync()));
    const mask = greater(tensor([1, -1, 2], [3], { backend: 'wasm' }), 0);
    expect(mask.handle).toBeInstanceOf(Uint8Array);
    expect(mask.toArray()).toEqual([true, false, true]);
  });

  it('reuses the grown wasm memory, so a loop of same-shaped temporaries does not grow it', () => {
    const x = tensor(new Float32Array(4096).fill(1), [64, 64], { backend: 'wasm' });
    add(x, 1);
    const size = wasmHeapStats().memoryBytes;
    for (let i = 0; i < 200; i++) {
      const z = add(x, i);
      expect(z.dataSync()[0]).toBe(1 + i);
    }
    expect(wasmHeapStats().memoryBytes).toBe(size);
    expect(add(x, 2).dataSync()[4095]).toBe(3);
  });

  it('keeps a storage readable while a reshaped view holds it', () => {
    const before = memory('wasm').storages;
    const t = tensor([1, 2, 3, 4], [4], { backend: 'wasm' });
    const v = t.view([2, 2]);
    t.dispose();
    expect(v.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(memory('wasm').storages).toBe(before + 1);
    v.dispose();
    expect(memory('wasm').storages).toBe(before);
  });
});

describe('matmul', () => {
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [37, 53, 71],
    [67, 129, 300],
    [130, 9, 257],
    [1, 37, 300],
    [1, 64, 17],
    [45, 1, 129],
    [1, 1, 99],
    [1, 300, 0],
  ];
  const onCpu = (t: Tensor): Tensor => t.to('cpu');

  it.each(cases)('matches the cpu backend in all four transpose combinations (m=%i, n=%i, k=%i)', (m, n, k) => {
    const gen = new Generator(m * 1000 + n);
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = randn(transA ? [k, m] : [m, k], { generator: gen, backend: 'wasm' });
      const b = randn(transB ? [n, k] : [k, n], { generator: gen, backend: 'wasm' });
      const expected = matmul(onCpu(a), onCpu(b), { transA, transB });
      expectClose(matmul(a, b, { transA, transB }), expected.dataSync(), { rtol: 1e-4, atol: 1e-4, shape: [m, n] });
    }
  });

  it('broadcasts batch dimensions like the cpu backend', () => {
    const gen = new Generator(7);
    const a = randn([2, 1, 13, 17], { generator: gen, backend: 'wasm' });
    const b = randn([3, 19, 17], { generator: gen, backend: 'wasm' });
    const expected = matmul(onCpu(a), onCpu(b), { transB: true });
    expectClose(matmul(a, b, { transB: true }), expected.dataSync(), { rtol: 1e-4, atol: 1e-4, shape: [2, 3, 13, 19] });
    // The matrix-vector path with broadcast batches: one output row, then one output column.
    const v = randn([2, 1, 1, 17], { generator: gen, backend: 'wasm' });
    expectClose(matmul(v, b, { transB: true }), matmul(onCpu(v), onCpu(b), { transB: true }).dataSync(), { rtol: 1e-4, atol: 1e-4, shape: [2, 3, 1, 19] });
    const col = randn([3, 17, 1], { generator: gen, backend: 'wasm' });
    expectClose(matmul(a, col), matmul(onCpu(a), onCpu(col)).dataSync(), { rtol: 1e-4, atol: 1e-4, shape: [2, 3, 13, 1] });
    expectClose(matmul(col, a, { transA: true, transB: true }), matmul(onCpu(col), onCpu(a), { transA: true, transB: true }).dataSync(), {
      rtol: 1e-4,
      atol: 1e-4,
      shape: [2, 3, 1, 13],
    });
  });

  it('splits a batch of more matrices than one task can count (65534 chunks) into several tasks', () => {
    const gen = new Generator(13);
    const a = randn([70000, 2, 3], { generator: gen, backend: 'wasm' });
    const b = randn([70000, 3, 2], { generator: gen, backend: 'wasm' });
    expectClose(matmul(a, b), matmul(onCpu(a), onCpu(b)).dataSync(), { rtol: 1e-4, atol: 1e-5, shape: [70000, 2, 2] });
  });

  it('multiplies int32 matrices exactly', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      { dtype: 'int32', backend: 'wasm' },
    );
    const b = tensor(
      [
        [5, 6],
        [7, 8],
      ],
      undefined,
      { dtype: 'int32', backend: 'wasm' },
    );
    const handle = wasmBackend.kernels.matmul!(a, b, false, true, [2, 2]);
    expect(Array.from(wasmBackend.readSync(handle, 'int32', 4))).toEqual([17, 23, 39, 53]);
    wasmBackend.release(handle);
  });
});

describe('threads', () => {
  it('gives bitwise-identical matmul results on one and two threads, with the workers running', async () => {
    const gen = new Generator(3);
    const shapes: [number[], number[], boolean, boolean][] = [
      [[300, 200], [200, 260], false, false],
      [[4, 96, 130], [4, 96, 170], true, false],
      [[129, 257], [200, 257], false, true],
    ];
    for (const [sa, sb, transA, transB] of shapes) {
      const a = randn(sa, { generator: gen, backend: 'wasm' });
      const b = randn(sb, { generator: gen, backend: 'wasm' });
      setThreads(1);
      const one = matmul(a, b, { transA, transB }).dataSync();
      setThreads(2);
      await ready();
      runtime().currentPool!.adaptive = false;
      expect(getThreads()).toBe(2);
      expect(wasmThreadInfo()).toMatchObject({ threads: 2, readyWorkers: 1, sharedMemory: true });
      const two = matmul(a, b, { transA, transB }).dataSync();
      expect(two).toEqual(one);
      const cpu = matmul(a.to('cpu'), b.to('cpu'), { transA, transB }).dataSync();
      expectClose(two, cpu, { rtol: 1e-4, atol: 1e-4 });
    }
  });

  it('hands chunks of large matmuls to the workers', async () => {
    setThreads(2);
    await ready();
    const pool = runtime().currentPool!;
    pool.adaptive = false;
    const gen = new Generator(9);
    const a = randn([512, 512], { generator: gen, backend: 'wasm' });
    const before = pool.workerChunks;
    // A busy machine may leave the worker unscheduled for a whole product; it gets there within a few.
    for (let i = 0; i < 100 && pool.workerChunks === before; i++) matmul(a, a).dispose();
    expect(pool.workerChunks).toBeGreaterThan(before);
    pool.adaptive = true;
  });

  it('sets how long idle workers keep busy, for running workers too, and rejects a bad value', async () => {
    setThreads(2);
    await ready();
    expect(wasmThreadInfo().busyMs).toBe(200);
    setThreads(2, { busyMs: 5 });
    expect(wasmThreadInfo().busyMs).toBe(5);
    expect(runtime().currentPool!.busyMs).toBe(5);
    for (const bad of [-1, Number.NaN, 60_001, '5']) {
      expect(() => setThreads(2, { busyMs: bad as number })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("'busyMs'") }),
      );
    }
    expect(wasmThreadInfo().busyMs).toBe(5);
    setThreads(2, { busyMs: 200 });
    expect(runtime().currentPool!.busyMs).toBe(200);
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => setThreads(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => setThreads(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('cpu parity of the remaining kernels', () => {
  it('agrees with the cpu backend on a small composite computation', () => {
    const gen = new Generator(11);
    const x = randn([5, 7], { generator: gen, backend: 'wasm' });
    const viaWasm = add(matmul(x, x, { transB: true }), 1).dataSync();
    const xc = x.to('cpu');
    const viaCpu = add(matmul(xc, xc, { transB: true }), 1).dataSync();
    expectClose(viaWasm, viaCpu);
    expect(cpuBackend.name).toBe('cpu');
  });
});

describe('movement kernels on shapes large enough for the tiled paths', () => {
  const gen = new Generator(21);
  const pairs = (shape: number[], dtype: 'float32' | 'int32' | 'bool') => {
    const x = randn(shape, { generator: gen, backend: 'wasm' });
    const w = dtype === 'float32' ? x : dtype === 'bool' ? greater(x, 0) : cast(mul(x, 10), 'int32');
    return [w, w.to('cpu')] as const;
  };
  const same = (a: Tensor, b: Tensor): void => {
    expect([...a.shape]).toEqual([...b.shape]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  };

  it.each(['float32', 'int32', 'bool'] as const)('transposes, flips, pads, slices, concatenates, expands and gathers %s exactly like cpu', (dtype) => {
    for (const [shape, perm] of [
      [
        [37, 53],
        [1, 0],
      ],
      [
        [3, 19, 21],
        [0, 2, 1],
      ],
      [
        [5, 6, 7, 9],
        [3, 1, 0, 2],
      ],
      [
        [70, 2, 9],
        [2, 1, 0],
      ],
    ] as const) {
      const [w, c] = pairs([...shape], dtype);
      same(permute(w, [...perm]), permute(c, [...perm]));
      same(flip(w, [0, shape.length - 1]), flip(c, [0, shape.length - 1]));
      same(
        pad(w, [
          [1, 2],
          [0, 3],
        ]),
        pad(c, [
          [1, 2],
          [0, 3],
        ]),
      );
      same(
        slice(
          w,
          shape.map(() => 1),
          shape.map((d) => d - 2),
        ),
        slice(
          c,
          shape.map(() => 1),
          shape.map((d) => d - 2),
        ),
      );
      same(concat([w, w], shape.length - 1), concat([c, c], shape.length - 1));
      same(tril(w, 1), tril(c, 1));
      const idx = tensor([1, 0, 1, 1], undefined, { dtype: 'int32', backend: 'wasm' });
      same(gather(w, idx, 1), gather(c, idx.to('cpu'), 1));
    }
    const [w, c] = pairs([1, 40, 1], dtype);
    same(expand(w, [3, 40, 20]), expand(c, [3, 40, 20]));
  });
});

describe('reductions and softmax on large odd shapes', () => {
  it('match the cpu backend over rows, columns and split axes', () => {
    const gen = new Generator(31);
    for (const [shape, axes] of [
      [[300, 37], [0]],
      [[300, 37], [1]],
      [
        [20, 7, 33],
        [0, 2],
      ],
      [[5, 130, 9], [1]],
    ] as const) {
      const x = randn([...shape], { generator: gen, backend: 'wasm' });
      const c = x.to('cpu');
      for (const op of [sum, max, min]) expectClose(op(x, [...axes]), op(c, [...axes]).dataSync(), { rtol: 1e-5, atol: 1e-5 });
      const small = mul(x, 0.1),
        smallCpu = small.to('cpu');
      expectClose(prod(small, [...axes]), prod(smallCpu, [...axes]).dataSync(), { rtol: 1e-4, atol: 1e-30 });
      const axis = axes[0];
      expect(Array.from(argmax(x, axis).dataSync())).toEqual(Array.from(argmax(c, axis).dataSync()));
      expectClose(softmax(x, axis), softmax(c, axis).dataSync());
      expectClose(logSoftmax(x, axis), logSoftmax(c, axis).dataSync());
    }
  });
});

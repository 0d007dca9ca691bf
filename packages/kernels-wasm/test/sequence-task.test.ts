// The whole-sequence recurrent task: one and two threads agree bit for bit, a worker that never joins changes nothing,
// and the packed W_hh cache notices new storages, version bumps and in-place writes; the heap's pinned blocks.
import '@seqlab/autograd';
import { adamUpdate, getThreads, setThreads, wasmBackend } from '@seqlab/kernels-wasm';
import { cpuBackend, Generator, tensor, zeros, type FusedRecurrentKernels, type Shape, type Tensor, type TensorInfo } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import { runtime } from '../src/context.js';
import { Heap } from '../src/heap.js';
import { ResidentRegion } from '../src/resident.js';
import { packedBytes, packedCacheStats } from '../src/packed-weights.js';
import { choosePooled, recordTime, unitsPerChunk, type Timings } from '../src/sequence-task.js';

const wasm = wasmBackend.fused as unknown as FusedRecurrentKernels;
const cpu = cpuBackend.fused as unknown as FusedRecurrentKernels;

/** Sizes large enough that each step goes to the pool (2·B·H·4H flops well above STEP_PARALLEL_MIN_FLOPS). */
const T = 4,
  B = 13,
  I = 5,
  H = 131;

function values(g: Generator, size: number, scale: number): Float32Array {
  return Float32Array.from({ length: size }, () => g.normal() * scale);
}

/** LSTM (gates 4) or GRU (gates 3) arguments on `backend`, with every gradient input, from one seed. */
function argsFor(backend: string, gates: number, seed: number, lengths: number[] | null = [4, 1, 3, 4, 2, 4, 4, 3, 1, 4, 2, 2, 4]) {
  const g = new Generator(seed);
  const t = (shape: Shape, scale = 1): Tensor =>
    tensor(
      values(
        g,
        shape.reduce((a, b) => a * b, 1),
        scale,
      ),
      shape,
      { backend },
    );
  const s = 1 / Math.sqrt(H);
  return {
    x: t([T, B, I]),
    h0: t([B, H], 0.5),
    c0: t([B, H], 0.5),
    weightIh: t([gates * H, I], s),
    weightHh: t([gates * H, H], s),
    biasIh: t([gates * H], s),
    biasHh: t([gates * H], s),
    lengths: lengths === null ? null : Int32Array.from(lengths),
    reverse: false,
    dOutput: t([T, B, H]),
    dhN: t([B, H]),
    dcN: t([B, H]),
  };
}

type Args = ReturnType<typeof argsFor>;

const info = (handle: unknown, shape: Shape): TensorInfo => ({ handle, shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1) });

/** Every output and gradient of the LSTM kernels as plain arrays. */
function lstmAll(k: FusedRecurrentKernels, args: Args): Record<string, Float32Array> {
  const r = k.lstmSequence(args);
  const seq: Shape = [T, B, H];
  const shapes = { gates: [T, B, 4 * H], cPrev: seq, cellTanh: seq, hPrev: seq } as const;
  const saved = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, info(r[name as keyof typeof shapes], shape)])) as Record<
    keyof typeof shapes,
    TensorInfo
  >;
  const gr = k.lstmSequenceBackward({ ...args, saved });
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries({ output: r.output, hN: r.hN, cN: r.cN, ...gr })) if (v !== null) out[name] = Float32Array.from(v as Float32Array);
  return out;
}

/** Every output and gradient of the GRU kernels as plain arrays. */
function gruAll(k: FusedRecurrentKernels, args: Args): Record<string, Float32Array> {
  const r = k.gruSequence(args);
  const gr = k.gruSequenceBackward({ ...args, saved: { gates: info(r.gates, [T, B, 4 * H]), hPrev: info(r.hPrev, [T, B, H]) } });
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries({ output: r.output, hN: r.hN, ...gr })) if (v !== null) out[name] = Float32Array.from(v as Float32Array);
  return out;
}

/** Elements of `actual` outside float32 tolerance of `expected` (rtol 1e-4, atol 1e-5), per result. */
function outliers(actual: Record<string, Float32Array>, expected: Record<string, Float32Array>): Record<string, number> {
  const count = (a: Float32Array, e: Float32Array): number => e.reduce((n, y, i) => n + (Math.abs(a[i] - y) <= 1e-5 + 1e-4 * Math.abs(y) ? 0 : 1), 0);
  return Object.fromEntries(Object.keys(expected).map((name) => [name, actual[name] === undefined ? -1 : count(actual[name], expected[name])]));
}

function expectAllClose(actual: Record<string, Float32Array>, expected: Record<string, Float32Array>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  expect(outliers(actual, expected)).toEqual(Object.fromEntries(Object.keys(expected).map((name) => [name, 0])));
}

/** Blocks until the pool's workers have started (or 5 s pass): the two-thread runs then really share the steps. */
function awaitWorkers(): void {
  const start = Date.now();
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (runtime().readyWorkers < runtime().threadCount - 1 && Date.now() - start < 5000) Atomics.wait(nap, 0, 0, 10);
}

const threadsBefore = getThreads();
afterEach(() => {
  setThreads(threadsBefore);
  const pool = runtime().currentPool;
  if (pool) pool.adaptive = true;
});

describe('the sequence task on one and two threads', () => {
  it.each([
    ['LSTM', lstmAll, 4],
    ['GRU', gruAll, 3],
  ] as const)('%s: two threads give what one gives, bit for bit, forward and backward, with lengths', (_name, all, gates) => {
    const args = argsFor('wasm', gates, 7);
    setThreads(1);
    const alone = all(wasm, args);
    setThreads(2);
    runtime().workerPool()!.adaptive = false;
    awaitWorkers();
    // Several calls: whether the worker takes chunks, and which, depends on timing; every split must agree.
    for (let i = 0; i < 4; i++) {
      const shared = all(wasm, args);
      for (const name of Object.keys(alone)) expect(shared[name], name).toEqual(alone[name]);
    }
  });

  it('a worker that has not started when the task is posted leaves the calling thread to run it all', () => {
    const args = argsFor('wasm', 4, 9);
    const expected = lstmAll(cpu, argsFor('cpu', 4, 9));
    // A larger thread count starts a new pool, whose workers are still loading when the first task is posted.
    setThreads(3);
    runtime().workerPool()!.adaptive = false;
    expectAllClose(lstmAll(wasm, args), expected);
    expectAllClose(gruAll(wasm, argsFor('wasm', 3, 9)), gruAll(cpu, argsFor('cpu', 3, 9)));
  });

  it('runs each choice once, then the faster, retrying the calling thread alone seldom only while the pool is clearly faster', () => {
    const state: Timings = { alone: undefined, pooled: undefined, calls: 0, runs: 0 };
    expect(choosePooled(state)).toBe(true);
    state.pooled = 1;
    expect(choosePooled(state)).toBe(false);
    const choices = (alone: number): boolean[] => {
      state.alone = alone;
      return Array.from({ length: 128 }, () => choosePooled(state));
    };
    expect(choices(2).filter((pooled) => !pooled)).toHaveLength(2);
    expect(choices(1.2).filter((pooled) => !pooled)).toHaveLength(16);
    expect(choices(0.5).filter((pooled) => pooled)).toHaveLength(16);
  });

  it('does not record the first call of a shape, which pays one-time costs, so a cold pooled call does not send the next ones alone', () => {
    const state: Timings = { alone: undefined, pooled: undefined, calls: 0, runs: 0 };
    expect(choosePooled(state)).toBe(true);
    recordTime(state, true, 30);
    expect(state.pooled).toBeUndefined();
    expect(choosePooled(state)).toBe(true);
    recordTime(state, true, 17);
    expect(state.pooled).toBe(17);
    expect(choosePooled(state)).toBe(false);
    recordTime(state, false, 26);
    expect(state.alone).toBe(26);
    // Warm times only: the pool is clearly faster and keeps the next calls.
    expect(Array.from({ length: 8 }, () => choosePooled(state))).toEqual(new Array(8).fill(true));
    // Later times are running averages.
    recordTime(state, true, 27);
    expect(state.pooled).toBeCloseTo(17 + 0.3 * 10, 10);
  });

  it('cuts the hidden units into chunks of whole 8-unit panels', () => {
    expect(unitsPerChunk(256, 2)).toBe(16);
    expect(unitsPerChunk(1, 1)).toBe(8);
    for (const [h, threads] of [
      [7, 2],
      [131, 2],
      [1024, 4],
    ]) {
      const u = unitsPerChunk(h, threads);
      expect(u % 8, `H ${h}`).toBe(0);
      expect(u).toBeGreaterThanOrEqual(8);
    }
  });
});

describe('the packed W_hh cache', () => {
  it('packs a parameter once, and again after an optimizer-style assign gives it a new storage', () => {
    const args = argsFor('wasm', 4, 11, null);
    const first = lstmAll(wasm, args);
    const packs = packedCacheStats().packs;
    expect(lstmAll(wasm, args)).toEqual(first);
    // The same tensor at the same version: both layouts come from the cache.
    expect(packedCacheStats().packs).toBe(packs);
    const next = argsFor('wasm', 4, 12, null).weightHh;
    args.weightHh.assign(next);
    const cpuArgs = argsFor('cpu', 4, 11, null);
    cpuArgs.weightHh.assign(argsFor('cpu', 4, 12, null).weightHh);
    expectAllClose(lstmAll(wasm, args), lstmAll(cpu, cpuArgs));
    expect(packedCacheStats().packs).toBe(packs + 2);
  });

  it('repacks when the version counter moves though the storage is the same array', () => {
    const args = argsFor('wasm', 3, 13, null);
    const array = Float32Array.from(args.weightHh.dataSync());
    // A plain info whose version the test bumps, as a backend that changes storages in place would.
    const weight = { handle: array, shape: [3 * H, H], dtype: 'float32' as const, size: 3 * H * H, version: 0 };
    const withWeight = { ...args, weightHh: weight };
    gruAll(wasm, withWeight);
    for (let i = 0; i < array.length; i++) array[i] *= -0.5;
    weight.version = 1;
    const cpuArgs = argsFor('cpu', 3, 13, null);
    const changed = tensor(array, [3 * H, H], { backend: 'cpu' });
    expectAllClose(gruAll(wasm, withWeight), gruAll(cpu, { ...cpuArgs, weightHh: changed }));
  });

  it('repacks after a kernel wrote the storage in place (adamUpdate), with no version change', () => {
    const args = argsFor('wasm', 4, 15, null);
    lstmAll(wasm, args);
    const grad = argsFor('wasm', 4, 16, null).weightHh;
    const m = zeros([4 * H, H], { backend: 'wasm' }),
      v = zeros([4 * H, H], { backend: 'wasm' });
    const version = args.weightHh.version;
    adamUpdate(args.weightHh, grad, m, v, { lr: 0.05, step: 1 });
    expect(args.weightHh.version).toBe(version);
    const cpuArgs = argsFor('cpu', 4, 15, null);
    const updated = tensor(args.weightHh.dataSync(), [4 * H, H], { backend: 'cpu' });
    expectAllClose(lstmAll(wasm, args), lstmAll(cpu, { ...cpuArgs, weightHh: updated }));
  });

  it('keeps packed copies in pinned blocks between calls and holds no other block', () => {
    const args = argsFor('wasm', 4, 17, null);
    lstmAll(wasm, args);
    const stats = packedCacheStats();
    expect(stats.blocks).toBeGreaterThanOrEqual(2);
    expect(stats.bytes).toBeGreaterThanOrEqual(2 * packedBytes(4, H));
    expect(runtime().resident.pinnedBytes).toBeGreaterThanOrEqual(stats.bytes);
    expect(runtime().heap.stats().liveBlocks).toBe(0);
  });
});

describe('ResidentRegion pinned blocks', () => {
  const setup = (shared: boolean): { heap: Heap; region: ResidentRegion } => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 64, shared }), 1000);
    return { heap, region: new ResidentRegion(heap, 1000, shared) };
  };

  for (const shared of [true, false]) {
    it(`survive reset, sit below every later block, and are reused once freed (${shared ? 'shared' : 'unshared'} memory)`, () => {
      const { heap, region } = setup(shared);
      const a = region.pin(100)!;
      const b = region.pin(5000)!;
      expect(b).toBeGreaterThan(a);
      const block = heap.alloc(64);
      expect(block).toBeGreaterThanOrEqual(b + 5000);
      // Not while a block is live: the region cannot grow under the call's blocks.
      expect(region.pin(10)).toBeNull();
      heap.reset();
      expect(heap.alloc(64)).toBe(block);
      heap.reset();
      region.unpin(a);
      // A freed pinned block large enough comes back even while blocks are live.
      heap.alloc(64);
      expect(region.pin(64)).toBe(a);
      expect(region.pinnedBytes).toBeGreaterThanOrEqual(5100);
      // Pinned blocks are not resident storages: they count apart.
      expect(region.stats().residentBytes).toBe(0);
      expect(region.stats().residentBlocks).toBe(0);
    });
  }

  it('gives the bottom of the heap back when the top pinned blocks are freed', () => {
    const { heap, region } = setup(true);
    const a = region.pin(128)!;
    const b = region.pin(256)!;
    region.unpin(b);
    region.unpin(a);
    expect(region.pinnedBytes).toBe(0);
    expect(heap.alloc(16)).toBe(a);
    expect(() => region.unpin(a)).toThrow(/argument 'at' must be a pinned block/);
  });
});

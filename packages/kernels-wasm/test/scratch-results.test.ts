// Scratch results (the backend's `scratchResults`): float32 results kept resident in wasm memory, moved out of the call
// frame instead of copied out, read by later kernels without a copy; values equal to ordinary results.
import { afterEach, describe, expect, it } from 'vitest';
import {
  add,
  cast,
  Generator,
  greater,
  matmul,
  mean,
  randn,
  square,
  sum,
  tensor,
  where,
  type Tensor,
  type TensorInfo,
  type TypedArray,
} from '@seqlab/tensor-core';
import { Adam } from '@seqlab/autograd';
import { TransformerEncoderLayer } from '@seqlab/attention';
import { LSTM } from '@seqlab/recurrent';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { runtime } from '../src/context.js';

const scratch = <T>(fn: () => T): T => wasmBackend.scratchResults!(fn);
const isResident = (handle: unknown): boolean => runtime().resident.addressOf(handle as object) >= 0;
const info = (values: Float32Array, shape: number[]): TensorInfo => ({ handle: values, shape, dtype: 'float32', size: values.length });

function values(gen: Generator, n: number): Float32Array {
  return randn([n], { generator: gen, backend: 'cpu' }).dataSync() as Float32Array;
}

afterEach(() => {
  runtime().resident.limitBytes = Infinity;
});

describe('scratch results', () => {
  it('makes float32 results resident, moved rather than copied out, with the values of ordinary results', () => {
    const gen = new Generator(5);
    const a = randn([96, 64], { generator: gen, backend: 'wasm' });
    const b = randn([64, 80], { generator: gen, backend: 'wasm' });
    const plain = matmul(a, b);
    const before = wasmHeapStats();
    const product = scratch(() => matmul(a, b));
    const after = wasmHeapStats();
    expect(isResident(product.handle)).toBe(true);
    expect(isResident(plain.handle)).toBe(false);
    expect(product.dataSync()).toEqual(plain.dataSync());
    expect(after.bytesMoved - before.bytesMoved).toBe(96 * 80 * 4);
    expect(after.bytesCopiedOut - before.bytesCopiedOut).toBe(0);
    // A later kernel reads it in place: only the other operand is copied in.
    const atUse = wasmHeapStats();
    const sum = add(product, plain);
    expect(wasmHeapStats().bytesCopiedIn - atUse.bytesCopiedIn).toBe(96 * 80 * 4);
    expect(sum.dataSync()).toEqual(plain.dataSync().map((v) => v * 2));
    // Disposing frees its wasm memory at once.
    const resident = wasmHeapStats().residentBytes;
    product.dispose();
    expect(wasmHeapStats().residentBytes).toBe(resident - 96 * 80 * 4);
  });

  it('writes a result straight into a free resident block, and frees what a call made there but did not return', () => {
    const gen = new Generator(11);
    const x = randn([6, 5, 4, 3], { generator: gen, backend: 'wasm' });
    // Two separate runs of axes: the kernel reduces one into an intermediate block, then frees it.
    const plain = sum(x, [0, 2]);
    // A free gap in the resident region: a block freed below one still live (a gap at the top goes back to the frames).
    const big = scratch(() => add(x, x));
    const above = scratch(() => add(x, 1));
    big.dispose();
    const before = wasmHeapStats();
    const y = scratch(() => sum(x, [0, 2]));
    const after = wasmHeapStats();
    expect(Array.from(y.dataSync())).toEqual(Array.from(plain.dataSync()));
    expect(isResident(y.handle)).toBe(true);
    // Only the result stays resident (64-byte blocks): the intermediate went back to the region.
    expect(after.residentBytes - before.residentBytes).toBe(64);
    expect(after.bytesMoved - before.bytesMoved).toBe(5 * 3 * 4);
    expect(after.bytesCopiedOut - before.bytesCopiedOut).toBe(0);
    y.dispose();
    expect(wasmHeapStats().residentBytes).toBe(before.residentBytes);
    above.dispose();
  });

  it('moves every result of a fused kernel into its own storage, whatever the order of their blocks', () => {
    const gen = new Generator(9);
    const rows = 48,
      d = 40;
    const x = info(values(gen, rows * d), [rows, d]);
    const w = info(values(gen, d), [d]);
    const b = info(values(gen, d), [d]);
    const dy = info(values(gen, rows * d), [rows, d]);
    const run = (): Record<string, TypedArray> => {
      const f = wasmBackend.fused.layerNorm(x, w, b, 1e-5);
      const stats = (h: TypedArray): TensorInfo => ({ handle: h, shape: [rows], dtype: 'float32', size: rows });
      const g = wasmBackend.fused.layerNormBackward(dy, x, w, stats(f.mean), stats(f.rstd));
      return { output: f.output, mean: f.mean, rstd: f.rstd, dx: g.dx, dWeight: g.dWeight!, dBias: g.dBias! };
    };
    const plain = run();
    const moved = scratch(run);
    for (const key of Object.keys(plain)) {
      expect(isResident(moved[key]), key).toBe(true);
      expect(Array.from(moved[key]), key).toEqual(Array.from(plain[key]));
    }
    const blocks = new Set(Object.values(moved).map((v) => v.byteOffset));
    expect(blocks.size).toBe(6);
    for (const v of Object.values(moved)) wasmBackend.release(v);
  });

  it('copies results out as before past the resident cap, and counts a resident storage read back as copied out', () => {
    const x = tensor([1, 2, 3, 4], [4], { backend: 'wasm' });
    runtime().resident.limitBytes = wasmHeapStats().residentBytes;
    const before = wasmHeapStats();
    const y = scratch(() => add(x, x));
    expect(isResident(y.handle)).toBe(false);
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6, 8]);
    expect(wasmHeapStats().bytesCopiedOut - before.bytesCopiedOut).toBe(16);
    runtime().resident.limitBytes = Infinity;
    const z = scratch(() => add(x, x));
    expect(isResident(z.handle)).toBe(true);
    const read = wasmHeapStats().bytesCopiedOut;
    expect(Array.from(z.dataSync())).toEqual([2, 4, 6, 8]);
    expect(wasmHeapStats().bytesCopiedOut - read).toBe(16);
    z.dispose();
  });

  it('makes int32 and bool results resident too, and leaves results of kernels outside the scope ordinary arrays', () => {
    const x = tensor([1, -2, 3], [3], { backend: 'wasm' });
    for (const inScope of [true, false]) {
      const make = (): Tensor[] => [greater(x, 0), cast(x, 'int32')];
      const [mask, ints] = inScope ? scratch(make) : make();
      expect(isResident(mask.handle)).toBe(inScope);
      expect(isResident(ints.handle)).toBe(inScope);
      // Views of their dtype's array type either way (outside: uninitialised memory in Node, overwritten by the copy).
      expect((mask.handle as Uint8Array).constructor).toBe(Uint8Array);
      expect((ints.handle as Int32Array).constructor).toBe(Int32Array);
      expect(Array.from(mask.dataSync())).toEqual([1, 0, 1]);
      expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
      // A resident mask read in place by the next kernel.
      expect(Array.from(where(mask, x, 0).dataSync())).toEqual([1, 0, 3]);
      mask.dispose();
      ints.dispose();
    }
    expect(wasmBackend.scratchResults!(() => 7)).toBe(7);
    expect(runtime().frame.scratch).toBe(false);
    expect(() =>
      scratch(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(runtime().frame.scratch).toBe(false);
  });
});

describe('scratch gradients in training', () => {
  // Trains a fresh model for a few Adam steps with scratch gradients on or off; returns the losses, the final
  // parameters and the bytes copied in and out over the steps.
  function train(build: (gen: Generator) => { params: Tensor[]; loss: () => Tensor }, scratchOn: boolean) {
    const hook = wasmBackend.scratchResults;
    if (!scratchOn) (wasmBackend as { scratchResults?: unknown }).scratchResults = undefined;
    try {
      const { params, loss } = build(new Generator(21));
      const opt = new Adam(params, { lr: 1e-2 });
      const before = wasmHeapStats();
      const losses: number[] = [];
      const resident: number[] = [];
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const l = loss();
        l.backward();
        opt.step();
        losses.push(l.item());
        resident.push(wasmHeapStats().residentBytes);
      }
      const after = wasmHeapStats();
      return {
        losses,
        resident,
        params: params.map((p) => Array.from(p.dataSync())),
        in: after.bytesCopiedIn - before.bytesCopiedIn,
        out: after.bytesCopiedOut - before.bytesCopiedOut,
      };
    } finally {
      (wasmBackend as { scratchResults?: unknown }).scratchResults = hook;
    }
  }

  const models: [string, (gen: Generator) => { params: Tensor[]; loss: () => Tensor }][] = [
    [
      'Transformer encoder layer',
      (gen) => {
        const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0, batchFirst: true, generator: gen, backend: 'wasm' });
        const x = randn([3, 10, 32], { generator: gen, backend: 'wasm' });
        return { params: [...layer.parameters()], loss: () => mean(square(layer.forward(x, { isCausal: true }))) };
      },
    ],
    [
      'LSTM',
      (gen) => {
        const lstm = new LSTM(12, 24, { batchFirst: true, generator: gen, backend: 'wasm' });
        const x = randn([4, 9, 12], { generator: gen, backend: 'wasm' });
        return { params: [...lstm.parameters()], loss: () => mean(square(lstm.forward(x).output)) };
      },
    ],
  ];
  for (const [name, build] of models) {
    it(`${name}: the same losses and parameters with fewer bytes copied in and out`, () => {
      const off = train(build, false);
      const on = train(build, true);
      expect(on.losses).toEqual(off.losses);
      expect(on.params).toEqual(off.params);
      expect(on.in).toBeLessThan(off.in);
      expect(on.out).toBeLessThan(off.out);
      // No scratch gradient outlives its step: resident memory holds the same after the second and third steps.
      expect(on.resident[2]).toBe(on.resident[1]);
    });
  }
});

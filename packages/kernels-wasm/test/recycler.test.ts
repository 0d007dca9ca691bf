// Disposed storage arrays are reused for results of the same dtype and length, and only when that is safe.
import { beforeEach, describe, expect, it } from 'vitest';
import { add, Generator, matmul, randn, reshape, tensor } from '@seqlab/tensor-core';
import { ready } from '@seqlab/kernels-wasm';
import { Recycler, RECYCLE_MAX_BYTES, RECYCLE_MIN_BYTES, recycler, uninitialisedArray } from '../src/recycler.js';

await ready();

const BIG = RECYCLE_MIN_BYTES / 4; // float32 elements in the smallest recycled array

describe('Recycler', () => {
  it('keeps only arrays it was told the backend made, and hands each back once', () => {
    const r = new Recycler();
    const made = r.own(new Float32Array(BIG));
    const foreign = new Float32Array(BIG);
    r.give(foreign);
    r.give(made);
    expect(r.stats()).toMatchObject({ arrays: 1, bytes: made.byteLength });
    // A second release of the same array (which tensor-core never does) must not keep it twice.
    r.give(made);
    expect(r.stats().arrays).toBe(1);
    expect(r.take('float32', BIG)).toBe(made);
    expect(r.take('float32', BIG)).toBeUndefined();
    expect(r.stats()).toMatchObject({ arrays: 0, bytes: 0, reused: 1 });
  });

  it('matches dtype and length exactly', () => {
    const r = new Recycler();
    r.give(r.own(new Int32Array(BIG)));
    expect(r.take('float32', BIG)).toBeUndefined();
    expect(r.take('int32', BIG + 1)).toBeUndefined();
    expect(r.take('int32', BIG)).toBeInstanceOf(Int32Array);
  });

  it('leaves small arrays to the garbage collector', () => {
    const r = new Recycler();
    r.give(r.own(new Float32Array(BIG - 1)));
    expect(r.stats().arrays).toBe(0);
  });

  it('keeps at most four arrays of one size and RECYCLE_MAX_BYTES in all', () => {
    const r = new Recycler();
    for (let i = 0; i < 6; i++) r.give(r.own(new Float32Array(BIG)));
    expect(r.stats().arrays).toBe(4);
    const huge = RECYCLE_MAX_BYTES / 4 / 2; // two of these fill the budget exactly
    r.clear();
    for (let i = 0; i < 3; i++) r.give(r.own(new Float32Array(huge)));
    expect(r.stats()).toMatchObject({ arrays: 2, bytes: RECYCLE_MAX_BYTES });
  });
});

describe('the wasm backend with the recycler', () => {
  beforeEach(() => recycler.clear());
  const opts = { backend: 'wasm' } as const;
  const n = 128; // 128×128 float32 = 64 KiB, the smallest recycled size

  it("gives a disposed result's array to the next result of its size, with the new values in it", () => {
    const gen = new Generator(7);
    const a = randn([n, n], { generator: gen, ...opts }),
      b = randn([n, n], { generator: gen, ...opts });
    const first = matmul(a, b);
    const array = first.handle;
    first.dispose();
    const second = add(a, b);
    expect(second.handle).toBe(array);
    const want = add(tensor(a.dataSync(), [n, n]), tensor(b.dataSync(), [n, n])).dataSync();
    expect(Array.from(second.dataSync())).toEqual(Array.from(want));
  });

  it('reuses nothing while another tensor still views the storage', () => {
    const gen = new Generator(8);
    const a = randn([n, n], { generator: gen, ...opts });
    const sum = add(a, a);
    const view = reshape(sum, [n * n]);
    const array = view.handle;
    const before = sum.dataSync();
    sum.dispose();
    expect(add(a, 1).handle).not.toBe(array);
    expect(Array.from(view.dataSync())).toEqual(Array.from(before));
    view.dispose();
    expect(add(a, 2).handle).toBe(array);
  });

  it('never reuses an array it did not make (tensor() hands over its own copy)', () => {
    const values = new Float32Array(n * n).fill(3);
    const given = tensor(values, [n, n], opts);
    const array = given.handle;
    given.dispose();
    expect(recycler.stats().arrays).toBe(0);
    expect(add(tensor(new Float32Array(n * n), [n, n], opts), 1).handle).not.toBe(array);
  });

  it('matmul on the worker pool writes its result into a reused array', () => {
    const gen = new Generator(9);
    const m = 256;
    const a = randn([m, m], { generator: gen, ...opts }),
      b = randn([m, m], { generator: gen, ...opts });
    const first = matmul(a, b);
    const want = first.dataSync();
    const array = first.handle;
    first.dispose();
    const again = matmul(a, b);
    expect(again.handle).toBe(array);
    expect(Array.from(again.dataSync())).toEqual(Array.from(want));
  });
});

describe('uninitialisedArray', () => {
  it('makes arrays of the dtype and length over buffers of their own (Node), which results are copied into', () => {
    for (const [dtype, type, bytes] of [
      ['float32', Float32Array, 4],
      ['int32', Int32Array, 4],
      ['bool', Uint8Array, 1],
    ] as const) {
      const values = uninitialisedArray(dtype, 1000)!;
      expect(values.constructor).toBe(type);
      expect(values.length).toBe(1000);
      expect(values.buffer.byteLength).toBe(1000 * bytes);
      expect(values.buffer).toBeInstanceOf(ArrayBuffer);
    }
    // A fresh matmul result (no disposed array to reuse) made from one holds exactly the product.
    const gen = new Generator(4);
    const a = randn([130, 70], { generator: gen, backend: 'wasm' });
    const b = randn([70, 150], { generator: gen, backend: 'wasm' });
    recycler.clear();
    const product = matmul(a, b).dataSync();
    const reference = matmul(a.to('cpu'), b.to('cpu')).dataSync();
    product.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 4));
  });
});

// Kernel calls in frames: inputs staged once, results copied out, in-place updates copied back, nothing left behind.
import { describe, expect, it } from 'vitest';
import { Generator, mul, randn, reshape, tensor, zeros, type TensorInfo } from '@seqlab/tensor-core';
import { adamUpdate, wasmHeapStats } from '@seqlab/kernels-wasm';
import { allocFor, ptr, runtime } from '../src/context.js';
import { framed } from '../src/framed.js';

describe('kernel call frames', () => {
  it('stages an input used twice once, and mul(x, x) squares it', () => {
    const x = randn([1000], { generator: new Generator(1), backend: 'wasm' });
    const values = Array.from(x.dataSync());
    expect(Array.from(mul(x, x).dataSync())).toEqual(values.map((v) => Math.fround(v * v)));
    let blocksAfterStaging = -1;
    const probe = framed('probe', (a: TensorInfo, b: TensorInfo) => {
      const first = ptr(a),
        second = ptr(b);
      blocksAfterStaging = wasmHeapStats().liveBlocks;
      expect(second).toBe(first);
      return allocFor('float32', 1);
    });
    probe(x, x);
    expect(blocksAfterStaging).toBe(1);
    expect(wasmHeapStats().liveBlocks).toBe(0);
    // The input itself is untouched by being staged.
    expect(Array.from(x.dataSync())).toEqual(values);
  });

  it("copies adamUpdate's in-place results back into param, m and v (views included) and leaves grad alone", () => {
    const param = tensor([1, -2, 3, 0.5], [4], { backend: 'wasm' });
    const view = reshape(param, [2, 2]);
    const grad = tensor([0.1, 0.2, -0.3, 0], [4], { backend: 'wasm' });
    const m = zeros([4], { backend: 'wasm' }),
      v = zeros([4], { backend: 'wasm' });
    adamUpdate(param, grad, m, v, { lr: 0.1, step: 1 });
    // Step 1 of Adam moves every element with a nonzero gradient by lr against the gradient's sign.
    const expected = [1 - 0.1, -2 - 0.1, 3 + 0.1, 0.5].map(Math.fround);
    Array.from(param.dataSync()).forEach((p, i) => expect(p).toBeCloseTo(expected[i], 5));
    expect(Array.from(view.dataSync())).toEqual(Array.from(param.dataSync()));
    Array.from(m.dataSync()).forEach((mi, i) => expect(mi).toBeCloseTo(0.1 * [0.1, 0.2, -0.3, 0][i], 7));
    expect(Array.from(v.dataSync())[2]).toBeGreaterThan(0);
    expect(Array.from(grad.dataSync())).toEqual([0.1, 0.2, -0.3, 0].map(Math.fround));
    expect(wasmHeapStats().liveBlocks).toBe(0);
  });

  it('turns an object of addresses into typed arrays, keeping nulls; a staged address gives a copy of the input', () => {
    const x = tensor([1, 2, 3], [3], { dtype: 'int32', backend: 'wasm' });
    const kernel = framed('pair', (a: TensorInfo) => {
      const out = allocFor('bool', 3);
      runtime().heap.u8.set([1, 0, 1], out);
      return { flags: out, none: null, same: ptr(a) };
    });
    const result = kernel(x) as { flags: Uint8Array; none: null; same: Int32Array };
    expect(result.flags).toBeInstanceOf(Uint8Array);
    expect(Array.from(result.flags)).toEqual([1, 0, 1]);
    expect(result.none).toBeNull();
    expect(result.same).toBeInstanceOf(Int32Array);
    expect(result.same).not.toBe(x.handle);
    expect(Array.from(result.same)).toEqual([1, 2, 3]);
  });

  it('refuses a returned number that is not one of its blocks, and staging outside a call', () => {
    const bogus = framed('bogus', () => 12345);
    expect(() => bogus()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("'bogus'") }));
    expect(() => ptr(tensor([1], [1], { backend: 'wasm' }))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(runtime().frame.isOpen).toBe(false);
  });

  it('shares the outer frame with a kernel called from inside another', () => {
    const x = tensor([1, 2, 3, 4], [4], { backend: 'wasm' });
    const inner = framed('inner', (a: TensorInfo) => {
      const out = allocFor('float32', a.size);
      runtime().exports.unaryF32(12, ptr(a), out, a.size);
      return out;
    });
    const outer = framed('outer', (a: TensorInfo) => {
      const squared = inner(a) as Float32Array;
      expect(runtime().frame.isOpen).toBe(true);
      const out = allocFor('float32', a.size);
      runtime().heap.f32.set(squared, out >>> 2);
      return out;
    });
    expect(Array.from(outer(x) as Float32Array)).toEqual([1, 4, 9, 16]);
    expect(wasmHeapStats().liveBlocks).toBe(0);
  });

  it('copies a block handed an array in advance into that array, and knows its outermost kernel', () => {
    const preset = new Float32Array(3);
    let outermost: boolean[] = [];
    const inner = (): number => {
      outermost = [runtime().frame.isOutermost('outer'), runtime().frame.isOutermost('inner')];
      return allocFor('float32', 3);
    };
    const outer = framed('outer', () => {
      const at = inner();
      runtime().heap.f32.set([1, 2, 3], at >>> 2);
      runtime().frame.resultInto(at, preset);
      return { preset: at, fresh: allocFor('float32', 2) };
    });
    const out = outer() as { preset: Float32Array; fresh: Float32Array };
    expect(out.preset).toBe(preset);
    expect(Array.from(preset)).toEqual([1, 2, 3]);
    expect(out.fresh).not.toBe(preset);
    expect(out.fresh.length).toBe(2);
    expect(outermost).toEqual([true, false]);
    expect(runtime().frame.isOutermost('outer')).toBe(false);
    expect(wasmHeapStats().liveBlocks).toBe(0);
  });
});

// Transposes that keep long contiguous runs (the outer-axis swap of batch-first recurrent layers) are run copies in JS,
// with no copy into wasm memory and back; every transpose still equals the cpu backend's.
import { describe, expect, it } from 'vitest';
import { cast, Generator, greater, randn, transpose, type Shape } from '@seqlab/tensor-core';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';

const scratch = <T>(fn: () => T): T => wasmBackend.scratchResults!(fn);

function bytesOf(fn: () => void): number {
  const a = wasmHeapStats();
  fn();
  const b = wasmHeapStats();
  return b.bytesCopiedIn - a.bytesCopiedIn + b.bytesCopiedOut - a.bytesCopiedOut + b.bytesMoved - a.bytesMoved;
}

describe('transpose of contiguous runs on wasm', () => {
  const cases: [Shape, number, number][] = [
    [[7, 5, 70], 0, 1],
    [[3, 4, 2, 64], 0, 2],
    [[6, 9, 128], 1, 0],
    [[5, 6, 8], 0, 1], // runs of 8: through wasm
    [[40, 70], 0, 1], // a true transpose: through wasm
  ];
  for (const [shape, a, b] of cases) {
    it(`equals the cpu backend on ${JSON.stringify(shape)}, axes ${a} and ${b}, in float32, int32 and bool`, () => {
      const gen = new Generator(2);
      const x = randn(shape, { generator: gen, backend: 'cpu' });
      const sources = [x, cast(x, 'int32'), greater(x, 0)];
      for (const source of sources) {
        const expected = Array.from(transpose(source, a, b).dataSync());
        const onWasm = source.to('wasm');
        expect(Array.from(transpose(onWasm, a, b).dataSync())).toEqual(expected);
        // As a scratch result (which stays in wasm memory) it goes through wasm, with the same values.
        expect(Array.from(scratch(() => transpose(onWasm, a, b)).dataSync())).toEqual(expected);
      }
    });
  }

  it('copies nothing into or out of wasm memory for long runs, and does for short ones', () => {
    const gen = new Generator(3);
    const long = randn([32, 10, 256], { generator: gen, backend: 'wasm' });
    const short = randn([32, 10, 8], { generator: gen, backend: 'wasm' });
    expect(bytesOf(() => transpose(long, 0, 1))).toBe(0);
    expect(bytesOf(() => transpose(short, 0, 1))).toBe(2 * 32 * 10 * 8 * 4);
  });
});

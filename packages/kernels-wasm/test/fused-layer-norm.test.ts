// The wasm fused LayerNorm kernels against the CPU ones: outputs, row statistics and gradients, with and without affine.
import { initWasm, wasmBackend } from '@seqlab/kernels-wasm';
import { cpuBackend, Generator, type Backend, type FusedLayerNormKernels, type TensorInfo } from '@seqlab/tensor-core';
import { describe, expect, it } from 'vitest';

if ((await initWasm()) === undefined) throw new Error('the wasm backend needs WebAssembly SIMD, which this host lacks');

const TOL = { rtol: 1e-4, atol: 2e-5 };

function expectSame(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i],
      e = expected[i];
    if (!(Math.abs(a - e) <= TOL.atol + TOL.rtol * Math.abs(e))) throw new Error(`${what}[${i}]: wasm ${a}, cpu ${e}`);
  }
}

/** Float32 normal values `mean + scale·N(0, 1)` from a seeded generator, identical for both backends. */
function values(g: Generator, size: number, mean = 0, scale = 1): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = mean + g.normal() * scale;
  return out;
}

const kernelsOf = (backend: Backend): FusedLayerNormKernels => backend.fused as unknown as FusedLayerNormKernels;
const info = (backend: Backend, v: Float32Array, shape: number[]): TensorInfo => ({
  handle: backend.upload(v, 'float32'),
  shape,
  dtype: 'float32',
  size: v.length,
});
const read = (backend: Backend, handle: unknown, size: number) => backend.readSync(handle, 'float32', size);

describe('wasm fused LayerNorm', () => {
  // D off multiples of 4 exercise the one-lane tails; a row mean of 50 checks the two-pass variance.
  for (const D of [1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 257]) {
    for (const [affine, hasBias] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ] as const) {
      it(`D = ${D}, weight ${affine}, bias ${hasBias}`, () => {
        const g = new Generator(D * 4 + (affine ? 2 : 0) + (hasBias ? 1 : 0));
        const rows = 6;
        const x = values(g, rows * D, 50, 2);
        const w = values(g, D, 1, 0.5);
        const b = values(g, D);
        const dy = values(g, rows * D);
        const results = [wasmBackend, cpuBackend].map((backend) => {
          const k = kernelsOf(backend);
          const xi = info(backend, x, [2, 3, D]);
          const wi = affine ? info(backend, w, [D]) : null;
          const bi = hasBias ? info(backend, b, [D]) : null;
          const f = k.layerNorm(xi, wi, bi, 1e-5);
          const mean = { handle: f.mean, shape: [rows], dtype: 'float32' as const, size: rows };
          const rstd = { handle: f.rstd, shape: [rows], dtype: 'float32' as const, size: rows };
          const r = k.layerNormBackward(info(backend, dy, [2, 3, D]), xi, wi, mean, rstd);
          return {
            output: read(backend, f.output, rows * D),
            mean: read(backend, f.mean, rows),
            rstd: read(backend, f.rstd, rows),
            dx: read(backend, r.dx, rows * D),
            dWeight: read(backend, r.dWeight, D),
            dBias: read(backend, r.dBias, D),
          };
        });
        const [wasm, cpu] = results;
        for (const key of ['output', 'mean', 'rstd', 'dx', 'dWeight', 'dBias'] as const) expectSame(key, wasm[key], cpu[key]);
      });
    }
  }

  it('leaves its inputs unchanged and handles zero rows', () => {
    const k = kernelsOf(wasmBackend);
    const x = new Float32Array([1, 2, 3, 4, 5]);
    const xi = info(wasmBackend, x, [1, 5]);
    k.layerNorm(xi, null, null, 1e-5);
    expect(Array.from(read(wasmBackend, xi.handle, 5))).toEqual([1, 2, 3, 4, 5]);
    const empty = k.layerNorm(info(wasmBackend, new Float32Array(0), [0, 5]), null, null, 1e-5);
    expect(read(wasmBackend, empty.output, 0).length).toBe(0);
  });
});

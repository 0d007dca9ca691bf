// The embedded kernel binaries (plain and FMA builds): up to date with assembly/, and usable on unshared memory.
import { describe, expect, it } from 'vitest';
import { kernelBytes, unshareMemoryImport } from '../src/module-bytes.js';
import { WASM_BASE64 } from '../src/wasm-binary.js';
import { WASM_FMA_BASE64 } from '../src/wasm-binary-fma.js';
// @ts-expect-error the build script is plain JavaScript without type declarations
import { compileKernels, renderBinaryModule, BINARY_MODULE_PATH, binaryModulePath } from '../scripts/embed-wasm.mjs';
import { readFileSync } from 'node:fs';

describe('embedded binary', () => {
  it('matches a fresh compile of assembly/ (run `pnpm --filter @seqlab/kernels-wasm build:wasm` after editing it)', async () => {
    const fresh: Uint8Array = await compileKernels();
    expect(readFileSync(BINARY_MODULE_PATH, 'utf8')).toBe(renderBinaryModule(fresh));
    expect(Buffer.from(kernelBytes()).equals(Buffer.from(fresh))).toBe(true);
    expect(WASM_BASE64.length).toBeGreaterThan(1000);
  });

  it('the FMA build matches a fresh compile of assembly/ with relaxed SIMD, in its own module', async () => {
    const fresh: Uint8Array = await compileKernels('fma');
    expect(binaryModulePath('fma')).not.toBe(BINARY_MODULE_PATH);
    expect(readFileSync(binaryModulePath('fma'), 'utf8')).toBe(renderBinaryModule(fresh, 'fma'));
    expect(Buffer.from(kernelBytes('fma')).equals(Buffer.from(fresh))).toBe(true);
    expect(WASM_FMA_BASE64).not.toBe(WASM_BASE64);
  });

  it('names an unknown build', async () => {
    await expect(compileKernels('avx')).rejects.toThrow(/unknown kernel build 'avx'; expected one of plain, fma/);
  });

  it('imports a shared memory, and after unsharing runs on a plain one with the same results', () => {
    const bytes = kernelBytes();
    const memoryImport = WebAssembly.Module.imports(new WebAssembly.Module(bytes as BufferSource)).find((i) => i.kind === 'memory');
    expect(memoryImport).toMatchObject({ module: 'env', name: 'memory' });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 100 }) } }),
    ).toThrow();
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 100 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(unshareMemoryImport(bytes) as BufferSource), { env: { memory } });
    const f32 = new Float32Array(memory.buffer);
    const x = 70000,
      out = 80000;
    f32.set([0, 1, -2, 3.5, 100, -100, 0.5], x / 4);
    (exports.unaryF32 as (op: number, x: number, out: number, n: number) => void)(2, x, out, 7);
    const got = Array.from(f32.subarray(out / 4, out / 4 + 7));
    [0, 1, -2, 3.5, 100, -100, 0.5].forEach((v, i) => expect(got[i]).toBeCloseTo(Math.fround(Math.exp(v)) || 0, 5));
  });
});

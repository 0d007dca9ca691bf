// How --backend picks, on machines this one is not: `auto` takes gpu only for headless-gl on a hardware renderer,
// never for llvmpipe/SwiftShader or gpu.js's CPU modes, and never loads gpu.js when `gl` is absent.
import '@seqlab/kernels-gpu';
import { setBackend } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import { activateBackend, type GpuAccess, type GpuStart } from '../src/backend-choice.js';
import { UsageError } from '../src/usage-error.js';

/** A stand-in for @seqlab/kernels-gpu: whether `gl` is installed and what starting it gives; records the modes asked. */
function fakeGpu(headlessGl: boolean, start: GpuStart): GpuAccess & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    headlessGlInstalled: () => headlessGl,
    start: async (mode) => {
      asked.push(mode);
      return start;
    },
  };
}

const NVIDIA = { software: false, mode: 'headlessgl', renderer: 'NVIDIA GeForce RTX 3060/PCIe/SSE2' };
const LLVMPIPE = { software: true, mode: 'headlessgl', renderer: 'llvmpipe (LLVM 15.0.6, 256 bits)' };

afterEach(() => setBackend('cpu'));

describe('--backend auto', () => {
  it('picks gpu when headless-gl runs on a hardware renderer', async () => {
    const gpu = fakeGpu(true, NVIDIA);
    expect(await activateBackend('auto', gpu)).toBe('gpu');
    expect(gpu.asked).toEqual(['headlessgl']);
  });

  it('keeps wasm when headless-gl runs on a software renderer', async () => {
    expect(await activateBackend('auto', fakeGpu(true, LLVMPIPE))).toBe('wasm');
  });

  it('keeps wasm without starting gpu.js when `gl` is not installed (gpu.js webasm is never a GPU)', async () => {
    const gpu = fakeGpu(false, NVIDIA);
    expect(await activateBackend('auto', gpu)).toBe('wasm');
    expect(gpu.asked).toEqual([]);
  });
});

describe('--backend gpu', () => {
  it('uses whatever mode starts, a software one included', async () => {
    expect(await activateBackend('gpu', fakeGpu(false, LLVMPIPE))).toBe('gpu');
  });

  it('where no mode starts, is a usage error naming the reason and the alternatives', async () => {
    const failing = fakeGpu(false, { error: "initGpu: gpu.js mode 'webasm' is not available here (Node.js)" });
    const error = await activateBackend('gpu', failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      "--backend gpu: no gpu.js mode can run here (SEQLAB_GPU_MODE=auto): initGpu: gpu.js mode 'webasm' is not available here (Node.js); use --backend wasm or cpu",
    );
  });
});

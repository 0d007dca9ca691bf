// seqlab's contenders: the cpu backend, and the wasm backend on one thread and on its default (at least two); one
// seqlab backend as a contender.
import { getThreads, ready, setThreads, setWasmBuild, wasmBuildInfo, wasmThreadInfo, type WasmBuild } from '@seqlab/kernels-wasm';
import { matmul, tensor, type Tensor } from '@seqlab/tensor-core';
import type { Contender } from './contender.js';
import { seqlabLstmStep, seqlabTransformerStep } from './seqlab-training.js';

/**
 * seqlab on `backend` as a contender: tensors made on that backend, its matmul, and (with `trains`) its LSTM and
 * Transformer training steps; `select` runs untimed before every call (a thread count). Browser-safe: the browser
 * benchmark builds its seqlab rows with it too.
 */
export function seqlabContender(backend: string, threads: number, trains: boolean, select: () => void | Promise<void>): Contender {
  return {
    library: 'seqlab',
    backend,
    threads,
    label: backend === 'wasm' ? `seqlab wasm ×${threads}` : `seqlab ${backend}`,
    before: select,
    matmul: {
      tensor: (values, shape) => tensor(values, shape, { backend }),
      matmul: (a, b, transA, transB) => matmul(a as Tensor, b as Tensor, { transA, transB }),
      dispose: (t) => (t as Tensor).dispose(),
    },
    // Training steps run on the cpu backend and on wasm at its default thread count; wasm ×1 is a matmul-only row.
    lstmStep: trains ? (shape, seed) => seqlabLstmStep(backend, shape, seed) : null,
    transformerStep: trains ? (shape, seed) => seqlabTransformerStep(backend, shape, seed) : null,
  };
}

/** seqlab's gpu backend as started here (mode, renderer, whether software), or why it could not start. */
export type SeqlabGpuInfo =
  | {
      /** The gpu.js mode: `webgl2`, `headlessgl`, `webasm` or `cpu`. */
      readonly mode: string;
      /** The WebGL renderer string, or the CPU mode's name. */
      readonly renderer: string;
      /** True for software renderers and the CPU modes: never GPU numbers. */
      readonly software: boolean;
    }
  | {
      /** Why `initGpu` failed (or the package is not installed). */
      readonly error: string;
    };

/** Starts seqlab's gpu backend (an optional dependency, loaded at run time): its contender and what it runs on. */
async function gpuContender(): Promise<{ contender?: Contender; info: SeqlabGpuInfo }> {
  try {
    const gpu = await import('@seqlab/kernels-gpu');
    await gpu.initGpu();
    const { mode, renderer, software } = gpu.backendInfo();
    return { contender: seqlabContender('gpu', 1, true, () => {}), info: { mode, renderer, software } };
  } catch (e) {
    return { info: { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] } };
  }
}

/**
 * The wasm contenders of one kernel build where this host runs both (relaxed SIMD: Node 22+, or Node 20 with
 * --experimental-wasm-relaxed-simd): `select` then also switches to the build, and the FMA build's contender is
 * labelled `seqlab wasm fma ×threads` with backend `wasm fma` in its rows. Elsewhere, the default build, unlabelled.
 */
function buildContender(build: WasmBuild, threads: number, trains: boolean, both: boolean): Contender {
  const select = (): void | Promise<void> => {
    setThreads(threads);
    if (both) return setWasmBuild(build).then(() => undefined);
  };
  const contender = seqlabContender('wasm', threads, trains, select);
  return build === 'fma' ? { ...contender, backend: 'wasm fma', label: `seqlab wasm fma ×${threads}` } : contender;
}

/**
 * Starts seqlab's wasm workers (and, with `withGpu`, the gpu backend); returns the contenders, the wasm thread state
 * and the gpu backend's facts for the environment record.
 */
export async function seqlabContenders(withGpu = false): Promise<{ contenders: Contender[]; wasm: unknown; gpu?: SeqlabGpuInfo }> {
  const threads = Math.max(2, getThreads());
  setThreads(threads);
  await ready();
  const gpu = withGpu ? await gpuContender() : undefined;
  const builds = wasmBuildInfo();
  const both = builds.available.includes('fma');
  return {
    wasm: { ...wasmThreadInfo(), builds },
    ...(gpu === undefined ? {} : { gpu: gpu.info }),
    contenders: [
      seqlabContender('cpu', 1, true, () => {}),
      buildContender('plain', 1, false, both),
      buildContender('plain', threads, true, both),
      // Last of the wasm contenders: the cases after the contenders' (inference) run on the build it leaves, the default.
      ...(both ? [buildContender('fma', threads, true, true)] : []),
      ...(gpu?.contender === undefined ? [] : [gpu.contender]),
    ],
  };
}

// The /bench page's Worker: measures matmul GFLOP/s and LSTM training tokens/s on every backend it can start, off the
// page's thread, and posts each result as it is measured, then the environment.
import { initWasm, isWasmSupported, wasmThreadInfo } from '@seqlab/kernels-wasm';
import { listBackends } from '@seqlab/tensor-core';
import {
  isSoftwareRenderer,
  measureLstmTraining,
  measureMatmul,
  webglRenderer,
  type BenchEnvironment,
  type BenchResult,
  type LstmBenchShape,
  type TimingOptions,
} from '../lib/bench.js';
import { loadGpuBackend } from '../lib/gpu-hook.js';

/** What the page asks for. */
export interface BenchRequest {
  /** Matmul sizes (n of n × n). */
  readonly sizes: readonly number[];
  /** Whether to run the LSTM training case. */
  readonly lstm: boolean;
  /** Timing settings (shorter for a quick run). */
  readonly timing: TimingOptions;
  /** The LSTM case's sizes (smaller for a quick run); default `LSTM_BENCH_SHAPE` of lib/bench.ts. */
  readonly lstmShape?: LstmBenchShape;
}

/** What the Worker posts back. */
export type BenchMessage =
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'result'; readonly result: BenchResult }
  | { readonly type: 'done'; readonly environment: BenchEnvironment }
  | { readonly type: 'error'; readonly message: string };

const post = (message: BenchMessage) => postMessage(message);
const clock = () => performance.now();

addEventListener('message', async (event: MessageEvent<BenchRequest>) => {
  try {
    const { sizes, lstm, timing, lstmShape } = event.data;
    const skipped: Record<string, string> = {};
    post({ type: 'status', text: 'starting the wasm backend…' });
    if (!isWasmSupported()) skipped.wasm = 'this browser has no WebAssembly SIMD';
    else await initWasm();
    post({ type: 'status', text: 'starting the gpu backend…' });
    const gpu = await loadGpuBackend();
    if (gpu.skipped !== null) skipped.gpu = gpu.skipped;
    const renderer = webglRenderer();
    // Importing kernels-gpu registers `gpu` even where initGpu then fails: only backends that started are measured.
    const backends = listBackends().filter((name) => !(name in skipped));
    for (const backend of backends) {
      for (const n of sizes) {
        post({ type: 'status', text: `${backend}: matmul ${n}×${n}…` });
        post({ type: 'result', result: measureMatmul(backend, n, clock, timing) });
      }
      if (lstm) {
        post({ type: 'status', text: `${backend}: LSTM training steps…` });
        post({ type: 'result', result: measureLstmTraining(backend, clock, timing, lstmShape) });
      }
    }
    post({
      type: 'done',
      environment: {
        userAgent: navigator.userAgent,
        hardwareConcurrency: navigator.hardwareConcurrency ?? 1,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        renderer,
        softwareRenderer: renderer !== null && isSoftwareRenderer(renderer),
        wasmThreads: backends.includes('wasm') ? wasmThreadInfo().threads : null,
        backends,
        skipped,
        gpu: gpu.info,
      },
    });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});

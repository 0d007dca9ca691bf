// The kernel benchmark's result record: environment, one row per library, backend, case and size, and the targets.
import { cpus, loadavg } from 'node:os';
import type { OnnxRuntimeInfo } from './inference-suite.js';
import type { SeqlabGpuInfo } from './seqlab-contenders.js';
import type { TargetCheck } from './targets.js';
import type { GenerationShapes } from './generation-shapes.js';
import type { LstmShape, TransformerShape } from './training-shapes.js';

/**
 * The case families the kernel benchmark can run (`--cases`): `peak` is the machine's 128-bit wasm SIMD peak
 * (a multiply-add loop on 1 and 2 threads, the ceiling every other row is bounded by); `inference` is the forward-only LSTM LM, Transformer
 * block and matmul on seqlab wasm and in onnxruntime-node; `generation` is `generate` at batch 1 for the LSTM LM and
 * the Transformer LM on seqlab wasm against onnxruntime-node stepping the exported step model.
 */
export type KernelBenchCase = 'peak' | 'matmul' | 'lstm' | 'transformer' | 'inference' | 'generation';

/**
 * Every case family, in the order they run.
 *
 * @example
 * ```ts
 * console.assert(KERNEL_BENCH_CASES.join() === 'peak,matmul,lstm,transformer,inference,generation');
 * ```
 */
export const KERNEL_BENCH_CASES: readonly KernelBenchCase[] = ['peak', 'matmul', 'lstm', 'transformer', 'inference', 'generation'];

/** One measured (or failed) entry: a library's backend on one case at one size. */
export interface KernelBenchRow {
  /** `seqlab`, `tfjs` or `onnxruntime`; `wasm` on the SIMD peak rows (the engine itself, no library). */
  readonly library: string;
  /** The library's backend (`cpu`, `wasm`). */
  readonly backend: string;
  /** Threads the backend ran on. */
  readonly threads: number;
  /**
   * `matmul-nn`, `matmul-tn`, `matmul-nt`, `lstm-train-step`, `transformer-train-step`, an inference case:
   * `lstm-forward`, `transformer-forward`, `matmul-forward`, a generation case: `lstm-generate`, `transformer-generate`,
   * or a peak case: `simd-peak-muladd`, `simd-peak-fma`.
   */
  readonly case: string;
  /** Matrix size n (matmul), sequence length T (training and inference), tokens generated per call (generation), or the vector width in bits (peak). */
  readonly size: number;
  /** Matmul throughput, 2n³ / median time, or the SIMD peak's best round; only on matmul and peak rows (null when the run failed). */
  readonly gflops?: number | null;
  /** Training throughput, batch·T / median seconds; only on training-step rows (null when the run failed). */
  readonly tokensPerSec?: number | null;
  /**
   * Useful GFLOP/s of a training step (`lstmTrainingFlops` or `transformerTrainingFlops`) or of a model's forward pass
   * (`lstmForwardFlops` or `transformerBlockForwardFlops`) over the median time; only on training-step and model
   * inference rows (null when the run failed).
   */
  readonly usefulGflops?: number | null;
  /**
   * GFLOP/s of the same contender's n×n `a·b` product (n = 512, the training-efficiency reference) timed between this
   * row's training steps: the median of the calls made just before the timed steps; only on training-step rows of
   * contenders with a matmul.
   */
  readonly pairedMatmulGflops?: number;
  /** Median milliseconds per generated token at batch 1 (the call's time over its tokens); only on generation rows. */
  readonly msPerToken?: number | null;
  /** Median milliseconds per call after warm-up (on peak rows the best round's slowest thread), or null when the run failed. */
  readonly medianMs: number | null;
  /** Timed runs behind the median. */
  readonly runs: number;
  /** How this row differs from the plain case (a substituted kernel), or why it has no numbers; else null. */
  readonly note: string | null;
}

/** 1-minute load averages around a run. */
export interface LoadAverage {
  /** Before the first case. */
  readonly before: number;
  /** After the last case. */
  readonly after: number;
}

/** The TF.js that ran beside seqlab. */
export interface TfjsRunInfo {
  /** `tf.version.tfjs`. */
  readonly version: string;
  /** Its backends that ran (`wasm`, `cpu`). */
  readonly backends: readonly string[];
}

/** Why TF.js did not run. */
export interface TfjsMissing {
  /** The reason, e.g. `TF.js not installed: …`. */
  readonly error: string;
}

/** The machine a benchmark ran on, and when: the part of the record every benchmark shares. */
export interface MachineEnvironment {
  /** ISO date of the run. */
  readonly date: string;
  /** `process.version`. */
  readonly node: string;
  /** `platform-arch`. */
  readonly platform: string;
  /** CPU model. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** 1-minute load averages before and after the run: how busy the machine was with other work. */
  readonly loadAverage: LoadAverage;
}

/** {@link MachineEnvironment} now, for a run that started with 1-minute load average `loadBefore`. */
export function machineEnvironment(loadBefore: number): MachineEnvironment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
  };
}

/** Where and when the benchmark ran. */
export interface KernelBenchEnvironment extends MachineEnvironment {
  /** seqlab's wasm thread state as reported by `wasmThreadInfo()`, with `builds`: `wasmBuildInfo()` (the kernel builds available). */
  readonly seqlabWasm: unknown;
  /** seqlab's gpu backend (mode, renderer, software) when `gpu` was asked, or why it did not start. */
  readonly seqlabGpu?: SeqlabGpuInfo;
  /** The TF.js that ran beside seqlab, or why it did not. */
  readonly tfjs: TfjsRunInfo | TfjsMissing;
  /** The onnxruntime-node of the inference rows, or why it did not run; absent when no inference case ran. */
  readonly onnxruntime?: OnnxRuntimeInfo;
}

/** Shapes of the training-step cases, as run. */
export interface KernelBenchSettings {
  /** Case families run. */
  readonly cases: readonly KernelBenchCase[];
  /** Matmul sizes. */
  readonly sizes: readonly number[];
  /** Matmul sizes of the inference case's onnxruntime reference rows. */
  readonly inferenceMatmulSizes?: readonly number[];
  /** LSTM language-model training-step shape. */
  readonly lstm: LstmShape;
  /** Transformer-block training-step shape. */
  readonly transformer: TransformerShape;
  /** Models and lengths of the generation case, when it ran. */
  readonly generation?: GenerationShapes;
  /** Untimed warm-up runs per training-step contender, and the timed-run override if any. */
  readonly timing: string;
}

/** The whole kernel-benchmark record, as written to `kernels.json` and printed by `--json`. */
export interface KernelBenchReport {
  /** Where and when it ran. */
  readonly environment: KernelBenchEnvironment;
  /** What ran. */
  readonly settings: KernelBenchSettings;
  /** One entry per library, backend, case and size. */
  readonly results: KernelBenchRow[];
  /** The targets with the measured values. */
  readonly targets: TargetCheck[];
}

// View model of the /bench page: timing loops for matmul GFLOP/s and LSTM training tokens/s on a backend, renderer
// detection and labelling, and the copyable JSON report. The page runs these in a Worker (src/worker/bench.worker.ts).
import { AdamW } from '@seqlab/autograd';
import { randomWindows } from '@seqlab/datasets';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, InvalidArgumentError, matmul, randn, type Tensor } from '@seqlab/tensor-core';
import type { GpuInfo } from './gpu-hook.js';

/** A clock in milliseconds (`performance.now` on the page; a fake one in tests). */
export type Clock = () => number;

/** How long and how often to repeat a measured call. */
export interface TimingOptions {
  /** Untimed calls first (compilation, caches, worker start-up). Default 1. */
  warmup?: number;
  /** Keep timing until this many milliseconds have passed... Default 300. */
  minMs?: number;
  /** ...and at least this many calls were timed. Default 3. */
  minRuns?: number;
  /** Never more calls than this. Default 1000. */
  maxRuns?: number;
}

/** What {@link timeCalls} measured. */
export interface Timing {
  readonly runs: number;
  readonly totalMs: number;
  /** Median milliseconds per call. */
  readonly medianMs: number;
}

/**
 * Calls `fn` `warmup` times untimed, then times single calls until both `minMs` and `minRuns` are reached, and
 * reports the median call time (robust to a stray garbage collection or a busy neighbour).
 *
 * @example
 * ```ts
 * const { medianMs } = timeCalls(() => matmul(a, b).dataSync(), performance.now.bind(performance));
 * ```
 */
export function timeCalls(fn: () => void, clock: Clock, options: TimingOptions = {}): Timing {
  const warmup = options.warmup ?? 1,
    minMs = options.minMs ?? 300,
    minRuns = options.minRuns ?? 3,
    maxRuns = options.maxRuns ?? 1000;
  if (!(minRuns >= 1 && maxRuns >= minRuns)) throw new InvalidArgumentError(`timeCalls: need 1 ≤ minRuns ≤ maxRuns; received ${minRuns}, ${maxRuns}`);
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < maxRuns && (times.length < minRuns || total < minMs)) {
    const start = clock();
    fn();
    const ms = clock() - start;
    times.push(ms);
    total += ms;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs: times.length, totalMs: total, medianMs };
}

/** One measured row of the bench page. */
export interface BenchResult {
  readonly backend: string;
  readonly case: string;
  readonly value: number;
  readonly unit: 'GFLOP/s' | 'tokens/s';
  readonly runs: number;
  readonly medianMs: number;
}

/**
 * `n × n` float32 matmul throughput on `backend`: 2n³ floating-point operations per call, the result read back
 * (`dataSync`) so asynchronous backends are timed to completion.
 *
 * @example
 * ```ts
 * measureMatmul('wasm', 256, performance.now.bind(performance)).value; // GFLOP/s
 * ```
 */
export function measureMatmul(backend: string, n: number, clock: Clock, options: TimingOptions = {}): BenchResult {
  const generator = new Generator(n);
  const a = randn([n, n], { generator, backend });
  const b = randn([n, n], { generator, backend });
  const timing = timeCalls(() => void matmul(a, b).dataSync(), clock, options);
  return { backend, case: `matmul ${n}×${n}`, value: (2 * n ** 3) / (timing.medianMs * 1e6), unit: 'GFLOP/s', runs: timing.runs, medianMs: timing.medianMs };
}

/** Sizes of the LSTM training case: windows per batch, characters per window, vocabulary, embedding and hidden width. */
export interface LstmBenchShape {
  readonly batch: number;
  readonly length: number;
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
}

/** The LSTM language model and batch the training case measures: a character model of the playground's own size. */
export const LSTM_BENCH_SHAPE: LstmBenchShape = { batch: 16, length: 64, vocabSize: 65, embeddingDim: 32, hiddenSize: 128 };

/**
 * The training case's name: `LSTM LM training step` at {@link LSTM_BENCH_SHAPE}, with the sizes appended for any
 * other shape (so a quick run's smaller model is never mistaken for the full one).
 *
 * @example
 * ```ts
 * lstmCaseName({ ...LSTM_BENCH_SHAPE, batch: 4 }); // "LSTM LM training step (batch 4 × 64, hidden 128)"
 * ```
 */
export function lstmCaseName(shape: LstmBenchShape): string {
  const s = LSTM_BENCH_SHAPE;
  const same =
    shape.batch === s.batch &&
    shape.length === s.length &&
    shape.vocabSize === s.vocabSize &&
    shape.embeddingDim === s.embeddingDim &&
    shape.hiddenSize === s.hiddenSize;
  return same ? 'LSTM LM training step' : `LSTM LM training step (batch ${shape.batch} × ${shape.length}, hidden ${shape.hiddenSize})`;
}

/**
 * LSTM language-model training throughput on `backend`: forward, cross-entropy, backward and an AdamW step per call
 * on `shape` (default {@link LSTM_BENCH_SHAPE}), tokens/s = batch·length / median step time. The batches are random
 * ids from a seeded generator (throughput does not depend on the text).
 *
 * @example
 * ```ts
 * measureLstmTraining('wasm', performance.now.bind(performance)).value; // tokens/s
 * ```
 */
export function measureLstmTraining(backend: string, clock: Clock, options: TimingOptions = {}, shape: LstmBenchShape = LSTM_BENCH_SHAPE): BenchResult {
  const s = shape;
  const generator = new Generator(7);
  const model = new RecurrentLM({ vocabSize: s.vocabSize, embeddingDim: s.embeddingDim, hiddenSize: s.hiddenSize, cell: 'lstm' }, { generator, backend });
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const corpus = Array.from({ length: 4096 }, () => generator.int(0, s.vocabSize - 1));
  const step = () => {
    const batch = randomWindows(corpus, { batchSize: s.batch, seqLen: s.length, generator, backend });
    optimizer.zeroGrad();
    const loss: Tensor = model.loss(batch.inputs, batch.targets);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const timing = timeCalls(step, clock, { minMs: 1000, ...options });
  const tokens = s.batch * s.length;
  return { backend, case: lstmCaseName(s), value: tokens / (timing.medianMs / 1000), unit: 'tokens/s', runs: timing.runs, medianMs: timing.medianMs };
}

/**
 * True for renderer strings of software rasterisers (SwiftShader, llvmpipe, softpipe, Microsoft Basic Render),
 * whose numbers say nothing about the machine's GPU and are labelled as such.
 *
 * @example
 * ```ts
 * isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'); // true
 * ```
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render|lavapipe/i.test(renderer);
}

/** Where the numbers were measured. */
export interface BenchEnvironment {
  readonly userAgent: string;
  readonly hardwareConcurrency: number;
  readonly crossOriginIsolated: boolean;
  /** WebGL2's unmasked renderer string, or null without WebGL2. */
  readonly renderer: string | null;
  readonly softwareRenderer: boolean;
  /** Threads of the wasm backend (1 without cross-origin isolation), or null when wasm is not available. */
  readonly wasmThreads: number | null;
  /** Backends registered in the Worker and measured. */
  readonly backends: readonly string[];
  /** Why a backend was not measured, by name (e.g. the gpu backend could not start: the typed error's message). */
  readonly skipped: Readonly<Record<string, string>>;
  /** What the gpu backend ran on (its mode, renderer and software flag), or null when it was not measured. */
  readonly gpu: GpuInfo | null;
}

/**
 * The WebGL2 renderer string (`UNMASKED_RENDERER_WEBGL` where the debug extension is exposed, else `RENDERER`), from
 * an OffscreenCanvas in a Worker or a canvas on the page; null without WebGL2.
 *
 * @example
 * ```ts
 * webglRenderer(); // e.g. 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 ...)'
 * ```
 */
export function webglRenderer(): string | null {
  const canvas: OffscreenCanvas | HTMLCanvasElement | null =
    typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
  const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
  if (!gl) return null;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** The copyable report: environment, every result, and when it was measured. */
export interface BenchReport {
  readonly measuredAt: string;
  readonly environment: BenchEnvironment;
  readonly results: readonly BenchResult[];
}

/**
 * The report as pretty JSON, numbers rounded to 4 significant digits.
 *
 * @example
 * ```ts
 * navigator.clipboard.writeText(reportJson(report));
 * ```
 */
export function reportJson(report: BenchReport): string {
  return JSON.stringify(report, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v), 2);
}

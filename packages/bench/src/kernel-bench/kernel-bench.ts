// The kernel benchmark as a function: matmul GFLOP/s and LSTM / Transformer-block training tokens/s for every seqlab
// backend with TensorFlow.js beside it, and inference against onnxruntime, in one run, returned as one record.
import { loadavg } from 'node:os';
import { checkIntegerAtLeast, InvalidArgumentError } from '@seqlab/tensor-core';
import type { Contender } from './contender.js';
import { GENERATION_LSTM_SHAPE, GENERATION_TRANSFORMER_SHAPE, type GenerationLstmShape, type GenerationTransformerShape } from './generation-shapes.js';
import { runGenerationSuite } from './generation-suite.js';
import { runInferenceSuite, type OnnxRuntimeInfo } from './inference-suite.js';
import { runMatmulSuite } from './matmul-suite.js';
import { KERNEL_BENCH_CASES, machineEnvironment, type KernelBenchCase, type KernelBenchReport, type KernelBenchRow } from './results.js';
import { seqlabContenders } from './seqlab-contenders.js';
import { measureSimdPeak, type SimdPeakOptions } from './simd-peak.js';
import { checkTargets, MATMUL_TARGET } from './targets.js';
import { tfjsContenders } from './tfjs-contenders.js';
import { runTrainingSuite } from './training-suite.js';
import { LSTM_SHAPE, TRANSFORMER_SHAPE, type LstmShape, type TransformerShape } from './training-shapes.js';

/** Options of {@link runKernelBenchmark}; every field has a default that runs the full benchmark. */
export interface KernelBenchOptions {
  /** Case families to run. Default every one: `peak`, `matmul`, `lstm`, `transformer`, `inference`, `generation`. */
  cases?: readonly KernelBenchCase[];
  /** Rounds and round length of the SIMD peak case (see `measureSimdPeak`). Default 5 rounds of about 100 ms. */
  peak?: Pick<SimdPeakOptions, 'rounds' | 'targetMs'>;
  /** Matmul sizes n. Default 128, 256, 512, 1024. */
  sizes?: readonly number[];
  /** Matmul sizes of the inference case (seqlab wasm against an onnxruntime MatMul model). Default 512, 1024. */
  inferenceMatmulSizes?: readonly number[];
  /**
   * Timed runs per case for every family. Default: per matmul size (31 at 128 down to 5 at 1024), 5 training steps,
   * 9 inference calls, 5 generation calls.
   */
  runs?: number;
  /** Untimed training steps before the timed ones (and calls of the other families). Default 2. */
  warmup?: number;
  /**
   * Milliseconds the untimed training steps last at least: fast steps keep warming up past `warmup` until this much
   * time has gone by (a step of seconds, as TF.js's, still gets `warmup`). Default 1000: the first second of seqlab's
   * LSTM training ran about 6% slower than the steps after it on this project's machine (medians of steps 1–10
   * against 11–40, three runs), so two 0.1 s warm-up steps left the timed ones inside that warm-up.
   */
  trainingWarmupMs?: number;
  /** Overrides of the LSTM shape (default {@link LSTM_SHAPE}); targets are judged only at the default. */
  lstm?: Partial<LstmShape>;
  /** Overrides of the Transformer-block shape (default {@link TRANSFORMER_SHAPE}). */
  transformer?: Partial<TransformerShape>;
  /**
   * Overrides of the generation case's models and lengths (defaults {@link GENERATION_LSTM_SHAPE} and
   * {@link GENERATION_TRANSFORMER_SHAPE}); its targets are judged only at the defaults.
   */
  generation?: {
    /** Overrides of the LSTM LM's sizes and lengths. */
    lstm?: Partial<GenerationLstmShape>;
    /** Overrides of the Transformer LM's sizes and lengths. */
    transformer?: Partial<GenerationTransformerShape>;
  };
  /**
   * seqlab backends of the matmul and training cases: `cpu`, `wasm` (both its builds where the FMA build runs), `gpu`. Default every seqlab contender (gpu only
   * with `gpu`).
   * `['wasm']` skips the cpu backend's slow training steps: with `tfjs: false`, a cheap run of the training rows.
   */
  backends?: readonly string[];
  /** Time TensorFlow.js's wasm backend beside seqlab when TF.js is installed. Default true. */
  tfjs?: boolean;
  /**
   * Also time TF.js's pure-JavaScript cpu backend on the training steps. Default false: at the shapes one
   * of its steps takes tens of seconds (about 27 s for the LSTM, 42 s for the Transformer block on two cores).
   */
  tfjsCpu?: boolean;
  /**
   * Also time seqlab's gpu backend (`@seqlab/kernels-gpu`, when installed). In Node that is gpu.js's WebAssembly
   * mode, a correctness mode slower than wasm (headless-gl when the optional `gl` package is installed). Default false.
   */
  gpu?: boolean;
  /** Seconds one contender may spend on a training case before its timed runs are cut (never below 3). Default 40. */
  budgetSeconds?: number;
  /** Seed of the weights and data. Default 0. */
  seed?: number;
  /** Receives one progress line per measured case. Default: discard. */
  log?: (line: string) => void;
}

const DEFAULT_SIZES = [128, 256, 512, 1024];
const DEFAULT_INFERENCE_SIZES = [512, 1024];
const DEFAULT_INFERENCE_RUNS = 9;
const DEFAULT_GENERATION_RUNS = 5;
const DEFAULT_TRAINING_RUNS = 5;
const DEFAULT_WARMUP = 2;
const DEFAULT_TRAINING_WARMUP_MS = 1000;
const DEFAULT_BUDGET_SECONDS = 40;

function checkCount(name: string, value: number, min: number): number {
  return checkIntegerAtLeast('runKernelBenchmark', name, value, min, 'option');
}

function checkShape<S extends object>(name: string, base: S, overrides: Partial<S> | undefined): S {
  const shape = { ...base, ...overrides };
  for (const key of Object.keys(base) as (keyof S & string)[]) {
    const value: unknown = shape[key];
    // Every field of a shape is a positive integer except the causal flag, which must stay a boolean.
    const ok = typeof base[key] === 'number' ? typeof value === 'number' && Number.isInteger(value) && value > 0 : typeof value === typeof base[key];
    if (!ok) {
      const expected = typeof base[key] === 'number' ? 'a positive integer' : `a ${typeof base[key]}`;
      throw new InvalidArgumentError(`runKernelBenchmark: option '${name}.${key}' must be ${expected}; received ${String(value)}`);
    }
  }
  return shape;
}

/**
 * Parses a comma-separated case list such as `matmul,lstm` (as `--cases` takes it).
 *
 * @throws InvalidArgumentError naming the unknown case and the known ones.
 *
 * @example
 * ```ts
 * console.assert(parseKernelBenchCases('lstm, matmul,lstm').join() === 'lstm,matmul');
 * try {
 *   parseKernelBenchCases('matmul,conv');
 * } catch (e) {
 *   console.assert(e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
 * }
 * ```
 */
export function parseKernelBenchCases(list: string): KernelBenchCase[] {
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(KERNEL_BENCH_CASES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`kernel benchmark: unknown case '${name}' in '${list}'; the cases are ${KERNEL_BENCH_CASES.join(', ')}`);
    }
  }
  return [...new Set(names)] as KernelBenchCase[];
}

/**
 * Runs the kernel benchmark: the machine's 128-bit wasm SIMD peak (a multiply-add loop, plain and fused, on 1 and 2
 * threads), square matmul in the nn, tn and nt layouts, and the LSTM language-model and
 * Transformer-block training steps, on seqlab's cpu and wasm backends and (when installed) TensorFlow.js's wasm
 * and cpu backends; then the inference case: the same LSTM LM and Transformer block forward only, and matmul, on
 * seqlab wasm and (when installed) onnxruntime-node running seqlab's exported model on 2 threads, interleaved; then
 * the generation case: greedy `generate` at batch 1 of an LSTM LM and a Transformer LM on seqlab wasm against
 * onnxruntime stepping the exported step model token by token. Medians after warm-up; tokens/s = batch·T / median
 * seconds; training rows also give useful GFLOP/s (see `lstmTrainingFlops`). The full default run takes a few
 * minutes on two cores. Results are measured here and now: nothing is cached or estimated.
 *
 * @example
 * ```ts
 * const report = await runKernelBenchmark({ cases: ['matmul'], sizes: [256], log: console.error });
 * writeKernelReport(report, 'bench-results'); // kernels.json and kernels.md
 * ```
 */
export async function runKernelBenchmark(options: KernelBenchOptions = {}): Promise<KernelBenchReport> {
  const asked = options.cases ?? KERNEL_BENCH_CASES;
  const unknown = asked.find((c) => !KERNEL_BENCH_CASES.includes(c));
  if (unknown !== undefined)
    throw new InvalidArgumentError(
      `runKernelBenchmark: option 'cases' holds unknown case '${String(unknown)}'; the cases are ${KERNEL_BENCH_CASES.join(', ')}`,
    );
  // Cases run in their fixed order, whatever order they were asked in.
  const cases = KERNEL_BENCH_CASES.filter((c) => asked.includes(c));
  const sizes = (options.sizes ?? DEFAULT_SIZES).map((n) => checkCount('sizes', n, 1));
  const inferenceMatmulSizes = (options.inferenceMatmulSizes ?? DEFAULT_INFERENCE_SIZES).map((n) => checkCount('inferenceMatmulSizes', n, 1));
  const runs = options.runs === undefined ? undefined : checkCount('runs', options.runs, 1);
  const warmup = checkCount('warmup', options.warmup ?? DEFAULT_WARMUP, 0);
  const lstm = checkShape('lstm', LSTM_SHAPE, options.lstm);
  const transformer = checkShape('transformer', TRANSFORMER_SHAPE, options.transformer);
  if (transformer.dModel % transformer.heads !== 0) {
    throw new InvalidArgumentError(
      `runKernelBenchmark: 'transformer.dModel' (${transformer.dModel}) must be divisible by 'transformer.heads' (${transformer.heads})`,
    );
  }
  const generation = {
    lstm: checkShape('generation.lstm', GENERATION_LSTM_SHAPE, options.generation?.lstm),
    transformer: checkShape('generation.transformer', GENERATION_TRANSFORMER_SHAPE, options.generation?.transformer),
  };
  const g = generation.transformer;
  if (g.dModel % g.heads !== 0 || g.prompt + g.tokens > g.context) {
    throw new InvalidArgumentError(
      `runKernelBenchmark: 'generation.transformer' must have dModel divisible by heads and prompt + tokens ≤ context; received dModel ${g.dModel}, heads ${g.heads}, prompt ${g.prompt}, tokens ${g.tokens}, context ${g.context}`,
    );
  }
  // Without the option every seqlab contender runs (whatever backend names later contenders bring).
  const backends = options.backends;
  const unknownBackend = backends?.find((b) => !['cpu', 'wasm', 'gpu'].includes(b));
  if (unknownBackend !== undefined) {
    throw new InvalidArgumentError(`runKernelBenchmark: option 'backends' holds unknown backend '${unknownBackend}'; the seqlab backends are cpu, wasm, gpu`);
  }
  const budgetSeconds = options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
  if (!(budgetSeconds > 0))
    throw new InvalidArgumentError(`runKernelBenchmark: option 'budgetSeconds' must be a positive number; received ${String(budgetSeconds)}`);
  const seed = options.seed ?? 0;
  const log = options.log ?? ((): void => {});

  const loadBefore = loadavg()[0];
  const seqlab = await seqlabContenders(options.gpu ?? false);
  if (seqlab.gpu !== undefined && 'error' in seqlab.gpu) log(`seqlab gpu left out: ${seqlab.gpu.error}`);
  const tf = options.tfjs === false ? { error: 'TF.js left out (tfjs: false)' } : await tfjsContenders(options.tfjsCpu ?? false);
  if ('error' in tf) log(`${tf.error}: its rows are left out`);
  // A contender's backend is its first word: `wasm fma` is the wasm backend on its FMA build.
  const wanted = (c: Contender): boolean => backends === undefined || backends.includes(c.backend.split(' ')[0]);
  const contenders: Contender[] = [...seqlab.contenders.filter(wanted), ...('error' in tf ? [] : tf.contenders)];

  const warmupMs = checkCount('trainingWarmupMs', options.trainingWarmupMs ?? DEFAULT_TRAINING_WARMUP_MS, 0);
  // The efficiency ratio's matmul is also timed between the training steps when the run times it at all.
  const pairedMatmulSize = cases.includes('matmul') && sizes.includes(MATMUL_TARGET.size) ? MATMUL_TARGET.size : null;
  const training = { runs: runs ?? DEFAULT_TRAINING_RUNS, warmup, warmupMs, seed, log, budgetMs: budgetSeconds * 1000, pairedMatmulSize };
  const results: KernelBenchRow[] = [];
  if (cases.includes('peak')) {
    log('wasm SIMD peak: a multiply-add loop on 1 and 2 threads');
    results.push(...(await measureSimdPeak(options.peak)));
  }
  if (cases.includes('matmul')) results.push(...(await runMatmulSuite(contenders, { sizes, runs, log })));
  if (cases.includes('lstm')) results.push(...(await runTrainingSuite(contenders, { name: 'lstm-train-step', shape: lstm }, training)));
  if (cases.includes('transformer')) results.push(...(await runTrainingSuite(contenders, { name: 'transformer-train-step', shape: transformer }, training)));
  let onnxruntime: OnnxRuntimeInfo | undefined;
  if (cases.includes('inference')) {
    const inferenceRuns = runs ?? DEFAULT_INFERENCE_RUNS;
    const inference = await runInferenceSuite({ runs: inferenceRuns, warmup, lstm, transformer, matmulSizes: inferenceMatmulSizes, seed, log });
    results.push(...inference.rows);
    onnxruntime = inference.onnxruntime;
  }
  if (cases.includes('generation')) {
    const generated = await runGenerationSuite({ runs: runs ?? DEFAULT_GENERATION_RUNS, warmup, shapes: generation, seed, log });
    results.push(...generated.rows);
    onnxruntime ??= generated.onnxruntime;
  }

  return {
    environment: {
      ...machineEnvironment(loadBefore),
      seqlabWasm: seqlab.wasm,
      ...(seqlab.gpu === undefined ? {} : { seqlabGpu: seqlab.gpu }),
      tfjs: 'error' in tf ? { error: tf.error } : { version: tf.version, backends: tf.contenders.map((c) => c.backend) },
      ...(onnxruntime === undefined ? {} : { onnxruntime }),
    },
    settings: {
      cases,
      sizes,
      ...(cases.includes('inference') ? { inferenceMatmulSizes } : {}),
      lstm,
      transformer,
      ...(cases.includes('generation') ? { generation } : {}),
      timing:
        `training: at least ${warmup} warm-up steps and ${warmupMs / 1000} s of them, median of ${training.runs} (fewer, at least 3, past ${budgetSeconds} s per contender); ` +
        (cases.includes('peak') ? `peak: best of ${options.peak?.rounds ?? 5} rounds of about ${options.peak?.targetMs ?? 100} ms; ` : '') +
        `matmul: 2 warm-up runs, median of ${runs === undefined ? '31 (n ≤ 128) to 5 (n = 1024)' : runs}` +
        (cases.includes('inference') ? `; inference: ${warmup} warm-up calls, median of ${runs ?? DEFAULT_INFERENCE_RUNS}, interleaved` : '') +
        (cases.includes('generation') ? `; generation: ${Math.max(1, warmup)} warm-up calls, median of ${runs ?? DEFAULT_GENERATION_RUNS}, interleaved` : ''),
    },
    results,
    targets: checkTargets(results, lstm, transformer, generation),
  };
}

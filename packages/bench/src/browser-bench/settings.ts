// What the browser benchmark runs (sizes, shapes, repeats, contenders) and what its page reports: the types shared by
// the Node runner and the page, the defaults of the run and the short `quick` preset.
import { InvalidArgumentError } from '@seqlab/tensor-core';
import type { KernelBenchRow, MachineEnvironment } from '../kernel-bench/results.js';
import type { TargetCheck } from '../kernel-bench/targets.js';
import type { Rendering } from './renderer.js';
import { LSTM_SHAPE, TRANSFORMER_SHAPE, type LstmShape, type TransformerShape } from '../kernel-bench/training-shapes.js';

/** Case families of the browser benchmark (`--cases`). */
export type BrowserBenchCase = 'matmul' | 'lstm' | 'transformer';

/**
 * Every browser case family, in the order they run.
 *
 * @example
 * ```ts
 * console.assert(BROWSER_BENCH_CASES.join() === 'matmul,lstm,transformer');
 * ```
 */
export const BROWSER_BENCH_CASES: readonly BrowserBenchCase[] = ['matmul', 'lstm', 'transformer'];

/** The three contenders in the page: seqlab's gpu and wasm backends and TensorFlow.js's WebGL backend. */
export type BrowserContenderName = 'seqlab-gpu' | 'seqlab-wasm' | 'tfjs-webgl';

/**
 * Every contender, in column order.
 *
 * @example
 * ```ts
 * console.assert(BROWSER_CONTENDERS.length === 3 && BROWSER_CONTENDERS.includes('tfjs-webgl'));
 * ```
 */
export const BROWSER_CONTENDERS: readonly BrowserContenderName[] = ['seqlab-gpu', 'seqlab-wasm', 'tfjs-webgl'];

/** The settings the page runs with (sent to it as JSON). */
export interface BrowserBenchConfig {
  /** Case families, in {@link BROWSER_BENCH_CASES} order. */
  readonly cases: readonly BrowserBenchCase[];
  /** Contenders to run. */
  readonly contenders: readonly BrowserContenderName[];
  /** Square matmul sizes n. */
  readonly sizes: readonly number[];
  /** Timed samples per matmul case (each a chain of products). */
  readonly matmulRuns: number;
  /**
   * A matmul sample chains products until it is expected to last about this long (judged on a warm-up chain), so that
   * the one readback that ends it is a small part of it on a fast GPU.
   */
  readonly chainTargetMs: number;
  /** Most products in one matmul sample. */
  readonly maxChain: number;
  /** Timed training steps per contender (fewer, at least 2, past `budgetMs`). */
  readonly trainingRuns: number;
  /** Untimed training steps (and matmul chains) before the timed ones. */
  readonly warmup: number;
  /** Milliseconds one contender may spend on the timed runs of one case. */
  readonly budgetMs: number;
  /** LSTM language-model step shape. */
  readonly lstm: LstmShape;
  /** Transformer-block step shape. */
  readonly transformer: TransformerShape;
  /** Seed of weights and data. */
  readonly seed: number;
}

/**
 * Where a contender's work ran: on a GPU, on a software rasterizer (a CPU emulating a GPU: SwiftShader, llvmpipe), or
 * on the CPU by design (seqlab wasm, gpu.js's webasm mode).
 */
export type RowRendering = 'gpu' | 'software' | 'cpu';

/** A row of the browser benchmark: a kernel-benchmark row plus how it was timed and where it ran. */
export interface BrowserBenchRow extends KernelBenchRow {
  /** Matmul products per timed sample (one readback ends each sample); null on training rows. */
  readonly chain: number | null;
  /** Where the work ran; only `gpu` rows say anything about GPU speed. */
  readonly rendering: RowRendering;
}

/** The WebGL2 context the page could create, as the page saw it. */
export interface WebGlInfo {
  /** `UNMASKED_RENDERER_WEBGL` (or `RENDERER` when the debug extension is missing). */
  readonly renderer: string;
  /** `UNMASKED_VENDOR_WEBGL` (or `VENDOR`). */
  readonly vendor: string;
  /** `VERSION`. */
  readonly version: string;
  /** `MAX_TEXTURE_SIZE`. */
  readonly maxTextureSize: number;
  /** Whether `EXT_color_buffer_float` (float32 render targets) is present. */
  readonly floatRenderTarget: boolean;
}

/** One contender as set up in the page: its identity and library facts, or why it could not run. */
export interface PageContenderInfo {
  /** Which contender. */
  readonly name: BrowserContenderName;
  /** Column heading. */
  readonly label: string;
  /** Threads it runs on (1 for the GPU contenders: their work is on the GPU). */
  readonly threads: number;
  /** Where its work runs (judged from the renderer its own WebGL context reports); absent when it could not be set up. */
  readonly rendering?: RowRendering;
  /** Library facts: versions, backend info, flags, renderer seen by the library. */
  readonly info: Record<string, unknown>;
  /** Why it could not be set up; its rows are then missing. */
  readonly error?: string;
}

/** What the page reports back. */
export interface BrowserPageResult {
  /** `navigator.userAgent`. */
  readonly userAgent: string;
  /** Whether the page was cross-origin isolated (wasm threads need it). */
  readonly crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency`. */
  readonly hardwareConcurrency: number;
  /** The page's own WebGL2 context, or why there is none. */
  readonly webgl: WebGlInfo | { readonly error: string };
  /** The contenders. */
  readonly contenders: readonly PageContenderInfo[];
  /** Measured rows (failed cases have null numbers and the error in `note`). */
  readonly rows: readonly BrowserBenchRow[];
}

/**
 * Marks the page's progress lines on its console, which the runner forwards to its terminal.
 *
 * @example
 * ```ts
 * console.log(`${PROGRESS_PREFIX}matmul nn 256: ...`); // in the page: shows on the runner's stderr
 * ```
 */
export const PROGRESS_PREFIX = '[bench:browser] ';

/** The Chromium that ran the page and how it was launched. */
export interface ChromiumRunInfo {
  /** `browser.version()`. */
  readonly version: string;
  /** Where the binary came from (`SEQLAB_BROWSER`, `debian`, `@sparticuz/chromium`). */
  readonly source: string;
  /** Its path. */
  readonly executable: string;
  /** `software` (SwiftShader) or `gpu` (hardware rendering flags). */
  readonly launch: 'software' | 'gpu';
  /** The command-line flags it got. */
  readonly args: readonly string[];
}

/** Where and when the browser benchmark ran. */
export interface BrowserBenchEnvironment extends MachineEnvironment {
  /** The browser. */
  readonly chromium: ChromiumRunInfo;
  /** The page as it saw itself. */
  readonly page: { readonly userAgent: string; readonly crossOriginIsolated: boolean; readonly hardwareConcurrency: number };
  /** The page's WebGL2 context (renderer string), or why there is none. */
  readonly webgl: WebGlInfo | { readonly error: string };
  /** The renderer classified: `gpu`, `software` or `none`. */
  readonly rendering: Rendering;
  /** The contenders as set up (library facts, or why one is missing). */
  readonly contenders: readonly PageContenderInfo[];
  /** Uncaught errors the page raised. */
  readonly pageErrors: readonly string[];
}

/** The whole browser-benchmark record, as written to `browser.json`. */
export interface BrowserBenchReport {
  /** Where and when it ran. */
  readonly environment: BrowserBenchEnvironment;
  /** What ran. */
  readonly settings: BrowserBenchConfig;
  /** One entry per contender, case and size. */
  readonly results: BrowserBenchRow[];
  /** The real-GPU targets, judged only on `gpu` rows. */
  readonly targets: TargetCheck[];
}

/** The run: matmul 256, 512 and 1024 and the `bench:kernels` training shapes. */
export const DEFAULT_BROWSER_CONFIG: BrowserBenchConfig = {
  cases: BROWSER_BENCH_CASES,
  contenders: BROWSER_CONTENDERS,
  sizes: [256, 512, 1024],
  matmulRuns: 5,
  chainTargetMs: 100,
  maxChain: 64,
  trainingRuns: 5,
  warmup: 1,
  budgetMs: 20_000,
  lstm: LSTM_SHAPE,
  transformer: TRANSFORMER_SHAPE,
  seed: 0,
};

/**
 * `--quick`: a couple of minutes on a loaded two-core machine with SwiftShader. Matmul 256 only, 3 samples; small
 * LSTM (batch 4, T 16, hidden 32) and Transformer (batch 2, T 16, d 32) steps, 3 timed runs each. The numbers only
 * show that every contender runs.
 */
export const QUICK_BROWSER_CONFIG: BrowserBenchConfig = {
  ...DEFAULT_BROWSER_CONFIG,
  sizes: [256],
  matmulRuns: 3,
  chainTargetMs: 50,
  trainingRuns: 3,
  budgetMs: 8_000,
  lstm: { batch: 4, length: 16, vocabSize: 65, embeddingSize: 16, hiddenSize: 32 },
  transformer: { batch: 2, length: 16, dModel: 32, heads: 4, ffnWidth: 64, vocabSize: 65, causal: true },
};

/**
 * Parses a comma-separated list against the allowed names (as `--cases` and `--contenders` take them), keeping the
 * allowed order and dropping repeats.
 *
 * @throws InvalidArgumentError naming the unknown entry and the allowed ones.
 *
 * @example
 * ```ts
 * console.assert(parseNameList('--cases', 'lstm,matmul', BROWSER_BENCH_CASES).join() === 'matmul,lstm');
 * ```
 */
export function parseNameList<T extends string>(option: string, list: string, allowed: readonly T[]): T[] {
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`bench:browser: ${option} holds unknown entry '${name}' in '${list}'; expected some of ${allowed.join(', ')}`);
    }
  }
  return allowed.filter((a) => names.includes(a));
}

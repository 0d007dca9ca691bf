// The bench:browser command line: its usage text and the parsing of its options into the page's settings.
import { parseArgs } from 'node:util';
import { checkIntegerAtLeast, InvalidArgumentError } from '@seqlab/tensor-core';
import type { LaunchMode } from './runner.js';
import { BROWSER_BENCH_CASES, BROWSER_CONTENDERS, DEFAULT_BROWSER_CONFIG, parseNameList, QUICK_BROWSER_CONFIG, type BrowserBenchConfig } from './settings.js';

/**
 * The usage text of `bench:browser` (printed by `--help` and after a bad option).
 *
 * @example
 * ```ts
 * console.assert(BROWSER_BENCH_USAGE.startsWith('Usage: bench:browser'));
 * ```
 */
export const BROWSER_BENCH_USAGE = `Usage: bench:browser [--quick] [--gpu [--angle vulkan|gl|gl-egl|metal|d3d11]] [--cases matmul,lstm,transformer]
                     [--contenders seqlab-gpu,seqlab-wasm,tfjs-webgl] [--sizes 256,512,1024] [--runs N]
                     [--budget SECONDS] [--timeout SECONDS] [--out DIR] [--json]

In one cross-origin isolated page of headless Chromium, times seqlab's gpu backend (gpu.js WebGL2), seqlab's wasm
backend and TensorFlow.js's WebGL backend side by side, interleaved: matmul 256, 512 and 1024 in the nn, tn and nt
layouts (GFLOP/s; data kept on the device, a chain of products, one readback) and the LSTM LM and Transformer-block
training steps of bench:kernels (tokens/s). Prints the WebGL renderer; rows on a software renderer (SwiftShader,
llvmpipe) are labelled "software rendering" and no GPU target is judged on them. Needs \`pnpm build\` first.
Writes browser.json and browser.md (browser-gpu.* with --gpu) to --out (default packages/bench/bench-results).

  --quick      matmul 256 only and small training shapes: a couple of minutes on two cores with SwiftShader
  --gpu        hardware rendering flags (--enable-gpu --ignore-gpu-blocklist, no software rasterizer); exits 3
               when the renderer is still software (or there is no WebGL)
  --angle B    ANGLE back end of the --gpu launch (default: Chromium's choice for the platform)
  --runs N     matmul samples and timed training steps per contender (default 5, --quick 3)
  --budget S   seconds of timed runs one contender may spend per case before it gets fewer runs (default 20)
  --timeout S  abandon the run after S seconds (default 1800)
  --json       print the report as one JSON object on stdout instead of the Markdown`;

/** What the command line asks for. */
export interface BrowserBenchArgs {
  /** `--help`: print the usage and stop. */
  readonly help: boolean;
  /** The page's settings. */
  readonly config: BrowserBenchConfig;
  /** `software`, or `gpu` with `--gpu`. */
  readonly mode: LaunchMode;
  /** `--angle`. */
  readonly angle: string | undefined;
  /** `--timeout` in milliseconds. */
  readonly timeoutMs: number;
  /** `--json`. */
  readonly json: boolean;
  /** `--out`, or undefined for the default folder. */
  readonly out: string | undefined;
}

function count(option: string, value: string, min: number): number {
  return checkIntegerAtLeast('bench:browser', option, Number(value), min, 'option');
}

/**
 * Parses the arguments of `bench:browser` (a leading `--`, as `pnpm bench:browser -- --quick` passes it, is dropped).
 *
 * @throws InvalidArgumentError (or node:util's parse error) naming the bad option and value.
 *
 * @example
 * ```ts
 * const args = parseBrowserBenchArgs(['--quick', '--cases', 'matmul']);
 * console.assert(args.mode === 'software' && args.config.cases.join() === 'matmul' && args.config.sizes.join() === '256');
 * ```
 */
export function parseBrowserBenchArgs(argv: readonly string[]): BrowserBenchArgs {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      gpu: { type: 'boolean', default: false },
      angle: { type: 'string' },
      cases: { type: 'string' },
      contenders: { type: 'string' },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      budget: { type: 'string' },
      timeout: { type: 'string', default: '1800' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const base = values.quick ? QUICK_BROWSER_CONFIG : DEFAULT_BROWSER_CONFIG;
  if (values.angle !== undefined && !values.gpu) throw new InvalidArgumentError(`bench:browser: --angle '${values.angle}' needs --gpu`);
  const runs = values.runs === undefined ? undefined : count('--runs', values.runs, 1);
  const config: BrowserBenchConfig = {
    ...base,
    cases: values.cases === undefined ? base.cases : parseNameList('--cases', values.cases, BROWSER_BENCH_CASES),
    contenders: values.contenders === undefined ? base.contenders : parseNameList('--contenders', values.contenders, BROWSER_CONTENDERS),
    sizes: values.sizes === undefined ? base.sizes : values.sizes.split(',').map((n) => count('--sizes', n, 1)),
    matmulRuns: runs ?? base.matmulRuns,
    trainingRuns: runs ?? base.trainingRuns,
    budgetMs: values.budget === undefined ? base.budgetMs : count('--budget', values.budget, 1) * 1000,
  };
  return {
    help: values.help,
    config,
    mode: values.gpu ? 'gpu' : 'software',
    angle: values.angle,
    timeoutMs: count('--timeout', values.timeout, 1) * 1000,
    json: values.json,
    out: values.out,
  };
}

// `pnpm --filter @seqlab/bench bench:browser`: seqlab gpu, seqlab wasm and TF.js WebGL side by side in headless
// Chromium; writes browser.json and browser.md (browser-gpu.* with --gpu). Usage below, and with --help.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkIntegerAtLeast, InvalidArgumentError } from '@seqlab/tensor-core';
import { writeBrowserReport, renderBrowserMarkdown } from './browser-bench/report.js';
import { runBrowserBenchmark } from './browser-bench/runner.js';
import {
  BROWSER_BENCH_CASES,
  BROWSER_CONTENDERS,
  DEFAULT_BROWSER_CONFIG,
  parseNameList,
  QUICK_BROWSER_CONFIG,
  type BrowserBenchConfig,
} from './browser-bench/settings.js';

const USAGE = `Usage: bench:browser [--quick] [--gpu [--angle vulkan|gl|gl-egl|metal|d3d11]] [--cases matmul,lstm,transformer]
                     [--contenders seqlab-gpu,seqlab-wasm,tfjs-webgl] [--sizes 256,512,1024] [--runs N]
                     [--budget SECONDS] [--timeout SECONDS] [--out DIR] [--json]

In one cross-origin isolated page of headless Chromium, times seqlab's gpu backend (gpu.js WebGL2), seqlab's wasm
backend and TensorFlow.js's WebGL backend side by side, interleaved: matmul 256, 512 and 1024 in the nn, tn and nt
layouts (GFLOP/s; data kept on the device, a chain of products, one readback) and the LSTM LM and Transformer-block
training steps of bench:kernels (tokens/s). Prints the WebGL renderer; rows on a software renderer (SwiftShader,
llvmpipe) are labelled "software rendering" and no GPU target is judged on them. Needs \`pnpm build\` first.

  --quick     matmul 256 only and small training shapes: a couple of minutes on two cores with SwiftShader
  --gpu       hardware rendering flags (--enable-gpu --ignore-gpu-blocklist, no software rasterizer); writes
              browser-gpu.*; exits 3 when the renderer is still software (or there is no WebGL)
  --runs N    matmul samples and timed training steps per contender (default 5, --quick 3)
  --budget S  seconds of timed runs one contender may spend per case before it gets fewer runs (default 20)
  --timeout S abandon the run after S seconds (default 1800)`;

const argv = process.argv.slice(2);
let parsed;
try {
  parsed = parseArgs({
    // `pnpm bench:browser -- --quick` passes the `--` through; drop it so the options after it still count.
    args: argv[0] === '--' ? argv.slice(1) : argv,
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
      out: { type: 'string', default: resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench-results') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  process.stderr.write(`bench:browser: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function count(option: string, value: string, min: number): number {
  return checkIntegerAtLeast('bench:browser', option, Number(value), min, 'option');
}

/** The page's settings from the preset and the options. */
function configOf(): BrowserBenchConfig {
  const base = args.quick ? QUICK_BROWSER_CONFIG : DEFAULT_BROWSER_CONFIG;
  const runs = args.runs === undefined ? undefined : count('--runs', args.runs, 1);
  if (args.angle !== undefined && !args.gpu) throw new InvalidArgumentError(`bench:browser: --angle '${args.angle}' needs --gpu`);
  return {
    ...base,
    cases: args.cases === undefined ? base.cases : parseNameList('--cases', args.cases, BROWSER_BENCH_CASES),
    contenders: args.contenders === undefined ? base.contenders : parseNameList('--contenders', args.contenders, BROWSER_CONTENDERS),
    sizes: args.sizes === undefined ? base.sizes : args.sizes.split(',').map((n) => count('--sizes', n, 1)),
    matmulRuns: runs ?? base.matmulRuns,
    trainingRuns: runs ?? base.trainingRuns,
    budgetMs: args.budget === undefined ? base.budgetMs : count('--budget', args.budget, 1) * 1000,
  };
}

// Progress goes to stderr so that `--json` leaves stdout as one JSON object.
const log = (line: string): void => void process.stderr.write(`${line}\n`);
try {
  const config = configOf();
  const mode = args.gpu ? 'gpu' : 'software';
  const report = await runBrowserBenchmark({ config, mode, angle: args.angle, timeoutMs: count('--timeout', args.timeout, 1) * 1000, log });
  const files = writeBrowserReport(report, args.out);
  const { webgl, rendering } = report.environment;
  log(`renderer: ${'error' in webgl ? `none (${webgl.error})` : webgl.renderer} -> ${rendering === 'software' ? 'software rendering' : rendering}`);
  if (args.json) console.log(JSON.stringify(report));
  else {
    console.log(renderBrowserMarkdown(report));
    log(`wrote ${files.json} and ${files.markdown}`);
  }
  if (mode === 'gpu' && rendering !== 'gpu') {
    log(
      `bench:browser --gpu: the renderer is ${rendering === 'software' ? 'a software rasterizer' : 'missing'}, not a GPU; its rows are labelled so and are not GPU rows`,
    );
    process.exitCode = 3;
  }
} catch (e) {
  log(`bench:browser: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}

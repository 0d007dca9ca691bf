// `pnpm --filter @seqlab/bench bench:kernels`: runs the kernel benchmark and writes kernels.json and kernels.md
// (usage below, and with --help).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseKernelBenchCases, runKernelBenchmark } from './kernel-bench/kernel-bench.js';
import { renderKernelMarkdown, writeKernelReport } from './kernel-bench/report.js';

const USAGE = `Usage: bench:kernels [--json] [--cases peak,matmul,lstm,transformer,inference,generation] [--sizes 128,256,512,1024]
                     [--runs N] [--warmup N] [--training-warmup-ms N] [--backends cpu,wasm] [--skip-tfjs] [--tfjs-cpu]
                     [--gpu] [--out DIR]

Measures the machine's 128-bit wasm SIMD peak (a multiply-add loop, plain and fused, on 1 and 2 threads: the
ceiling of every wasm row), times matmul (nn, tn, nt) and LSTM / Transformer-block training steps (tokens/s, and useful GFLOP/s against the same
run's matmul-nn 512) on seqlab's cpu and wasm backends and on TensorFlow.js's wasm backend, then the inference case
(the LSTM LM and Transformer block forward only, and matmul 512 and 1024) on seqlab wasm and in onnxruntime-node
running seqlab's exported model, then the generation case (ms per token at batch 1 for an LSTM LM and a Transformer
LM, seqlab's generate against onnxruntime stepping the exported step model); writes kernels.json and kernels.md to
--out, and prints the Markdown report (or, with --json, one JSON object). --gpu adds seqlab's gpu backend: in Node,
gpu.js's WebAssembly mode (a correctness mode, slower than wasm) unless the optional \`gl\` package is installed.
A training step warms up for --warmup steps (default 2) and at least --training-warmup-ms (default 1000).
--backends picks seqlab's backends and --skip-tfjs leaves TF.js out: the training rows cheaply are
  bench:kernels --cases matmul,lstm,transformer --sizes 512 --runs 1 --warmup 1 --backends wasm --skip-tfjs`;

const argv = process.argv.slice(2);
let parsed;
try {
  parsed = parseArgs({
    // `pnpm bench:kernels -- --json` passes the `--` through; drop it so the options after it still count.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      json: { type: 'boolean', default: false },
      cases: { type: 'string' },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      'training-warmup-ms': { type: 'string' },
      backends: { type: 'string' },
      'skip-tfjs': { type: 'boolean', default: false },
      'tfjs-cpu': { type: 'boolean', default: false },
      gpu: { type: 'boolean', default: false },
      out: { type: 'string', default: resolve(dirname(fileURLToPath(import.meta.url)), '../bench-results') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  process.stderr.write(`bench:kernels: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// Progress goes to stderr so that `--json` leaves stdout as one JSON object.
const log = (line: string): void => void process.stderr.write(`${line}\n`);
try {
  const report = await runKernelBenchmark({
    cases: args.cases === undefined ? undefined : parseKernelBenchCases(args.cases),
    sizes: args.sizes?.split(',').map(Number),
    runs: args.runs === undefined ? undefined : Number(args.runs),
    warmup: args.warmup === undefined ? undefined : Number(args.warmup),
    trainingWarmupMs: args['training-warmup-ms'] === undefined ? undefined : Number(args['training-warmup-ms']),
    backends: args.backends?.split(',').map((b) => b.trim()),
    tfjs: !args['skip-tfjs'],
    tfjsCpu: args['tfjs-cpu'],
    gpu: args.gpu,
    log,
  });
  const files = writeKernelReport(report, args.out);
  if (args.json) console.log(JSON.stringify(report));
  else {
    console.log(renderKernelMarkdown(report));
    log(`wrote ${files.json} and ${files.markdown}`);
  }
} catch (e) {
  log(`bench:kernels: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}

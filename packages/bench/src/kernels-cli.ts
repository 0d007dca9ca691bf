// `pnpm --filter @seqlab/bench bench:kernels`: runs the kernel benchmark and writes kernels.json and kernels.md
// (usage below, and with --help).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseKernelBenchCases, runKernelBenchmark } from './kernel-bench/kernel-bench.js';
import { renderKernelMarkdown, writeKernelReport } from './kernel-bench/report.js';

const USAGE = `Usage: bench:kernels [--json] [--cases matmul,lstm,transformer,inference] [--sizes 128,256,512,1024] [--runs N]
                     [--tfjs-cpu] [--gpu] [--out DIR]

Times matmul (nn, tn, nt) and LSTM / Transformer-block training steps on seqlab's cpu and wasm backends and on
TensorFlow.js's wasm backend, then the inference case (the LSTM LM and Transformer block forward only, and matmul 512
and 1024) on seqlab wasm and in onnxruntime-node running seqlab's exported model; writes kernels.json and kernels.md
to --out, and prints the Markdown report (or, with --json, one JSON object). --gpu adds seqlab's gpu backend: in Node,
gpu.js's WebAssembly mode (a correctness mode, slower than wasm) unless the optional \`gl\` package is installed.`;

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

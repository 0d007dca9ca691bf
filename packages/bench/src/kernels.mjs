// Kernel benchmark: matmul GFLOP/s for every seqlab backend and TensorFlow.js's wasm backend, in one run.
// Usage: node src/kernels.mjs [--json] [--sizes 128,256,512,1024] [--runs N] [--out DIR]
// Writes DIR/kernels.json and DIR/kernels.md (DIR defaults to packages/bench/bench-results). Needs built packages.
// Suites are listed in SUITES; the LSTM and Transformer training-step suites (tokens/s) plug in there.
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareSeqlab, seqlabContenders, tfjsContender } from './kernel-bench/contenders.mjs';
import { runMatmulSuite } from './kernel-bench/matmul-suite.mjs';
import { renderMarkdown, writeReport } from './kernel-bench/report.mjs';

const argv = process.argv.slice(2);
const { values: args } = parseArgs({
  // `pnpm bench:kernels -- --json` passes the `--` through; drop it so the options after it still count.
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '128,256,512,1024' },
    runs: { type: 'string' },
    out: { type: 'string', default: resolve(dirname(fileURLToPath(import.meta.url)), '../bench-results') },
  },
});

/** Each suite takes the contenders and options and returns result rows. */
const SUITES = [{ name: 'matmul', run: runMatmulSuite }];

// Progress goes to stderr so that `--json` leaves stdout as one JSON object.
const log = (line) => process.stderr.write(`${line}\n`);

const loadBefore = loadavg();
const threadInfo = await prepareSeqlab();
const tf = await tfjsContender();
const contenders = [...seqlabContenders(), ...(tf ? [tf] : [])];
if (!tf) log('TensorFlow.js is not installed: its rows are left out');

const options = { sizes: args.sizes.split(',').map(Number), runs: args.runs ? Number(args.runs) : undefined, log };
const results = SUITES.flatMap((suite) => suite.run(contenders, options));

const report = {
  environment: {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    // 1-minute load averages before and after: how busy the machine was with other work while this ran.
    loadAverage: { before: loadBefore[0], after: loadavg()[0] },
    seqlabWasm: threadInfo,
    tfjs: tf ? { version: tf.version, backend: 'wasm', threads: tf.threads, simd: tf.simd } : null,
  },
  results,
};
const paths = writeReport(report, args.out);
if (args.json) console.log(JSON.stringify(report));
else {
  console.log(renderMarkdown(report));
  log(`wrote ${paths.json} and ${paths.md}`);
}

// `seqlab bench kernels`: @seqlab/bench's kernel benchmark (matmul GFLOP/s and LSTM / Transformer-block training
// tokens/s per backend, TensorFlow.js beside), run in this process through the package's runKernelBenchmark.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { integerOption } from '../options.js';
import { asUserInput, UsageError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';

interface BenchOptions {
  cases?: string;
  sizes?: string;
  runs?: number;
  out: string;
  tfjsCpu?: boolean;
  gpu?: boolean;
  json?: boolean;
}

async function runKernels(opts: BenchOptions, io: CommandIO): Promise<void> {
  if (opts.sizes !== undefined && !/^\d+(,\d+)*$/.test(opts.sizes)) {
    throw new UsageError(`--sizes must be a comma-separated list of matrix sizes such as 128,256,512; received '${opts.sizes}'`);
  }
  // The bench package (with its charting and the optional TF.js) loads only when a benchmark runs.
  const bench = await import('@seqlab/bench');
  const cases = opts.cases === undefined ? undefined : await asUserInput('--cases', () => bench.parseKernelBenchCases(opts.cases as string));
  const report = await asUserInput('bench kernels', () =>
    bench.runKernelBenchmark({
      cases,
      sizes: opts.sizes?.split(',').map(Number),
      runs: opts.runs,
      tfjsCpu: opts.tfjsCpu ?? false,
      gpu: opts.gpu ?? false,
      // Progress goes to stderr so that `--json` leaves stdout as one JSON object.
      log: (line) => io.stderr.write(`${line}\n`),
    }),
  );
  const files = bench.writeKernelReport(report, resolve(opts.out));
  if (opts.json) printJson(io, report);
  else {
    io.stdout.write(bench.renderKernelMarkdown(report));
    io.stderr.write(`wrote ${files.json} and ${files.markdown}\n`);
  }
}

/** Registers `bench` on `program`. */
export function registerBench(program: Command, io: CommandIO): void {
  const bench = program.command('bench').description("@seqlab/bench's micro-benchmarks");
  bench
    .command('kernels')
    .description('matmul GFLOP/s (nn, tn, nt) and LSTM / Transformer-block training tokens/s per seqlab backend, with TensorFlow.js in the same run')
    .option('--cases <list>', 'case families, comma-separated: matmul, lstm, transformer, inference, generation (default all)')
    .option('--sizes <list>', 'matmul sizes, comma-separated (default 128,256,512,1024)')
    .option('--runs <n>', 'timed runs per case (default: chosen per size for matmul, 5 training steps)', integerOption('--runs', { min: 1 }))
    .option('--tfjs-cpu', "also time TF.js's cpu backend on the training steps (tens of seconds per step)")
    .option('--gpu', "also time seqlab's gpu backend (in Node: gpu.js's WebAssembly correctness mode unless `gl` is installed)")
    .option('--out <dir>', 'folder for kernels.json and kernels.md', 'bench-results')
    .option('--json', 'print one JSON object { environment, settings, results, targets } instead of the Markdown report')
    .addHelpText(
      'after',
      `
Examples:
  $ seqlab bench kernels
  $ seqlab bench kernels --cases matmul --sizes 128,256 --runs 5 --out bench-results --json`,
    )
    .action(async (opts: BenchOptions) => runKernels(opts, io));
}

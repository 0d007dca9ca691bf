// `seqlab bench kernels`: @seqlab/bench's kernel benchmark (matmul GFLOP/s per backend, TensorFlow.js beside).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { integerOption } from '../options.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from './command-io.js';

interface BenchOptions {
  sizes?: string;
  runs?: number;
  out?: string;
  json?: boolean;
}

/** The benchmark program the bench package runs as `bench:kernels`, beside its built entry point. */
function kernelBenchmarkScript(): string {
  const entry = fileURLToPath(import.meta.resolve('@seqlab/bench'));
  const script = join(dirname(entry), '..', 'src', 'kernels.mjs');
  if (!existsSync(script)) throw new UsageError(`the kernel benchmark is not installed with @seqlab/bench (looked for ${script}); run it from a seqlab checkout`);
  return script;
}

async function runKernels(opts: BenchOptions, io: CommandIO): Promise<void> {
  if (opts.sizes !== undefined && !/^\d+(,\d+)*$/.test(opts.sizes)) {
    throw new UsageError(`--sizes must be a comma-separated list of matrix sizes such as 128,256,512; received '${opts.sizes}'`);
  }
  const args = [kernelBenchmarkScript()];
  if (opts.json) args.push('--json');
  if (opts.sizes !== undefined) args.push('--sizes', opts.sizes);
  if (opts.runs !== undefined) args.push('--runs', String(opts.runs));
  if (opts.out !== undefined) args.push('--out', opts.out);
  // A child process keeps the benchmark's worker threads and timings apart from the CLI's own state.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(io.stdout, { end: false });
  child.stderr.pipe(io.stderr, { end: false });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the kernel benchmark exited with status ${String(code)}`);
}

/** Registers `bench` on `program`. */
export function registerBench(program: Command, io: CommandIO): void {
  const bench = program.command('bench').description("@seqlab/bench's micro-benchmarks");
  bench
    .command('kernels')
    .description('matmul GFLOP/s (nn, tn, nt) per seqlab backend, with TensorFlow.js wasm in the same run')
    .option('--sizes <list>', 'matrix sizes, comma-separated (default 128,256,512,1024)')
    .option('--runs <n>', 'timed runs per case (default: chosen per size)', integerOption('--runs', { min: 1 }))
    .option('--out <dir>', 'folder for kernels.json and kernels.md (default: the bench package results folder)')
    .option('--json', 'print one JSON object { environment, results } instead of the Markdown table')
    .addHelpText(
      'after',
      `
Examples:
  $ seqlab bench kernels
  $ seqlab bench kernels --sizes 128,256 --runs 5 --out bench-results --json`,
    )
    .action(async (opts: BenchOptions) => runKernels(opts, io));
}

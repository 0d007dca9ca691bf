// `seqlab experiment NAME`: run one of @seqlab/bench's measured experiments, writing NAME.json, NAME.md and NAME.svg.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { activateBackend, BACKEND_CHOICES, type BackendChoice } from '../backend-choice.js';
import { choiceOption, integerOption } from '../options.js';
import { formatDuration } from '../report/format.js';
import { prepareOutputFolder } from '../run-folder.js';
import { WorkProgress } from '../report/work-progress.js';
import { asUserInput, UsageError } from '../usage-error.js';
import { printJson, type CommandIO } from './command-io.js';

/** Run sizes of the bench package's experiments. */
const SIZES = ['test', 'quick', 'full'] as const;

interface ExperimentCommandOptions {
  quick?: boolean;
  size?: (typeof SIZES)[number];
  out: string;
  seed: number;
  backend: BackendChoice;
  json?: boolean;
}

async function runExperiment(name: string | undefined, opts: ExperimentCommandOptions, io: CommandIO): Promise<void> {
  // The bench package (and its charting) loads only when an experiment runs.
  const bench = await import('@seqlab/bench');
  if (name === undefined) {
    const list = bench.experiments.map((e) => ({ name: e.name, description: e.description }));
    if (opts.json) printJson(io, { experiments: list });
    else io.stdout.write(`${list.map((e) => `${io.out.bold(e.name.padEnd(12))} ${e.description}`).join('\n')}\n`);
    return;
  }
  if (!bench.experimentNames().includes(name)) {
    throw new UsageError(`unknown experiment '${name}'; the experiments are ${bench.experimentNames().join(', ')}`);
  }
  if (opts.quick && opts.size !== undefined && opts.size !== 'quick') throw new UsageError(`give --quick or --size ${opts.size}, not both`);
  const experiment = bench.getExperiment(name);
  // Checked before the experiment runs, so a file in the way cannot throw away minutes of measurements.
  const outDir = resolve(opts.out);
  prepareOutputFolder(
    '--out',
    outDir,
    ['json', 'md', 'svg'].map((ext) => `${name}.${ext}`),
  );
  const backend = await activateBackend(opts.backend);
  const progress = new WorkProgress(name, !opts.json);
  let outcome;
  try {
    outcome = await asUserInput(`experiment ${name}`, () =>
      experiment.run({
        size: opts.size ?? (opts.quick ? 'quick' : 'full'),
        outDir,
        seed: opts.seed,
        backend,
        onProgress: (e) => progress.update(e.completed, e.total, e.message),
      }),
    );
  } finally {
    progress.stop();
  }
  const { result, files } = outcome;
  if (opts.json) {
    printJson(io, { ...result, files });
    return;
  }
  io.stdout.write(`${experiment.renderMarkdown(result)}\n`);
  if (files !== null) {
    io.stderr.write(`${io.err.green('wrote')} ${files.json}, ${files.markdown} and ${files.svg} (${formatDuration(result.durationSeconds)})\n`);
  }
}

/** Registers `experiment` on `program`. */
export function registerExperiment(program: Command, io: CommandIO): void {
  program
    .command('experiment')
    .description("run one of @seqlab/bench's measured experiments (no NAME: list them)")
    .argument('[name]', 'experiment name, e.g. speed, memory, gradients, copy, adding, bottleneck')
    .option('--quick', 'the quick version: about a minute on two cores (same as --size quick)')
    .option('--size <size>', 'test (seconds, to check the files), quick, or full (default)', choiceOption('--size', SIZES))
    .option('--out <dir>', 'folder for NAME.json, NAME.md and NAME.svg', 'experiments')
    .option('--seed <n>', 'seed of every generator the experiment uses', integerOption('--seed', { min: 0 }), 0)
    .option('--backend <name>', `compute backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption('--backend', BACKEND_CHOICES), 'auto')
    .option('--json', 'print the result document as one JSON object instead of its Markdown')
    .addHelpText(
      'after',
      `
Every number is measured on this machine: NAME.json holds the environment, the settings and the
raw measurements, NAME.md the tables, NAME.svg the chart.

Examples:
  $ seqlab experiment
  $ seqlab experiment speed --quick
  $ seqlab experiment copy --quick --out results --seed 1 --backend cpu`,
    )
    .action(async (name: string | undefined, opts: ExperimentCommandOptions) => runExperiment(name, opts, io));
}

// The experiment contract: definition (measure, tables, chart), the result document, and the runner that writes
// NAME.json, NAME.md and NAME.svg.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getBackend, setBackend } from '@seqlab/tensor-core';
import { renderSvg, type ChartSpec } from './chart.js';
import { captureEnvironment, type Environment } from './environment.js';
import { formatBytes, markdownTable } from './markdown.js';
import { resolveOptions, type ExperimentOptions, type ExperimentSize } from './options.js';
import { ProgressReporter, type ProgressListener } from './progress.js';
import { now } from './timing.js';

/** What a definition's `measure` gets: the run's size, seed and backend, and a progress reporter factory. */
export interface ExperimentContext {
  /** Run size. */
  readonly size: ExperimentSize;
  /** Seed for every generator. */
  readonly seed: number;
  /** Backend name (already active while `measure` runs). */
  readonly backend: string;
  /** Output folder of the run (experiments that run others, like `claims`, write theirs beside it). */
  readonly outDir: string;
  /** Whether the run writes files. */
  readonly write: boolean;
  /** Whether `claims` reuses result files found in `outDir`. */
  readonly reuse: boolean;
  /** The listener the run reports progress to (for experiments that run others). */
  readonly onProgress: ProgressListener;
  /** Starts counting `total` units of work; report each finished unit on the returned reporter. */
  progress(total: number): ProgressReporter;
}

/** What `measure` returns: the settings it used and the raw measurements. */
export interface Measured<M> {
  /** Every setting that shaped the numbers (model sizes, steps, lengths...), JSON-serialisable. */
  readonly settings: Record<string, unknown>;
  /** Raw measurements, JSON-serialisable. */
  readonly measurements: M;
}

/** The content of `NAME.json`. */
export interface ResultDocument<M = unknown> {
  /** Experiment name. */
  readonly experiment: string;
  /** One-line description. */
  readonly description: string;
  /** The CLI command that reproduces the run. */
  readonly command: string;
  /** Run size. */
  readonly size: ExperimentSize;
  /** Seed. */
  readonly seed: number;
  /** Where it ran. */
  readonly environment: Environment;
  /** Wall-clock seconds the whole run took. */
  readonly durationSeconds: number;
  /** Settings that shaped the numbers. */
  readonly settings: Record<string, unknown>;
  /** Raw measurements. */
  readonly measurements: M;
}

/** An experiment as written: how to measure, and how to present the result as tables and one chart. */
export interface ExperimentDefinition<M> {
  /** Name used for the files and the CLI subcommand, e.g. `speed`. */
  readonly name: string;
  /** One line saying what is measured. */
  readonly description: string;
  /** Runs the measurements. */
  measure(context: ExperimentContext): Promise<Measured<M>>;
  /** Markdown body (tables, notes) for `NAME.md`, below the common header. */
  markdown(result: ResultDocument<M>): string;
  /** The Vega-Lite chart for `NAME.svg`. */
  chart(result: ResultDocument<M>): ChartSpec;
}

/** Paths of the three files a run wrote. */
export interface ResultFiles {
  /** `NAME.json`. */
  readonly json: string;
  /** `NAME.md`. */
  readonly markdown: string;
  /** `NAME.svg`. */
  readonly svg: string;
}

/** What {@link Experiment.run} returns. */
export interface ExperimentOutcome<M = unknown> {
  /** The result document (also written as `NAME.json`). */
  readonly result: ResultDocument<M>;
  /** The files written, or null when the run was asked not to write. */
  readonly files: ResultFiles | null;
}

/** A runnable experiment: what the registry holds and the CLI calls. */
export interface Experiment<M = unknown> {
  /** Name used for the files and the CLI subcommand. */
  readonly name: string;
  /** One line saying what is measured. */
  readonly description: string;
  /** Runs the experiment and (unless `write: false`) writes `NAME.json`, `NAME.md` and `NAME.svg` to `outDir`. */
  run(options?: ExperimentOptions): Promise<ExperimentOutcome<M>>;
  /** Renders the Markdown of an existing result document (the header plus the definition's tables). */
  renderMarkdown(result: ResultDocument<M>): string;
  /** Renders the SVG chart of an existing result document. */
  renderSvg(result: ResultDocument<M>): Promise<string>;
}

function commandOf(name: string, size: ExperimentSize, seed: number, backend: string): string {
  const sizeFlag = size === 'quick' ? ' --quick' : size === 'test' ? ' (test size)' : '';
  return `seqlab experiment ${name}${sizeFlag} --seed ${seed} --backend ${backend}`;
}

function header(result: ResultDocument): string {
  const env = result.environment;
  const packages = Object.entries(env.packages)
    .map(([name, version]) => `${name} ${version ?? 'not installed'}`)
    .join(', ');
  const lines = [
    `# ${result.experiment}`,
    '',
    result.description,
    '',
    `Command: \`${result.command}\` (${result.size} size, ${result.durationSeconds.toFixed(1)} s).`,
    '',
    // The chart written beside this file, so that the Markdown shows it inline (on GitHub and in the docs site).
    `![${result.experiment} chart](${result.experiment}.svg)`,
    '',
    markdownTable(
      ['environment', 'value'],
      [
        ['Node', env.node],
        ['CPU', `${env.cpuModel} (${env.cores} cores, ${formatBytes(env.totalMemoryBytes)})`],
        ['platform', env.platform],
        ['backend', env.backend],
        ['git commit', env.gitCommit === null ? 'unknown' : `${env.gitCommit}${env.gitDirty ? ' (with uncommitted changes)' : ''}`],
        ['started', env.startedAt],
        ['packages', packages],
      ],
    ),
    '',
    '## Settings',
    '',
    '```json',
    JSON.stringify(result.settings, null, 2),
    '```',
    '',
  ];
  return lines.join('\n');
}

/**
 * Wraps a definition into a runnable {@link Experiment}.
 *
 * @example
 * ```ts
 * const squares = defineExperiment<{ values: number[] }>({
 *   name: 'squares',
 *   description: 'Squares of 1…n.',
 *   async measure(ctx) {
 *     const n = bySize(ctx.size, { test: 3, quick: 10, full: 100 });
 *     const progress = ctx.progress(n);
 *     const values: number[] = [];
 *     for (let i = 1; i <= n; i++) {
 *       values.push(i * i);
 *       progress.advance(`i=${i}`);
 *     }
 *     return { settings: { n }, measurements: { values } };
 *   },
 *   markdown: (r) => markdownTable(['i', 'square'], r.measurements.values.map((v, i) => [i + 1, v])),
 *   chart: (r) =>
 *     lineChart({
 *       title: 'Squares',
 *       data: r.measurements.values.map((v, i) => ({ i: i + 1, v, s: 'square' })),
 *       x: { field: 'i', title: 'i' },
 *       y: { field: 'v', title: 'i²' },
 *       series: 's',
 *     }),
 * });
 * const { result, files } = await squares.run({ size: 'test', write: false });
 * console.assert(files === null && result.measurements.values.join() === '1,4,9');
 * console.assert(squares.renderMarkdown(result).includes('| 3 | 9 |'));
 * ```
 */
export function defineExperiment<M>(definition: ExperimentDefinition<M>): Experiment<M> {
  const renderMarkdown = (result: ResultDocument<M>): string => `${header(result as ResultDocument)}## Results\n\n${definition.markdown(result).trim()}\n`;
  const renderChartSvg = (result: ResultDocument<M>): Promise<string> => renderSvg(definition.chart(result));
  return {
    name: definition.name,
    description: definition.description,
    renderMarkdown,
    renderSvg: renderChartSvg,
    async run(options?: ExperimentOptions): Promise<ExperimentOutcome<M>> {
      const o = resolveOptions(definition.name, options);
      const previous = getBackend().name;
      const environment = captureEnvironment(o.backend);
      const start = now();
      setBackend(o.backend);
      let measured: Measured<M>;
      try {
        measured = await definition.measure({
          size: o.size,
          seed: o.seed,
          backend: o.backend,
          outDir: o.outDir,
          write: o.write,
          reuse: o.reuse,
          onProgress: o.onProgress,
          progress: (total) => new ProgressReporter(definition.name, total, o.onProgress),
        });
      } finally {
        setBackend(previous);
      }
      const result: ResultDocument<M> = {
        experiment: definition.name,
        description: definition.description,
        command: commandOf(definition.name, o.size, o.seed, o.backend),
        size: o.size,
        seed: o.seed,
        environment,
        durationSeconds: (now() - start) / 1000,
        settings: measured.settings,
        measurements: measured.measurements,
      };
      if (!o.write) return { result, files: null };
      const dir = resolve(o.outDir);
      await mkdir(dir, { recursive: true });
      const files: ResultFiles = {
        json: join(dir, `${definition.name}.json`),
        markdown: join(dir, `${definition.name}.md`),
        svg: join(dir, `${definition.name}.svg`),
      };
      await writeFile(files.json, `${JSON.stringify(result, null, 2)}\n`);
      await writeFile(files.markdown, renderMarkdown(result));
      await writeFile(files.svg, await renderChartSvg(result));
      return { result, files };
    },
  };
}

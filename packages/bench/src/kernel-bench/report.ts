// Writing kernel-benchmark results: the JSON record, and Markdown tables per metric with the targets beneath.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelBenchReport, KernelBenchRow } from './results.js';
import type { SeqlabGpuInfo } from './seqlab-contenders.js';

/** A row's contender as a column heading: `library backend`, with `×threads` for threaded backends. */
export function contenderKey(r: KernelBenchRow): string {
  const threaded = (r.library === 'seqlab' && r.backend.startsWith('wasm')) || r.library === 'onnxruntime';
  return threaded ? `${r.library} ${r.backend} ×${r.threads}` : `${r.library} ${r.backend}`;
}

/** A last column of a table: how a seqlab row (by default the best one) compares with a reference contender. */
export interface RatioColumn {
  /** Column heading. */
  readonly heading: string;
  /** The reference row among one case's rows. */
  readonly reference: (r: KernelBenchRow) => boolean;
  /** Reference over seqlab instead of seqlab over reference. */
  readonly inverted: boolean;
  /** The compared row among one case's rows; default the best seqlab row. */
  readonly subject?: (r: KernelBenchRow) => boolean;
}

const OVER_TFJS: RatioColumn = { heading: 'seqlab best / tfjs wasm', reference: (r) => r.library === 'tfjs' && r.backend === 'wasm', inverted: false };
const ONNXRUNTIME_OVER: RatioColumn = { heading: 'onnxruntime / seqlab', reference: (r) => r.library === 'onnxruntime', inverted: true };

const isInference = (r: KernelBenchRow): boolean => r.case.endsWith('-forward');

/** One decimal, or two significant digits below 0.1 (a software renderer's GFLOP/s would all read 0.0). */
function decimal(v: number): string {
  return Math.abs(v) >= 0.1 || v === 0 ? v.toFixed(1) : v.toPrecision(2);
}

function formatValue(v: number | null | undefined, metric: 'gflops' | 'tokensPerSec'): string {
  if (v === null || v === undefined) return '–';
  return metric === 'gflops' ? decimal(v) : Math.round(v).toLocaleString('en-US');
}

function ratioCell(cells: readonly KernelBenchRow[], metric: 'gflops' | 'tokensPerSec', column: RatioColumn): string {
  const subject = cells
    .filter(column.subject ?? ((r) => r.library === 'seqlab'))
    .map((r) => r[metric])
    .filter((v): v is number => typeof v === 'number');
  const reference = cells.find(column.reference)?.[metric];
  const best = Math.max(...subject);
  return subject.length > 0 && typeof reference === 'number' ? `${decimal(column.inverted ? reference / best : best / reference)}×` : '–';
}

/**
 * One table for a metric: a row per case and size, a column per contender (headed by `heading`, default
 * `library backend`, with the thread count for threaded backends), and one column per ratio.
 */
export function metricTable(
  rows: readonly KernelBenchRow[],
  metric: 'gflops' | 'tokensPerSec',
  ratios: readonly RatioColumn[] = [OVER_TFJS],
  heading: (r: KernelBenchRow) => string = contenderKey,
): string[] {
  const contenders = [...new Set(rows.map(heading))];
  const lines = [
    `| case | size | ${[...contenders, ...ratios.map((c) => c.heading)].join(' | ')} |`,
    `|---|---:|${[...contenders, ...ratios].map(() => '---:').join('|')}|`,
  ];
  const keys = [...new Set(rows.map((r) => `${r.case}\u0000${r.size}`))];
  for (const key of keys) {
    const [name, size] = key.split('\u0000');
    const cells = rows.filter((r) => r.case === name && String(r.size) === size);
    const value = (c: string): number | null | undefined => cells.find((r) => heading(r) === c)?.[metric];
    const values = contenders.map((c) => formatValue(value(c), metric));
    lines.push(`| ${name} | ${size} | ${[...values, ...ratios.map((column) => ratioCell(cells, metric, column))].join(' | ')} |`);
  }
  return lines;
}

/** Where the seqlab gpu column ran: gpu.js's mode and renderer, and that a CPU mode or software renderer is not a GPU. */
function gpuLine(gpu: SeqlabGpuInfo | undefined): string[] {
  if (gpu === undefined) return [];
  if ('error' in gpu) return [`seqlab gpu left out: ${gpu.error}.`];
  if (gpu.mode === 'webasm' || gpu.mode === 'cpu') return [`seqlab gpu: gpu.js ${gpu.mode} mode (a CPU mode for correctness tests, not a GPU).`];
  return [`seqlab gpu: gpu.js ${gpu.mode} mode on ${gpu.renderer} (${gpu.software ? 'software rendering, not a GPU' : 'a GPU'}).`];
}

/**
 * The Markdown report: environment, one table per metric, row notes, and the targets with met / not met.
 *
 * @example
 * ```ts
 * const rows: KernelBenchRow[] = [
 *   { library: 'seqlab', backend: 'wasm', threads: 2, case: 'matmul-nn', size: 512, gflops: 30, medianMs: 8.9, runs: 5, note: null },
 *   { library: 'tfjs', backend: 'wasm', threads: 1, case: 'matmul-nn', size: 512, gflops: 12, medianMs: 22.4, runs: 5, note: null },
 * ];
 * const report: KernelBenchReport = {
 *   environment: {
 *     date: '2026-01-01T00:00:00.000Z',
 *     node: 'v22.0.0',
 *     platform: 'linux-x64',
 *     cpu: 'Example CPU',
 *     cores: 2,
 *     loadAverage: { before: 0.1, after: 0.2 },
 *     seqlabWasm: null,
 *     tfjs: { version: '4.22.0', backends: ['wasm'] },
 *   },
 *   settings: { cases: ['matmul'], sizes: [512], lstm: LSTM_SHAPE, transformer: TRANSFORMER_SHAPE, timing: '1 warm-up run' },
 *   results: rows,
 *   targets: checkTargets(rows, LSTM_SHAPE, TRANSFORMER_SHAPE),
 * };
 * const md = renderKernelMarkdown(report);
 * console.assert(md.includes('## Matmul (GFLOP/s)') && md.includes('| matmul-nn | 512 | 30.0 | 12.0 | 2.5× |'));
 * ```
 */
export function renderKernelMarkdown(report: KernelBenchReport): string {
  const { environment: env, settings, results } = report;
  const tf = 'error' in env.tfjs ? env.tfjs.error : `TF.js ${env.tfjs.version} (${env.tfjs.backends.join(', ')})`;
  const lstm = settings.lstm;
  const block = settings.transformer;
  const lines = [
    '# Kernel benchmark',
    '',
    `${env.cpu} (${env.cores} cores), Node ${env.node}, ${env.date}; load average ${env.loadAverage.before.toFixed(2)} before, ${env.loadAverage.after.toFixed(2)} after. ${tf}.`,
    `Medians after warm-up (${settings.timing}); matmul runs interleaved across contenders.`,
    ...gpuLine(env.seqlabGpu),
    '',
  ];
  const matmul = results.filter((r) => r.gflops !== undefined && !isInference(r));
  if (matmul.length > 0) lines.push('## Matmul (GFLOP/s)', '', ...metricTable(matmul, 'gflops'), '');
  const training = results.filter((r) => r.tokensPerSec !== undefined && !isInference(r));
  if (training.length > 0) {
    lines.push(
      '## Training steps (tokens/s)',
      '',
      `LSTM LM: batch ${lstm.batch}, T ${lstm.length}, embedding ${lstm.embeddingSize}, hidden ${lstm.hiddenSize}, vocabulary ${lstm.vocabSize}; embedding → LSTM → Linear → cross-entropy → backward → Adam.`,
      `Transformer block: batch ${block.batch}, T ${block.length}, d ${block.dModel}, ${block.heads} heads, feed-forward ${block.ffnWidth}, ${block.causal ? 'causal mask' : 'no mask'}, post-norm, ReLU, no dropout; embedded input → block → Linear (${block.vocabSize}) → cross-entropy → backward → Adam.`,
      '',
      ...metricTable(training, 'tokensPerSec'),
      '',
    );
  }
  const inference = results.filter(isInference);
  if (inference.length > 0) {
    const info = env.onnxruntime;
    const ort = info === undefined ? 'did not run' : 'error' in info ? info.error : info.version;
    const tokens = inference.filter((r) => r.tokensPerSec !== undefined);
    const flops = inference.filter((r) => r.gflops !== undefined);
    lines.push(
      '## Inference (forward only)',
      '',
      `LSTM LM (batch ${lstm.batch}, T ${lstm.length}, embedding ${lstm.embeddingSize}, hidden ${lstm.hiddenSize}) and ` +
        `Transformer block (batch ${block.batch}, T ${block.length}, d ${block.dModel}, ${block.heads} heads, ${block.causal ? 'causal' : 'no mask'}, ` +
        `without a head) forward only, and an n×n matmul, on seqlab wasm and in onnxruntime-node (${ort}) running the model exported by ` +
        `\`@seqlab/onnx\` (graph optimisation 'all'), interleaved call by call; outputs read back inside the timing.`,
      '',
    );
    if (tokens.length > 0) lines.push(...metricTable(tokens, 'tokensPerSec', [ONNXRUNTIME_OVER]), '');
    const flopsTable = metricTable(flops, 'gflops', [ONNXRUNTIME_OVER]).map((l) => l.replace('| case | size |', '| case (GFLOP/s) | size |'));
    if (flops.length > 0) lines.push(...flopsTable, '');
  }
  const notes = results.filter((r) => r.note !== null);
  if (notes.length > 0) {
    lines.push('Notes:', '', ...notes.map((r) => `- ${contenderKey(r)}, ${r.case} ${r.size}: ${r.note}`), '');
  }
  lines.push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'met' : 'not met'} |`);
  lines.push('');
  return lines.join('\n');
}

/** Paths written by {@link writeKernelReport}. */
export interface KernelReportFiles {
  /** `DIR/kernels.json`. */
  readonly json: string;
  /** `DIR/kernels.md`. */
  readonly markdown: string;
}

/** Writes `DIR/NAME.json` (the record, indented) and `DIR/NAME.md` under `dir`, created when missing; returns their paths. */
export function writeReportFiles(dir: string, name: string, record: unknown, markdown: string): KernelReportFiles {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, `${name}.json`), markdown: join(dir, `${name}.md`) };
  writeFileSync(files.json, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(files.markdown, markdown);
  return files;
}

/**
 * Writes `kernels.json` and `kernels.md` under `dir` (created when missing); returns their paths.
 *
 * @example
 * ```ts
 * const report = await runKernelBenchmark({ cases: ['matmul'], sizes: [128] });
 * const files = writeKernelReport(report, 'bench-results');
 * console.log(files.json, files.markdown); // bench-results/kernels.json, bench-results/kernels.md
 * ```
 */
export function writeKernelReport(report: KernelBenchReport, dir: string): KernelReportFiles {
  return writeReportFiles(dir, 'kernels', report, renderKernelMarkdown(report));
}

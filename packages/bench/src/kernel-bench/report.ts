// Writing kernel-benchmark results: the JSON record, and Markdown tables per metric with the targets beneath.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelBenchReport, KernelBenchRow } from './results.js';
import type { SeqlabGpuInfo } from './seqlab-contenders.js';
import { ceilingNeed, MATMUL_TARGET, RATIO_TARGETS } from './targets.js';
import { lstmTrainingFlops, transformerTrainingFlops } from './training-shapes.js';

/**
 * A row's numeric measure: GFLOP/s, tokens/s, useful GFLOP/s of a training step, ms per generated token (lower is
 * better), or the GFLOP/s of the matmul timed between a row's training steps.
 */
export type RowMetric = 'gflops' | 'tokensPerSec' | 'usefulGflops' | 'msPerToken' | 'pairedMatmulGflops';

/** A row's contender as a column heading: `library backend`, with `×threads` for threaded backends. */
export function contenderKey(r: KernelBenchRow): string {
  const threaded = (r.library === 'seqlab' && r.backend.startsWith('wasm')) || r.library === 'onnxruntime' || r.library === 'wasm';
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
  /** Rows to find the reference in, when it is not among the case's own rows (another case's row). */
  readonly among?: readonly KernelBenchRow[];
  /** The reference's metric, when it differs from the table's. */
  readonly referenceMetric?: RowMetric;
}

const OVER_TFJS: RatioColumn = { heading: 'seqlab best / tfjs wasm', reference: (r) => r.library === 'tfjs' && r.backend === 'wasm', inverted: false };
const ONNXRUNTIME_OVER: RatioColumn = { heading: 'onnxruntime / seqlab', reference: (r) => r.library === 'onnxruntime', inverted: true };

const isInference = (r: KernelBenchRow): boolean => r.case.endsWith('-forward');
const isPeak = (r: KernelBenchRow): boolean => r.case.startsWith('simd-peak-');

/** One decimal, or two significant digits below 0.1 (a software renderer's GFLOP/s would all read 0.0). */
function decimal(v: number): string {
  return Math.abs(v) >= 0.1 || v === 0 ? v.toFixed(1) : v.toPrecision(2);
}

/** A ratio: two decimals from 0.1 to 10, where the targets' thresholds (0.6×, 0.8×) sit and one decimal would hide a miss. */
function ratio(v: number): string {
  return Math.abs(v) >= 0.1 && Math.abs(v) < 10 ? v.toFixed(2) : decimal(v);
}

function formatValue(v: number | null | undefined, metric: RowMetric): string {
  if (v === null || v === undefined) return '–';
  if (metric === 'msPerToken') return v.toFixed(2);
  return metric === 'tokensPerSec' ? Math.round(v).toLocaleString('en-US') : decimal(v);
}

function ratioCell(cells: readonly KernelBenchRow[], metric: RowMetric, column: RatioColumn): string {
  const subject = cells
    .filter(column.subject ?? ((r) => r.library === 'seqlab'))
    .map((r) => r[metric])
    .filter((v): v is number => typeof v === 'number');
  const reference = (column.among ?? cells).find(column.reference)?.[column.referenceMetric ?? metric];
  // For ms per token the best is the smallest, and a speed ratio is the time ratio the other way round.
  const lowerIsBetter = metric === 'msPerToken';
  const best = lowerIsBetter ? Math.min(...subject) : Math.max(...subject);
  const flipped = column.inverted !== lowerIsBetter;
  return subject.length > 0 && typeof reference === 'number' ? `${ratio(flipped ? reference / best : best / reference)}×` : '–';
}

/**
 * One table for a metric: a row per case and size, a column per contender (headed by `heading`, default
 * `library backend`, with the thread count for threaded backends), and one column per ratio.
 */
export function metricTable(
  rows: readonly KernelBenchRow[],
  metric: RowMetric,
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

const GFLOP = 1e9;

/** Training useful GFLOP/s per contender, the FLOP count in words, and the ratio to the same run's matmul-nn 512. */
function efficiencySection(report: KernelBenchReport, training: readonly KernelBenchRow[]): string[] {
  const { lstm, transformer: block } = report.settings;
  const wasmThreads = Math.max(0, ...training.filter((r) => r.library === 'seqlab' && r.backend === 'wasm').map((r) => r.threads));
  const matmulHeading = `seqlab wasm ×${wasmThreads} / its matmul-nn ${MATMUL_TARGET.size}`;
  const matmulRows = report.results.filter((r) => r.case === 'matmul-nn' && r.size === MATMUL_TARGET.size);
  const column: RatioColumn = {
    heading: matmulHeading,
    subject: (r) => r.library === 'seqlab' && r.backend === 'wasm',
    reference: (r) => r.library === 'seqlab' && r.backend === 'wasm' && r.threads === wasmThreads,
    among: matmulRows,
    referenceMetric: 'gflops',
    inverted: false,
  };
  const paired: RatioColumn = {
    heading: `seqlab wasm ×${wasmThreads} / its matmul-nn ${MATMUL_TARGET.size} between the steps`,
    subject: column.subject,
    reference: column.reference,
    referenceMetric: 'pairedMatmulGflops',
    inverted: false,
  };
  const matmul = matmulRows.find(column.reference)?.gflops;
  const pairedRows = training.filter((r) => typeof r.pairedMatmulGflops === 'number' && column.reference(r));
  return [
    '## Training efficiency (useful GFLOP/s)',
    '',
    `Useful FLOPs per step: the forward matrix products × 3 (forward, plus the input and weight gradients). LSTM LM: ` +
      `3·batch·T·(2·4H·(E + H) + 2·H·V), the input, recurrent and head products = ${(lstmTrainingFlops(lstm) / GFLOP).toFixed(2)} GFLOP. ` +
      `Transformer block: 3·batch·T·(2·d·4d + 2·2·d·f + 2·d·V + 2·2·T·d), the q/k/v, output, feed-forward and head ` +
      `products and attention's Q·Kᵀ and A·V over all T keys (the causal half not subtracted) = ${(transformerTrainingFlops(block) / GFLOP).toFixed(2)} GFLOP. ` +
      `Not counted: embedding lookups, gate nonlinearities, LayerNorm, softmax, the mask, residual adds, the loss and Adam. ` +
      (typeof matmul === 'number'
        ? `The ratio is to seqlab wasm ×${wasmThreads}'s matmul-nn ${MATMUL_TARGET.size} in this run: ${decimal(matmul)} GFLOP/s.`
        : `No matmul-nn ${MATMUL_TARGET.size} row for seqlab wasm in this run (run the matmul case with size ${MATMUL_TARGET.size}), so no ratio.`) +
      (pairedRows.length > 0
        ? ` The last column is to the same ${MATMUL_TARGET.size}³ product timed between the training steps (` +
          pairedRows.map((r) => `${decimal(r.pairedMatmulGflops as number)} GFLOP/s in ${r.case}`).join(', ') +
          `): the machine's speed moves in phases, and this reference shares the steps' seconds. The targets judge that one.`
        : ''),
    '',
    ...metricTable(training, 'usefulGflops', pairedRows.length > 0 ? [column, paired] : [column]),
    '',
  ];
}

/** The wasm SIMD peak per form and thread count: the ceiling of every wasm row. */
function peakSection(rows: readonly KernelBenchRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '## Machine ceiling (wasm SIMD peak, GFLOP/s)',
    '',
    'A loop of 12 independent 4-lane multiply-add chains (plain `f32x4.mul` + `f32x4.add`, and `f32x4.relaxed_madd` where the engine has relaxed SIMD) ' +
      'on 1 and 2 worker threads at once: the most 128-bit wasm SIMD does on this machine. No wasm kernel can beat it; native code with wider vectors ' +
      '(onnxruntime uses AVX2 or AVX-512 where the CPU has them) is not bound by it.',
    '',
    ...metricTable(rows, 'gflops', []),
    '',
  ];
}

/** For each forward case, the useful GFLOP/s that the inference target asks, against the wasm ceiling. */
function ceilingLines(rows: readonly KernelBenchRow[]): string[] {
  const cases = [
    ['lstm-forward', 'the LSTM LM forward'],
    ['transformer-forward', 'the Transformer block forward'],
  ] as const;
  const matmul = rows.find((r) => r.case === 'matmul-forward' && r.size === MATMUL_TARGET.size && r.library === 'seqlab')?.gflops;
  return cases.flatMap(([name, words]) => {
    const need = ceilingNeed(rows, name);
    if (need === undefined) return [];
    const mm =
      typeof matmul === 'number' ? ` and ${(need.needed / matmul).toFixed(2)}× seqlab's own matmul-forward ${MATMUL_TARGET.size} in the table above` : '';
    return [
      `At ${RATIO_TARGETS.inference}× onnxruntime's tokens/s, ${words} would run at ${decimal(need.needed)} useful GFLOP/s: ` +
        `${(need.needed / need.peak).toFixed(2)}× the best wasm SIMD peak measured here (${decimal(need.peak)} GFLOP/s, ${need.peakLabel})${mm}; ` +
        `onnxruntime itself ran it at ${decimal(need.onnxruntime)}.`,
      '',
    ];
  });
}

/** ms per generated token at batch 1, with the models, lengths and how onnxruntime steps. */
function generationSection(report: KernelBenchReport): string[] {
  const rows = report.results.filter((r) => r.msPerToken !== undefined);
  const shapes = report.settings.generation;
  if (rows.length === 0 || shapes === undefined) return [];
  const { lstm, transformer: t } = shapes;
  const info = report.environment.onnxruntime;
  const ort = info === undefined ? 'did not run' : 'error' in info ? info.error : info.version;
  return [
    '## Generation (ms per token, batch 1)',
    '',
    `Greedy \`generate\` at batch 1 on seqlab wasm, at its thread count and on one thread (no gradients; the Transformer with its KV cache), against onnxruntime-node (${ort}) ` +
      `stepping the model exported by \`exportOnnxStep\` (h/c, or past/present keys and values fed back each call; argmax in JavaScript), interleaved call by call. ` +
      `LSTM LM: vocabulary ${lstm.vocabSize}, embedding ${lstm.embeddingSize}, ${lstm.layers} layers of ${lstm.hiddenSize}, ${lstm.tokens} tokens after a prompt of ${lstm.prompt}. ` +
      `Transformer LM: ${t.layers} layers, ${t.heads} heads, width ${t.dModel}, context ${t.context}, vocabulary ${t.vocabSize}, ${t.tokens} tokens after a prompt of ${t.prompt} ` +
      `(prompt + tokens ≤ context, so every token is one cached step). ms/token = median call / tokens, the prompt's call included; the first calls are untimed warm-ups.`,
    '',
    ...metricTable(rows, 'msPerToken', [ONNXRUNTIME_OVER]).map((l) => l.replace('| case | size |', '| case (ms/token) | tokens |')),
    '',
  ];
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
 * console.assert(md.includes('## Matmul (GFLOP/s)') && md.includes('| matmul-nn | 512 | 30.0 | 12.0 | 2.50× |'));
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
  lines.push(...peakSection(results.filter(isPeak)));
  const matmul = results.filter((r) => r.gflops !== undefined && !isInference(r) && !isPeak(r));
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
    lines.push(...efficiencySection(report, training));
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
    const useful = inference.filter((r) => r.usefulGflops !== undefined);
    if (useful.length > 0) {
      lines.push(
        'Useful GFLOP/s of the forward passes (their matrix products: LSTM LM 2·4H·(E + H) + 2·H·V per token; Transformer block 2·d·4d + 2·2·d·f + 2·2·T·d per token):',
        '',
        ...metricTable(useful, 'usefulGflops', [ONNXRUNTIME_OVER]).map((l) => l.replace('| case | size |', '| case (useful GFLOP/s) | size |')),
        '',
      );
    }
    const flopsTable = metricTable(flops, 'gflops', [ONNXRUNTIME_OVER]).map((l) => l.replace('| case | size |', '| case (GFLOP/s) | size |'));
    if (flops.length > 0) lines.push(...flopsTable, '');
    lines.push(...ceilingLines(results));
  }
  lines.push(...generationSection(report));
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

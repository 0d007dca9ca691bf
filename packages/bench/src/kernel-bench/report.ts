// Writing kernel-benchmark results: the JSON record, and Markdown tables per metric with the targets beneath.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelBenchReport, KernelBenchRow } from './results.js';

function contenderKey(r: KernelBenchRow): string {
  return r.library === 'seqlab' && r.backend === 'wasm' ? `seqlab wasm ×${r.threads}` : `${r.library} ${r.backend}`;
}

function formatValue(v: number | null | undefined, metric: 'gflops' | 'tokensPerSec'): string {
  if (v === null || v === undefined) return '–';
  return metric === 'gflops' ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

/** One table for a metric: a row per case and size, a column per contender, and seqlab's best over TF.js wasm. */
function metricTable(rows: readonly KernelBenchRow[], metric: 'gflops' | 'tokensPerSec'): string[] {
  const contenders = [...new Set(rows.map(contenderKey))];
  const lines = [`| case | size | ${contenders.join(' | ')} | seqlab best / tfjs wasm |`, `|---|---:|${contenders.map(() => '---:').join('|')}|---:|`];
  const keys = [...new Set(rows.map((r) => `${r.case}\u0000${r.size}`))];
  for (const key of keys) {
    const [name, size] = key.split('\u0000');
    const cells = rows.filter((r) => r.case === name && String(r.size) === size);
    const value = (c: string): number | null | undefined => cells.find((r) => contenderKey(r) === c)?.[metric];
    const seqlab = cells.filter((r) => r.library === 'seqlab').map((r) => r[metric]).filter((v): v is number => typeof v === 'number');
    const tf = cells.find((r) => r.library === 'tfjs' && r.backend === 'wasm')?.[metric];
    const ratio = seqlab.length > 0 && typeof tf === 'number' ? `${(Math.max(...seqlab) / tf).toFixed(1)}×` : '–';
    lines.push(`| ${name} | ${size} | ${contenders.map((c) => formatValue(value(c), metric)).join(' | ')} | ${ratio} |`);
  }
  return lines;
}

/** The Markdown report: environment, one table per metric, row notes, and the targets with met / not met. */
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
    '',
  ];
  const matmul = results.filter((r) => r.gflops !== undefined);
  if (matmul.length > 0) lines.push('## Matmul (GFLOP/s)', '', ...metricTable(matmul, 'gflops'), '');
  const training = results.filter((r) => r.tokensPerSec !== undefined);
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

/** Writes `kernels.json` and `kernels.md` under `dir` (created when missing); returns their paths. */
export function writeKernelReport(report: KernelBenchReport, dir: string): KernelReportFiles {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'kernels.json');
  const markdown = join(dir, 'kernels.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderKernelMarkdown(report));
  return { json, markdown };
}

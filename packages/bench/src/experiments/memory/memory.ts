// Experiment `memory`: peak live-tensor bytes (the backend's counter) and process memory of one LSTM and one
// Transformer training step against sequence length, with the fitted growth exponent of each.
import { memory as backendMemory, randint, resetPeakMemory, setFusedEnabled, Generator } from '@seqlab/tensor-core';
import { lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { formatBytes, markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import type { ModelKind } from '../shared/sequence-model.js';
import { timingModel, TIMING_VOCAB } from '../shared/timing-model.js';
import { startGpuRows, withBackend, type GpuRowsInfo, type GpuRowsUnavailable } from '../shared/gpu-backend.js';
import type { ProgressReporter } from '../framework/progress.js';
import { now } from '../framework/timing.js';
import { logLogSlope, sequenceCrossEntropy } from '../shared/losses.js';

/** One training step's memory at one length. */
export interface MemoryRow {
  /** `LSTM`, `Transformer` (fused attention kernel where the backend has one) or `Transformer (composed attention)`. */
  readonly model: string;
  /** Sequence length T. */
  readonly length: number;
  /** Peak live-tensor bytes during the step above the bytes alive before it (the backend's counter). */
  readonly peakTensorBytes: number;
  /** Growth of the process's ArrayBuffer memory from before the step to after the forward pass (graph held). */
  readonly arrayBufferBytes: number;
  /** Resident set size after the step. */
  readonly rssBytes: number;
}

/** Fitted exponent p of peak tensor bytes ∝ T^p for one model. */
export interface GrowthExponent {
  /** Model label. */
  readonly model: string;
  /** p over every length. */
  readonly all: number;
  /** p over the longest half of the lengths, where the leading term dominates. */
  readonly longestHalf: number;
}

/** Measurements of `memory`. */
export interface MemoryMeasurements {
  /** Every row. */
  readonly rows: MemoryRow[];
  /** Least-squares exponent p of peak tensor bytes ∝ T^p per model, over all lengths and over the longest half. */
  readonly exponents: GrowthExponent[];
  /** Whether a garbage collection could be forced before each step (node --expose-gc); without it the counter also holds garbage. */
  readonly gcForced: boolean;
  /** The gpu backend behind `gpuRows` (mode, renderer, label), or why it could not start. */
  readonly gpu: GpuRowsInfo | GpuRowsUnavailable;
  /** The same step on the gpu backend (its live-tensor counter), at `settings.gpuLengths`. */
  readonly gpuRows: MemoryRow[];
}

const SIZES = {
  test: { lengths: [4, 8, 16], gpuLengths: [4], batch: 2, hiddenSize: 16, embeddingSize: 8, heads: 2, gpuCapSeconds: 30 },
  quick: { lengths: [50, 100, 200, 400, 800], gpuLengths: [50], batch: 4, hiddenSize: 64, embeddingSize: 32, heads: 4, gpuCapSeconds: 5 },
  full: { lengths: [50, 100, 200, 500, 1000], gpuLengths: [50, 100], batch: 16, hiddenSize: 128, embeddingSize: 64, heads: 4, gpuCapSeconds: 10 },
};
/**
 * The models measured: the Transformer once with the fused kernels (attention and LayerNorm, when the backend has them) and
 * once with fused paths off (`setFusedEnabled(false)`), whose composed attention materialises the T×T scores.
 */
const MODELS: { label: string; kind: ModelKind; fusedAttention: boolean }[] = [
  { label: 'LSTM', kind: 'LSTM', fusedAttention: true },
  { label: 'Transformer', kind: 'Transformer', fusedAttention: true },
  { label: 'Transformer (composed attention)', kind: 'Transformer', fusedAttention: false },
];

function collect(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}

/** Sizes of one backend's memory rows. */
interface MemoryRowSizes {
  readonly lengths: number[];
  readonly batch: number;
  readonly hiddenSize: number;
  readonly embeddingSize: number;
  readonly heads: number;
  /** The backend whose counter is read (active while the rows run). */
  readonly backend: string;
  readonly seed: number;
  /** A model's longer lengths are skipped once one of its steps took longer than this many seconds. */
  readonly capSeconds: number;
}

/** One training step's memory for every model in {@link MODELS} at each length on the active backend. */
async function memoryRows(s: MemoryRowSizes, progress: ProgressReporter): Promise<{ rows: MemoryRow[]; gcForced: boolean }> {
  const rows: MemoryRow[] = [];
  let gcForced = true;
  for (const { label, kind, fusedAttention } of MODELS) {
    const previous = setFusedEnabled(fusedAttention);
    const model = timingModel(kind, s, s.seed);
    try {
      // Fused recurrent kernels keep only what BPTT needs; the memory of the layer as users run it is what counts.
      for (const length of s.lengths) {
        progress.status(`${label} T=${length} (${s.backend})`);
        const g = new Generator(s.seed + length);
        const x = randint(0, TIMING_VOCAB, [s.batch, length], { generator: g });
        const y = randint(0, TIMING_VOCAB, [s.batch, length], { generator: g });
        for (const p of model.parameters()) p.grad = null;
        gcForced = collect() && gcForced;
        const before = backendMemory(s.backend).bytes;
        const buffersBefore = process.memoryUsage().arrayBuffers;
        resetPeakMemory(s.backend);
        const t0 = now();
        const loss = sequenceCrossEntropy(model.forward(x), y);
        const buffersForward = process.memoryUsage().arrayBuffers;
        loss.backward();
        const peak = backendMemory(s.backend).peakBytes;
        rows.push({
          model: label,
          length,
          peakTensorBytes: peak - before,
          arrayBufferBytes: Math.max(0, buffersForward - buffersBefore),
          rssBytes: process.memoryUsage().rss,
        });
        progress.advance(`${label} T=${length} (${s.backend})`);
        if ((now() - t0) / 1000 > s.capSeconds) break;
      }
    } finally {
      setFusedEnabled(previous);
    }
  }
  return { rows, gcForced };
}

/**
 * The `memory` experiment.
 *
 * @example
 * ```ts
 * console.assert(memoryExperiment.name === 'memory' && memoryExperiment.description.length > 0);
 * // Writes memory.json, memory.md and memory.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await memoryExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const memoryExperiment = defineExperiment<MemoryMeasurements>({
  name: 'memory',
  description:
    'Peak live-tensor bytes (from the backend counter) and process memory of one training step against sequence length for an LSTM and a Transformer encoder: O(T·d) against O(T²), measured.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const progress = ctx.progress(MODELS.length * (s.lengths.length + s.gpuLengths.length));
    const { rows, gcForced } = await memoryRows({ ...s, backend: ctx.backend, seed: ctx.seed, capSeconds: Number.POSITIVE_INFINITY }, progress);
    // The gpu backend's rows (software in Node unless headless-gl is installed): fewer lengths, and a time cap.
    const gpu = await startGpuRows();
    let gpuRows: MemoryRow[] = [];
    let gpuInfo: GpuRowsInfo | GpuRowsUnavailable = gpu;
    if (!('error' in gpu)) {
      try {
        gpuRows = (
          await withBackend('gpu', () => memoryRows({ ...s, lengths: s.gpuLengths, backend: 'gpu', seed: ctx.seed, capSeconds: s.gpuCapSeconds }, progress))
        ).rows;
      } catch (e) {
        gpuInfo = { error: `gpu run failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
      }
    }
    const exponents = MODELS.map(({ label: model }) => {
      const r = rows.filter((row) => row.model === model);
      const half = r.slice(Math.floor(r.length / 2));
      return {
        model,
        all: logLogSlope(
          r.map((x) => x.length),
          r.map((x) => x.peakTensorBytes),
        ),
        longestHalf: logLogSlope(
          half.map((x) => x.length),
          half.map((x) => x.peakTensorBytes),
        ),
      };
    });
    return {
      settings: {
        ...s,
        vocabSize: TIMING_VOCAB,
        step: 'forward + cross-entropy + backward (no optimizer state)',
        transformer: { layers: 1, heads: s.heads, width: s.hiddenSize },
      },
      measurements: { rows, exponents, gcForced, gpu: gpuInfo, gpuRows },
    };
  },
  markdown(result: ResultDocument<MemoryMeasurements>) {
    const m = result.measurements;
    return [
      markdownTable(
        ['model', 'T', 'peak tensor bytes', 'peak tensor', 'ArrayBuffer growth', 'RSS after'],
        m.rows.map((r) => [r.model, r.length, r.peakTensorBytes, formatBytes(r.peakTensorBytes), formatBytes(r.arrayBufferBytes), formatBytes(r.rssBytes)]),
      ),
      '',
      'Fitted exponent p in peak bytes ∝ T^p (1 = linear, 2 = quadratic):',
      '',
      markdownTable(
        ['model', 'p (all lengths)', 'p (longest half)'],
        m.exponents.map((e) => [e.model, e.all, e.longestHalf]),
      ),
      '',
      m.gcForced
        ? 'A garbage collection was forced before each step.'
        : 'No garbage collection could be forced (run node with --expose-gc): the counter also holds garbage of earlier steps.',
      ...gpuSection(m, result.settings as { gpuLengths?: number[]; gpuCapSeconds?: number }),
    ].join('\n');
  },
  chart(result: ResultDocument<MemoryMeasurements>) {
    const data: ChartRow[] = result.measurements.rows.flatMap((r) => [
      { model: r.model, T: r.length, MiB: r.peakTensorBytes / 2 ** 20, measure: 'peak live-tensor bytes' },
      { model: r.model, T: r.length, MiB: Math.max(r.arrayBufferBytes, 1) / 2 ** 20, measure: 'ArrayBuffer growth (process)' },
    ]);
    return lineChart({
      title: 'Training-step memory against sequence length',
      data,
      x: { field: 'T', title: 'sequence length T', log: true },
      y: { field: 'MiB', title: 'MiB', log: true },
      series: 'model',
      column: { field: 'measure', title: '' },
    });
  },
});

/** The Markdown of the gpu rows: what ran them, their table, and what they can show. */
function gpuSection(m: MemoryMeasurements, settings: { gpuLengths?: number[]; gpuCapSeconds?: number }): string[] {
  if (m.gpu === undefined) return [];
  if ('error' in m.gpu) return ['', `gpu rows: not measured (${m.gpu.error}).`];
  return [
    '',
    `### gpu backend (${m.gpu.label})`,
    '',
    `These rows ${m.gpu.note}. The counter is the gpu backend's live-tensor bytes (textures, or typed arrays in gpu.js's CPU modes; int32 tensors, which the gpu backend keeps in host arrays, are counted too). To keep the run short the rows use T = ${settings.gpuLengths?.join(', ')} only, and a model's longer lengths are skipped once one of its steps took over ${settings.gpuCapSeconds} s.`,
    '',
    markdownTable(
      ['model', 'T', 'peak tensor bytes', 'peak tensor'],
      (m.gpuRows ?? []).map((r) => [r.model, r.length, r.peakTensorBytes, formatBytes(r.peakTensorBytes)]),
    ),
  ];
}

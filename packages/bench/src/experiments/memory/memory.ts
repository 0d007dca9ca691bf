// Experiment `memory`: peak live-tensor bytes (the backend's counter) and process memory of one LSTM and one
// Transformer training step against sequence length, with the fitted growth exponent of each.
import { memory as backendMemory, randint, resetPeakMemory, setFusedEnabled, Generator } from '@seqlab/tensor-core';
import { lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { formatBytes, markdownTable } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { SequenceModel, type ModelKind } from '../shared/sequence-model.js';
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
}

const SIZES = {
  test: { lengths: [4, 8, 16], batch: 2, hiddenSize: 16, embeddingSize: 8, heads: 2 },
  quick: { lengths: [50, 100, 200, 400, 800], batch: 4, hiddenSize: 64, embeddingSize: 32, heads: 4 },
  full: { lengths: [50, 100, 200, 500, 1000], batch: 16, hiddenSize: 128, embeddingSize: 64, heads: 4 },
};
const VOCAB = 65;
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
    const progress = ctx.progress(MODELS.length * s.lengths.length);
    const rows: MemoryRow[] = [];
    let gcForced = true;
    for (const { label, kind, fusedAttention } of MODELS) {
      const previous = setFusedEnabled(fusedAttention);
      const model = new SequenceModel({
        kind,
        vocabSize: VOCAB,
        embeddingSize: s.embeddingSize,
        hiddenSize: s.hiddenSize,
        outputSize: VOCAB,
        heads: s.heads,
        maxLength: Math.max(...s.lengths),
        seed: ctx.seed,
      });
      try {
        // Fused recurrent kernels keep only what BPTT needs; the memory of the layer as users run it is what counts.
        for (const length of s.lengths) {
          progress.status(`${label} T=${length}`);
          const g = new Generator(ctx.seed + length);
          const x = randint(0, VOCAB, [s.batch, length], { generator: g });
          const y = randint(0, VOCAB, [s.batch, length], { generator: g });
          for (const p of model.parameters()) p.grad = null;
          gcForced = collect() && gcForced;
          const before = backendMemory(ctx.backend).bytes;
          const buffersBefore = process.memoryUsage().arrayBuffers;
          resetPeakMemory(ctx.backend);
          const loss = sequenceCrossEntropy(model.forward(x), y);
          const buffersForward = process.memoryUsage().arrayBuffers;
          loss.backward();
          const peak = backendMemory(ctx.backend).peakBytes;
          rows.push({
            model: label,
            length,
            peakTensorBytes: peak - before,
            arrayBufferBytes: Math.max(0, buffersForward - buffersBefore),
            rssBytes: process.memoryUsage().rss,
          });
          progress.advance(`${label} T=${length}`);
        }
      } finally {
        setFusedEnabled(previous);
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
        vocabSize: VOCAB,
        step: 'forward + cross-entropy + backward (no optimizer state)',
        transformer: { layers: 1, heads: s.heads, width: s.hiddenSize },
      },
      measurements: { rows, exponents, gcForced },
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

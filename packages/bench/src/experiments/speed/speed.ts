// Experiment `speed`: forward and training-step time and tokens/s against sequence length for RNN, LSTM, GRU and a
// matched-width Transformer encoder, with TensorFlow.js LSTM and Transformer rows measured side by side.
import { AdamW, noGrad } from '@seqlab/autograd';
import { Generator, randint } from '@seqlab/tensor-core';
import { lineChart, type ChartRow } from '../framework/chart.js';
import { defineExperiment, type ResultDocument } from '../framework/experiment.js';
import { markdownTable, type Cell } from '../framework/markdown.js';
import { bySize } from '../framework/options.js';
import { now, timeMedian } from '../framework/timing.js';
import { MODEL_KINDS } from '../shared/sequence-model.js';
import { timingModel, TIMING_VOCAB } from '../shared/timing-model.js';
import { startGpuRows, withBackend, type GpuRowsInfo, type GpuRowsUnavailable } from '../shared/gpu-backend.js';
import type { ProgressReporter } from '../framework/progress.js';
import { sequenceCrossEntropy } from '../shared/losses.js';
import { loadTfjs, tfjsLstm, tfjsTransformer, type LoadedTfjs, type TfjsModelSizes } from './tfjs-models.js';

/** One row of the speed table: a model on one library at one length. */
export interface SpeedRow {
  /** `seqlab` or `tfjs`. */
  readonly library: string;
  /** Model family. */
  readonly model: string;
  /** The library's backend that ran the row (seqlab `cpu`/`wasm`, TF.js `wasm`/`cpu`). */
  readonly backend: string;
  /** Sequence length T. */
  readonly length: number;
  /** Median forward time (ms), or null when not measured. */
  readonly forwardMs: number | null;
  /** Median training-step time (forward, loss, backward, AdamW update) in ms, or null. */
  readonly trainStepMs: number | null;
  /** Tokens per second in the forward pass (batch·T / forward time). */
  readonly forwardTokensPerSecond: number | null;
  /** Tokens per second in training. */
  readonly trainTokensPerSecond: number | null;
  /** Why the row has no numbers (TF.js missing, length skipped over the time cap), else null. */
  readonly note: string | null;
}

/** The TF.js that ran the side-by-side rows. */
export interface TfjsInfo {
  /** `tf.version.tfjs`. */
  readonly version: string;
  /** The backend it started on. */
  readonly backend: string;
  /** Why and to which backend it fell back, or null. */
  readonly fallback: string | null;
}

/** Why TF.js could not be loaded. */
export interface TfjsUnavailable {
  /** The import error. */
  readonly error: string;
}

/** Measurements of `speed`. */
export interface SpeedMeasurements {
  /** Every row. */
  readonly rows: SpeedRow[];
  /** TF.js version and the backend it started on, or why it was not available. */
  readonly tfjs: TfjsInfo | TfjsUnavailable;
  /** The gpu backend behind the gpu rows (mode, renderer, label), or why it could not start. */
  readonly gpu: GpuRowsInfo | GpuRowsUnavailable;
  /** seqlab's rows on the gpu backend (`backend` holds the gpu label), at `settings.gpuLengths` under `settings.gpuCapSeconds`. */
  readonly gpuRows: SpeedRow[];
}

/** A row for a model and length that was not measured, with the reason in `note`. */
function unmeasured(library: SpeedRow['library'], model: string, backend: string, length: number, note: string | null): SpeedRow {
  return { library, model, backend, length, forwardMs: null, trainStepMs: null, forwardTokensPerSecond: null, trainTokensPerSecond: null, note };
}

/** A measured row: times per batch of `batch` sequences of `length` tokens, and the tokens per second they give. */
function measuredRow(
  library: SpeedRow['library'],
  model: string,
  backend: string,
  length: number,
  batch: number,
  forwardMs: number,
  trainStepMs: number,
): SpeedRow {
  const tokens = batch * length;
  return {
    library,
    model,
    backend,
    length,
    forwardMs,
    trainStepMs,
    forwardTokensPerSecond: tokens / (forwardMs / 1000),
    trainTokensPerSecond: tokens / (trainStepMs / 1000),
    note: null,
  };
}

const SIZES = {
  test: { lengths: [4, 8], gpuLengths: [4], batch: 2, hiddenSize: 16, embeddingSize: 8, heads: 2, repeats: 1, capSeconds: 30, gpuCapSeconds: 30 },
  quick: {
    lengths: [10, 50, 100, 200],
    gpuLengths: [10],
    batch: 8,
    hiddenSize: 64,
    embeddingSize: 32,
    heads: 4,
    repeats: 3,
    capSeconds: 1.5,
    gpuCapSeconds: 1,
  },
  full: {
    lengths: [10, 50, 100, 200, 500, 1000],
    gpuLengths: [10, 50, 100],
    batch: 16,
    hiddenSize: 128,
    embeddingSize: 64,
    heads: 4,
    repeats: 3,
    capSeconds: 2,
    gpuCapSeconds: 1,
  },
};

/**
 * The `speed` experiment.
 *
 * @example
 * ```ts
 * console.assert(speedExperiment.name === 'speed' && speedExperiment.description.length > 0);
 * // Writes speed.json, speed.md and speed.svg to outDir; `quick` takes about a minute on two cores.
 * const { result, files } = await speedExperiment.run({ quick: true, seed: 0, outDir: 'bench-results' });
 * console.log(result.durationSeconds, result.measurements, files?.markdown);
 * ```
 */
export const speedExperiment = defineExperiment<SpeedMeasurements>({
  name: 'speed',
  description:
    'Forward and training-step time and tokens/s against sequence length for RNN, LSTM, GRU and a matched-width Transformer encoder (vocabulary 65), with TensorFlow.js LSTM and Transformer rows timed in the same run.',
  async measure(ctx) {
    const s = bySize(ctx.size, SIZES);
    const loaded = await loadTfjs();
    let tfjs = loaded;
    let fallback: string | null = null;
    const libraries = 'error' in loaded ? 1 : 1.5;
    const progress = ctx.progress(Math.ceil(s.lengths.length * MODEL_KINDS.length * libraries) + s.gpuLengths.length * MODEL_KINDS.length);
    const rows: SpeedRow[] = [];
    const capped = new Map<string, number>();
    const note = (key: string): string | null =>
      capped.has(key) ? `skipped: a shorter length took ${capped.get(key)?.toFixed(1)} s per step, over the ${s.capSeconds} s cap` : null;
    rows.push(...(await seqlabRows({ ...s, backend: ctx.backend, label: ctx.backend, seed: ctx.seed }, progress)));
    // The gpu backend's rows: gpu.js in Node runs in software (webasm) unless headless-gl is installed, so its lengths
    // are fewer and its cap shorter; the label and the note say what ran.
    const gpu = await startGpuRows();
    const gpuRows: SpeedRow[] = [];
    if ('error' in gpu) {
      for (const kind of MODEL_KINDS)
        for (const length of s.gpuLengths) gpuRows.push(unmeasured('seqlab', kind, 'gpu', length, `gpu backend unavailable: ${gpu.error}`));
    } else {
      const gpuSizes = { ...s, lengths: s.gpuLengths, capSeconds: s.gpuCapSeconds, backend: 'gpu', label: gpu.label, seed: ctx.seed };
      try {
        gpuRows.push(...(await withBackend('gpu', () => seqlabRows(gpuSizes, progress))));
      } catch (e) {
        const error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        for (const kind of MODEL_KINDS)
          for (const length of s.gpuLengths) gpuRows.push(unmeasured('seqlab', kind, gpu.label, length, `gpu run failed: ${error}`));
      }
    }
    if ('error' in tfjs) {
      for (const kind of ['LSTM', 'Transformer']) {
        for (const length of s.lengths) rows.push(unmeasured('tfjs', kind, 'none', length, tfjs.error));
      }
    } else {
      const sizes = { vocabSize: TIMING_VOCAB, embeddingSize: s.embeddingSize, hiddenSize: s.hiddenSize, heads: s.heads };
      for (const kind of ['LSTM', 'Transformer']) {
        const key = `tfjs ${kind}`;
        for (let i = 0; i < s.lengths.length; i++) {
          const length = s.lengths[i];
          progress.status(`TF.js ${kind} T=${length}`);
          if (capped.has(key)) {
            rows.push(unmeasured('tfjs', kind, tfjs.backend, length, note(key)));
            progress.advance(`TF.js ${kind} T=${length} skipped`);
            continue;
          }
          const measured = await timeTfjsRow(tfjs, kind, sizes, s.batch, length, ctx.seed, s.repeats);
          if ('error' in measured && tfjs.backend === 'wasm') {
            // TF.js's wasm backend lacks some gradient kernels (UnsortedSegmentSum for the embedding); the rest of
            // the TF.js rows then run on its CPU backend, and the JSON records the fallback and its reason.
            fallback = `wasm failed (${measured.error}); TF.js rows ran on its cpu backend`;
            await tfjs.tf.setBackend('cpu');
            tfjs = { ...tfjs, backend: 'cpu' };
            i--; // measure the same length again on the CPU backend
            continue;
          }
          if ('error' in measured) {
            rows.push(unmeasured('tfjs', kind, tfjs.backend, length, `TF.js failed: ${measured.error}`));
          } else {
            rows.push(measuredRow('tfjs', kind, tfjs.backend, length, s.batch, measured.forwardMs, measured.trainStepMs));
            if (measured.trainStepMs / 1000 > s.capSeconds) capped.set(key, measured.trainStepMs / 1000);
          }
          progress.advance(`TF.js ${kind} T=${length}`);
        }
      }
    }
    return {
      settings: {
        ...s,
        vocabSize: TIMING_VOCAB,
        transformer: { layers: 1, heads: s.heads, width: s.hiddenSize, ffnWidth: 4 * s.hiddenSize, norm: 'pre-LN', positions: 'sinusoidal' },
        recurrentLayers: 1,
        optimizer: 'AdamW lr 1e-3',
        timing: `1 warm-up run, median of ${s.repeats}`,
      },
      measurements: { rows, tfjs: 'error' in loaded ? { error: loaded.error } : { version: loaded.version, backend: loaded.backend, fallback }, gpu, gpuRows },
    };
  },
  markdown(result: ResultDocument<SpeedMeasurements>) {
    const m = result.measurements;
    const tf =
      'error' in m.tfjs
        ? `TF.js: not available (${m.tfjs.error}).`
        : `TF.js ${m.tfjs.version}, started on its ${m.tfjs.backend} backend${m.tfjs.fallback ? `; ${m.tfjs.fallback}` : ''}.`;
    const rows: Cell[][] = [...m.rows, ...(m.gpuRows ?? [])].map((r) => [
      r.library,
      r.backend,
      r.model,
      r.length,
      r.forwardMs,
      r.trainStepMs,
      r.forwardTokensPerSecond,
      r.trainTokensPerSecond,
      r.note ?? '',
    ]);
    const settings = result.settings as { gpuLengths?: number[]; gpuCapSeconds?: number };
    const gpu =
      m.gpu === undefined
        ? []
        : [
            '',
            'error' in m.gpu
              ? `gpu rows: not measured (${m.gpu.error}).`
              : `The gpu rows (backend ${m.gpu.label}) ${m.gpu.note}. To keep the run short they use T = ${settings.gpuLengths?.join(', ')} only, and skip the lengths after one whose training step took over ${settings.gpuCapSeconds} s.`,
          ];
    return [
      tf,
      ...gpu,
      '',
      markdownTable(['library', 'backend', 'model', 'T', 'forward ms', 'train step ms', 'forward tokens/s', 'train tokens/s', 'note'], rows),
    ].join('\n');
  },
  chart(result: ResultDocument<SpeedMeasurements>) {
    const data: ChartRow[] = [];
    for (const r of [...result.measurements.rows, ...(result.measurements.gpuRows ?? [])]) {
      // Line style: the library, and for seqlab's gpu rows the gpu label (software rows are not GPU numbers).
      const run = r.library === 'seqlab' && r.backend.startsWith('gpu') ? `seqlab ${r.backend}` : r.library;
      if (r.forwardMs !== null) data.push({ series: `${r.library} ${r.model}`, run, T: r.length, ms: r.forwardMs, pass: 'forward' });
      if (r.trainStepMs !== null) data.push({ series: `${r.library} ${r.model}`, run, T: r.length, ms: r.trainStepMs, pass: 'training step' });
    }
    return lineChart({
      title: 'Time per batch against sequence length',
      data,
      x: { field: 'T', title: 'sequence length T', log: true },
      y: { field: 'ms', title: 'median ms per batch', log: true },
      series: 'series',
      dash: 'run',
      column: { field: 'pass', title: '' },
    });
  },
});

/** Sizes of one backend's seqlab rows. */
interface SeqlabRowSizes {
  readonly lengths: number[];
  readonly batch: number;
  readonly hiddenSize: number;
  readonly embeddingSize: number;
  readonly heads: number;
  readonly repeats: number;
  readonly capSeconds: number;
  /** The backend that runs the rows (active while they run). */
  readonly backend: string;
  /** What the rows' backend column says. */
  readonly label: string;
  readonly seed: number;
}

/** Times every model family at each length on the active backend, skipping the lengths after one whose step exceeds the cap. */
async function seqlabRows(s: SeqlabRowSizes, progress: ProgressReporter): Promise<SpeedRow[]> {
  const rows: SpeedRow[] = [];
  const capped = new Map<string, number>();
  const note = (key: string): string | null =>
    capped.has(key) ? `skipped: a shorter length took ${capped.get(key)?.toFixed(1)} s per step, over the ${s.capSeconds} s cap` : null;
  for (const kind of MODEL_KINDS) {
    const model = timingModel(kind, s, s.seed);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
    for (const length of s.lengths) {
      progress.status(`seqlab ${s.label} ${kind} T=${length}`);
      const key = `seqlab ${kind}`;
      if (capped.has(key)) {
        rows.push(unmeasured('seqlab', kind, s.label, length, note(key)));
        progress.advance(`seqlab ${s.label} ${kind} T=${length} skipped`);
        continue;
      }
      const g = new Generator(s.seed + length);
      const x = randint(0, TIMING_VOCAB, [s.batch, length], { generator: g });
      const y = randint(0, TIMING_VOCAB, [s.batch, length], { generator: g });
      const forward = await timeMedian(() => noGrad(() => model.forward(x).dataSync()), { warmup: 1, repeats: s.repeats });
      const t0 = now();
      const train = await timeMedian(
        () => {
          optimizer.zeroGrad();
          const loss = sequenceCrossEntropy(model.forward(x), y);
          loss.backward();
          optimizer.step();
          loss.item();
        },
        { warmup: 1, repeats: s.repeats },
      );
      rows.push(measuredRow('seqlab', kind, s.label, length, s.batch, forward.medianMs, train.medianMs));
      if (train.medianMs / 1000 > s.capSeconds || (now() - t0) / 1000 > s.capSeconds * (s.repeats + 1) * 1.5) capped.set(key, train.medianMs / 1000);
      progress.advance(`seqlab ${s.label} ${kind} T=${length}`);
    }
  }
  return rows;
}

/** Times one TF.js model at one length: median forward and training-step milliseconds, or the error it threw. */
async function timeTfjsRow(
  tfjs: LoadedTfjs,
  kind: string,
  sizes: TfjsModelSizes,
  batch: number,
  length: number,
  seed: number,
  repeats: number,
): Promise<{ forwardMs: number; trainStepMs: number } | { error: string }> {
  let runner: ReturnType<typeof tfjsLstm> | null = null;
  try {
    runner = kind === 'LSTM' ? tfjsLstm(tfjs, sizes, batch, length, seed) : tfjsTransformer(tfjs, sizes, batch, length, seed);
    const r = runner;
    const forward = await timeMedian(() => r.forward(), { warmup: 1, repeats });
    const train = await timeMedian(() => r.trainStep(), { warmup: 1, repeats });
    return { forwardMs: forward.medianMs, trainStepMs: train.medianMs };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  } finally {
    runner?.dispose();
  }
}

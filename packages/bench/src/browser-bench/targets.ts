// The issue's real-GPU targets for the browser benchmark, judged only on rows that ran on a GPU: never on SwiftShader.
import { sameShape, type TargetCheck } from '../kernel-bench/targets.js';
import { LSTM_SHAPE, TRANSFORMER_SHAPE } from '../kernel-bench/training-shapes.js';
import type { BrowserBenchConfig, BrowserBenchRow } from './settings.js';

/**
 * The matmul size and speed-up over TF.js WebGL that the gpu backend must reach on a real GPU, in every layout.
 *
 * @example
 * ```ts
 * console.assert(GPU_MATMUL_TARGET.size === 1024 && GPU_MATMUL_TARGET.speedup === 2);
 * ```
 */
export const GPU_MATMUL_TARGET = { size: 1024, speedup: 2 } as const;

const isGpuRow = (r: BrowserBenchRow): boolean => r.library === 'seqlab' && r.backend === 'gpu';
const isWebglRow = (r: BrowserBenchRow): boolean => r.library === 'tfjs' && r.backend === 'webgl';
const isWasmRow = (r: BrowserBenchRow): boolean => r.library === 'seqlab' && r.backend === 'wasm';

function valueOf(r: BrowserBenchRow | undefined, metric: 'gflops' | 'tokensPerSec'): number | null {
  const v = r?.[metric];
  return typeof v === 'number' ? v : null;
}

/** Why a comparison cannot be judged, or null when it can: missing rows, failed rows, rows not on a GPU. */
function unjudged(rows: readonly (BrowserBenchRow | undefined)[], metric: 'gflops' | 'tokensPerSec'): string | null {
  if (rows.some((r) => r === undefined)) return 'not measured: a contender or case did not run';
  if (rows.some((r) => valueOf(r, metric) === null)) return 'not measured: a contender failed';
  const software = rows.find((r) => r!.rendering === 'software');
  if (software !== undefined) return 'not judged: software rendering (a CPU emulating a GPU says nothing about GPU speed)';
  if (rows.some((r) => (isGpuRow(r!) || isWebglRow(r!)) && r!.rendering !== 'gpu')) return 'not judged: a GPU contender did not run on a GPU';
  return null;
}

function matmulTarget(rows: readonly BrowserBenchRow[], layout: string): TargetCheck {
  const { size, speedup } = GPU_MATMUL_TARGET;
  const target = `matmul-${layout} at ${size}: seqlab gpu / TF.js WebGL ≥ ${speedup}× on a GPU`;
  const cells = rows.filter((r) => r.case === `matmul-${layout}` && r.size === size);
  const gpu = cells.find(isGpuRow);
  const webgl = cells.find(isWebglRow);
  const why = unjudged([gpu, webgl], 'gflops');
  if (why !== null) return { target, threshold: speedup, value: null, measured: why, met: null };
  const [g, w] = [valueOf(gpu, 'gflops')!, valueOf(webgl, 'gflops')!];
  const ratio = g / w;
  return { target, threshold: speedup, value: ratio, measured: `${ratio.toFixed(2)}× (${g.toFixed(1)} vs ${w.toFixed(1)} GFLOP/s)`, met: ratio >= speedup };
}

function trainingTarget(rows: readonly BrowserBenchRow[], name: string, caseName: string, atIssueShape: boolean): TargetCheck {
  const target = `${name} training step: seqlab gpu faster than TF.js WebGL and seqlab wasm on the same machine`;
  if (!atIssueShape) return { target, threshold: 1, value: null, measured: 'not measured: this run used a different shape', met: null };
  const cells = rows.filter((r) => r.case === caseName);
  const [gpu, webgl, wasm] = [cells.find(isGpuRow), cells.find(isWebglRow), cells.find(isWasmRow)];
  const why = unjudged([gpu, webgl, wasm], 'tokensPerSec');
  if (why !== null) return { target, threshold: 1, value: null, measured: why, met: null };
  const [g, w, c] = [valueOf(gpu, 'tokensPerSec')!, valueOf(webgl, 'tokensPerSec')!, valueOf(wasm, 'tokensPerSec')!];
  const ratio = g / Math.max(w, c);
  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US');
  return {
    target,
    threshold: 1,
    value: ratio,
    measured: `${ratio.toFixed(2)}× the faster other (gpu ${fmt(g)}, webgl ${fmt(w)}, wasm ${fmt(c)} tokens/s)`,
    met: ratio > 1,
  };
}

/**
 * Judges the issue's real-GPU targets: matmul 1024 at least 2× TF.js WebGL in every layout, and LSTM and Transformer
 * training steps faster than both TF.js WebGL and seqlab wasm. Rows on a software renderer are never judged.
 *
 * @example
 * ```ts
 * const row = { case: 'matmul-nn', size: 1024, threads: 1, medianMs: 1, runs: 5, note: null, chain: 8, rendering: 'software' } as const;
 * const rows: BrowserBenchRow[] = [
 *   { ...row, library: 'seqlab', backend: 'gpu', gflops: 40 },
 *   { ...row, library: 'tfjs', backend: 'webgl', gflops: 10 },
 * ];
 * const [nn] = checkBrowserTargets(rows, DEFAULT_BROWSER_CONFIG);
 * console.assert(nn.met === null && nn.measured.startsWith('not judged: software rendering'));
 * ```
 */
export function checkBrowserTargets(rows: readonly BrowserBenchRow[], config: BrowserBenchConfig): TargetCheck[] {
  return [
    ...['nn', 'tn', 'nt'].map((layout) => matmulTarget(rows, layout)),
    trainingTarget(rows, 'LSTM', 'lstm-train-step', sameShape(config.lstm, LSTM_SHAPE)),
    trainingTarget(rows, 'Transformer block', 'transformer-train-step', sameShape(config.transformer, TRANSFORMER_SHAPE)),
  ];
}

// Training-step cases: each contender builds the step, runs warm-ups, then times several steps on its own (steps
// last long enough that interleaving buys nothing, and a TF.js model must stay on the backend it was built on).
// Between the steps it times its own square matmul, the reference of the training-efficiency ratio, so that the two
// are measured in the same seconds of a machine whose speed moves in phases.
import { Generator } from '@seqlab/tensor-core';
import { median } from '../experiments/framework/timing.js';
import type { Contender, MatmulOps, TrainingStep } from './contender.js';
import type { KernelBenchRow } from './results.js';
import { timeAlone, yieldTurn } from './timing.js';
import { lstmTrainingFlops, tokensPerStep, transformerTrainingFlops, type LstmShape, type TransformerShape } from './training-shapes.js';

/** Options of {@link runTrainingSuite}. */
export interface TrainingSuiteOptions {
  /** Timed steps per contender. */
  readonly runs: number;
  /** Untimed steps first. */
  readonly warmup: number;
  /** Milliseconds the untimed steps last at least (more of them while they have not). */
  readonly warmupMs: number;
  /** Time one contender may spend on a case; a slower one gets fewer runs (at least 3, or `runs` if fewer). */
  readonly budgetMs: number;
  /** Seed of weights and data. */
  readonly seed: number;
  /**
   * Size n of the n×n `a·b` product timed between the steps ({@link PAIRED_MATMUL_WARMUP} untimed calls, then
   * {@link PAIRED_MATMUL_CALLS} timed) on contenders with a matmul, giving their rows' `pairedMatmulGflops`; null for none.
   */
  readonly pairedMatmulSize: number | null;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** A training-step case: its name, shape and how a contender builds it. */
export type TrainingCase =
  { readonly name: 'lstm-train-step'; readonly shape: LstmShape } | { readonly name: 'transformer-train-step'; readonly shape: TransformerShape };

function builder(c: Contender, trainingCase: TrainingCase): ((seed: number) => TrainingStep) | null {
  if (trainingCase.name === 'lstm-train-step') {
    const build = c.lstmStep;
    return build === null ? null : (seed) => build(trainingCase.shape, seed);
  }
  const build = c.transformerStep;
  return build === null ? null : (seed) => build(trainingCase.shape, seed);
}

/** Untimed matmul calls after a training step: the first call after a step ran about 10% slower than the next ones here. */
export const PAIRED_MATMUL_WARMUP = 2;
/** Timed matmul calls between two training steps, after {@link PAIRED_MATMUL_WARMUP} untimed ones. */
export const PAIRED_MATMUL_CALLS = 3;

/** A contender's n×n `a·b` product, timed on demand: its samples, and a way to free its operands. */
interface PairedMatmul {
  /** {@link PAIRED_MATMUL_WARMUP} untimed calls, then {@link PAIRED_MATMUL_CALLS} timed ones, appended to `times`. */
  measure(): void;
  readonly times: number[];
  dispose(): void;
}

function pairedMatmul(ops: MatmulOps, n: number, seed: number): PairedMatmul {
  const gen = new Generator(seed);
  const [a, b] = [0, 1].map(() =>
    ops.tensor(
      Float32Array.from({ length: n * n }, () => gen.uniform() * 2 - 1),
      [n, n],
    ),
  );
  const times: number[] = [];
  return {
    times,
    measure() {
      for (let i = 0; i < PAIRED_MATMUL_WARMUP; i++) ops.dispose(ops.matmul(a, b, false, false));
      for (let i = 0; i < PAIRED_MATMUL_CALLS; i++) {
        const t0 = performance.now();
        ops.dispose(ops.matmul(a, b, false, false));
        times.push(performance.now() - t0);
      }
    },
    dispose() {
      ops.dispose(a);
      ops.dispose(b);
    },
  };
}

function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Times one training-step case for every contender that runs training steps. A contender that throws (a missing
 * kernel, memory exhausted) gets a row with null numbers and the error as its note; the others still run.
 */
export async function runTrainingSuite(contenders: readonly Contender[], trainingCase: TrainingCase, options: TrainingSuiteOptions): Promise<KernelBenchRow[]> {
  const rows: KernelBenchRow[] = [];
  const tokens = tokensPerStep(trainingCase.shape);
  const flops = trainingCase.name === 'lstm-train-step' ? lstmTrainingFlops(trainingCase.shape) : transformerTrainingFlops(trainingCase.shape);
  for (const c of contenders) {
    const build = builder(c, trainingCase);
    if (build === null) continue;
    const base = { library: c.library, backend: c.backend, threads: c.threads, case: trainingCase.name, size: trainingCase.shape.length, runs: options.runs };
    let step: TrainingStep | null = null;
    let paired: PairedMatmul | null = null;
    try {
      await c.before();
      step = build(options.seed);
      const s = step;
      const n = options.pairedMatmulSize;
      const p = (paired = c.matmul !== null && n !== null ? pairedMatmul(c.matmul, n, options.seed) : null);
      const before = async (): Promise<void> => {
        await c.before();
        p?.measure();
      };
      const { times } = await timeAlone(
        { before, run: () => s.run() },
        { runs: options.runs, warmup: options.warmup, warmupMs: options.warmupMs, budgetMs: options.budgetMs, minRuns: Math.min(3, options.runs) },
      );
      const medianMs = median(times);
      const tokensPerSec = tokens / (medianMs / 1000);
      // The matmul samples taken before the timed steps (the last ones: warm-up steps come first).
      const matmulMs = p === null ? null : median(p.times.slice(-times.length * PAIRED_MATMUL_CALLS));
      const pairedMatmulGflops = matmulMs === null || n === null ? undefined : (2 * n ** 3) / (matmulMs * 1e6);
      rows.push({
        ...base,
        runs: times.length,
        tokensPerSec,
        usefulGflops: flops / (medianMs * 1e6),
        ...(pairedMatmulGflops === undefined ? {} : { pairedMatmulGflops }),
        medianMs,
        note: s.note,
      });
      options.log(
        `${trainingCase.name} T=${trainingCase.shape.length}: ${c.label} ${tokensPerSec.toFixed(0)} tokens/s (${medianMs.toFixed(0)} ms per step)` +
          (pairedMatmulGflops === undefined ? '' : `; matmul-nn ${n} between the steps ${pairedMatmulGflops.toFixed(1)} GFLOP/s`),
      );
    } catch (e) {
      rows.push({ ...base, tokensPerSec: null, usefulGflops: null, medianMs: null, note: `failed: ${errorLine(e)}` });
      options.log(`${trainingCase.name}: ${c.label} failed: ${errorLine(e)}`);
    } finally {
      paired?.dispose();
      try {
        step?.dispose();
      } catch {
        // A step that failed half-way may hold tensors already freed; the next contender starts afresh regardless.
      }
      await yieldTurn();
    }
  }
  return rows;
}

// Training-step cases: each contender builds the step, runs warm-ups, then times several steps on its own (steps
// last long enough that interleaving buys nothing, and a TF.js model must stay on the backend it was built on).
import { median } from '../experiments/framework/timing.js';
import type { Contender, TrainingStep } from './contender.js';
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
    try {
      await c.before();
      step = build(options.seed);
      const s = step;
      const { times } = await timeAlone(
        { before: () => c.before(), run: () => s.run() },
        { runs: options.runs, warmup: options.warmup, warmupMs: options.warmupMs, budgetMs: options.budgetMs, minRuns: Math.min(3, options.runs) },
      );
      const medianMs = median(times);
      const tokensPerSec = tokens / (medianMs / 1000);
      rows.push({ ...base, runs: times.length, tokensPerSec, usefulGflops: flops / (medianMs * 1e6), medianMs, note: s.note });
      options.log(`${trainingCase.name} T=${trainingCase.shape.length}: ${c.label} ${tokensPerSec.toFixed(0)} tokens/s (${medianMs.toFixed(0)} ms per step)`);
    } catch (e) {
      rows.push({ ...base, tokensPerSec: null, usefulGflops: null, medianMs: null, note: `failed: ${errorLine(e)}` });
      options.log(`${trainingCase.name}: ${c.label} failed: ${errorLine(e)}`);
    } finally {
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

// The browser benchmark's cases inside the page: matmul chains timed with one readback each, and training steps, both
// interleaved across the contenders so that load on a shared machine hits every contender alike.
import { Generator } from '@seqlab/tensor-core';
import type { TrainingStep } from '../kernel-bench/contender.js';
import { MATMUL_LAYOUTS } from '../kernel-bench/matmul-suite.js';
import { timeInterleaved, type Runner } from '../kernel-bench/timing.js';
import { tokensPerStep } from '../kernel-bench/training-shapes.js';
import { median } from '../experiments/framework/timing.js';
import type { PageContender } from './page-contenders.js';
import type { BrowserBenchConfig, BrowserBenchRow } from './settings.js';

/** Progress lines, forwarded to the runner's terminal. */
export type Log = (line: string) => void;

function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** A runner that stops calling `call` after its first error and remembers the error. */
function guarded(c: PageContender, call: () => unknown): Runner & { error: string | null } {
  const runner = {
    error: null as string | null,
    before: () => c.before(),
    run: async (): Promise<void> => {
      if (runner.error !== null) return;
      try {
        await call();
      } catch (e) {
        runner.error = errorLine(e);
      }
    },
  };
  return runner;
}

function base(c: PageContender, name: string, size: number): Pick<BrowserBenchRow, 'library' | 'backend' | 'threads' | 'case' | 'size' | 'rendering'> {
  return { library: c.library, backend: c.backend, threads: c.threads, case: name, size, rendering: c.rendering };
}

/**
 * `chain` products `a·b` in a row, each freed once the next is queued, then one synchronous readback of one element of
 * the last: the work stays on the device and the library may pipeline it; the readback waits for all of it.
 */
function matmulChain(c: PageContender, a: unknown, b: unknown, transA: boolean, transB: boolean, chain: number): void {
  const ops = c.matmul!;
  let last: unknown = null;
  for (let i = 0; i < chain; i++) {
    const product = ops.matmul(a, b, transA, transB);
    if (last !== null) ops.dispose(last);
    last = product;
  }
  c.sync(last);
  ops.dispose(last);
}

/** Products per sample: enough that one sample lasts about `chainTargetMs`, judged on a one-product warm-up. */
async function chainLength(c: PageContender, run: (chain: number) => void, config: BrowserBenchConfig): Promise<number> {
  await c.before();
  run(1); // compiles the shaders
  await c.before();
  const t0 = performance.now();
  run(1);
  const ms = performance.now() - t0;
  return Math.max(1, Math.min(config.maxChain, Math.round(config.chainTargetMs / Math.max(ms, 1e-3))));
}

/**
 * Square n×n matmul in the nn, tn and nt layouts for every contender with a matmul: GFLOP/s = 2n³ / (median sample /
 * chain). Each sample is {@link matmulChain}; samples run round-robin across contenders after `warmup` untimed ones.
 */
export async function runPageMatmul(contenders: readonly PageContender[], config: BrowserBenchConfig, log: Log): Promise<BrowserBenchRow[]> {
  const rows: BrowserBenchRow[] = [];
  const gen = new Generator(config.seed);
  const active = contenders.filter((c) => c.matmul !== null);
  for (const n of config.sizes) {
    const values = [0, 1].map(() => Float32Array.from({ length: n * n }, () => gen.uniform() * 2 - 1));
    const operands: unknown[][] = [];
    for (const c of active) {
      await c.before();
      operands.push(values.map((v) => c.matmul!.tensor(v, [n, n])));
    }
    for (const [layout, transA, transB] of MATMUL_LAYOUTS) {
      const chains: number[] = [];
      const runners: ReturnType<typeof guarded>[] = [];
      for (const [k, c] of active.entries()) {
        const run = (chain: number): void => matmulChain(c, operands[k][0], operands[k][1], transA, transB, chain);
        let chain = 1;
        let setupError: string | null = null;
        try {
          chain = await chainLength(c, run, config);
        } catch (e) {
          setupError = errorLine(e);
        }
        chains.push(chain);
        const runner = guarded(c, () => run(chain));
        runner.error = setupError;
        runners.push(runner);
      }
      const times = await timeInterleaved(runners, config.matmulRuns, config.warmup, { budgetMs: config.budgetMs, minRuns: 2 });
      const line: string[] = [];
      active.forEach((c, k) => {
        const row = { ...base(c, `matmul-${layout}`, n), chain: chains[k] };
        const error = runners[k].error;
        if (error !== null) {
          rows.push({ ...row, gflops: null, medianMs: null, runs: 0, note: `failed: ${error}` });
          line.push(`${c.label} failed: ${error}`);
          return;
        }
        const perProduct = median(times[k]) / chains[k];
        const gflops = (2 * n ** 3) / (perProduct * 1e6);
        rows.push({ ...row, gflops, medianMs: perProduct, runs: times[k].length, note: null });
        line.push(`${c.label} ${gflops.toPrecision(3)}`);
      });
      log(`matmul ${layout} ${n}: ${line.join(', ')} GFLOP/s`);
    }
    active.forEach((c, k) => operands[k].forEach((t) => c.matmul!.dispose(t)));
  }
  return rows;
}

/**
 * One training-step case (`lstm` or `transformer`, the `bench:kernels` steps) for every contender: each builds its
 * step, then steps run round-robin after `warmup` untimed ones; a contender whose warm-up shows it would pass
 * `budgetMs` gets fewer timed steps (at least 2). tokens/s = batch·T / median seconds; the loss is read back in every step.
 */
export async function runPageTraining(
  contenders: readonly PageContender[],
  which: 'lstm' | 'transformer',
  config: BrowserBenchConfig,
  log: Log,
): Promise<BrowserBenchRow[]> {
  const name = which === 'lstm' ? 'lstm-train-step' : 'transformer-train-step';
  const shape = which === 'lstm' ? config.lstm : config.transformer;
  const steps: (TrainingStep | null)[] = [];
  const runners: ReturnType<typeof guarded>[] = [];
  for (const c of contenders) {
    let step: TrainingStep | null = null;
    let setupError: string | null = null;
    try {
      await c.before();
      step = which === 'lstm' ? c.lstmStep!(config.lstm, config.seed) : c.transformerStep!(config.transformer, config.seed);
    } catch (e) {
      setupError = errorLine(e);
    }
    steps.push(step);
    const runner = guarded(c, () => step?.run());
    runner.error = setupError;
    runners.push(runner);
  }
  const times = await timeInterleaved(runners, config.trainingRuns, config.warmup, { budgetMs: config.budgetMs, minRuns: 2 });
  const rows: BrowserBenchRow[] = [];
  const line: string[] = [];
  contenders.forEach((c, k) => {
    const row = { ...base(c, name, shape.length), chain: null };
    const error = runners[k].error;
    if (error !== null) {
      rows.push({ ...row, tokensPerSec: null, medianMs: null, runs: 0, note: `failed: ${error}` });
      line.push(`${c.label} failed: ${error}`);
    } else {
      const medianMs = median(times[k]);
      const tokensPerSec = tokensPerStep(shape) / (medianMs / 1000);
      rows.push({ ...row, tokensPerSec, medianMs, runs: times[k].length, note: steps[k]?.note ?? null });
      line.push(`${c.label} ${tokensPerSec.toFixed(0)} tokens/s (${medianMs.toFixed(0)} ms)`);
    }
    try {
      steps[k]?.dispose();
    } catch {
      // A step that failed half-way may hold tensors already freed; the rows are recorded regardless.
    }
  });
  log(`${name} T=${shape.length}: ${line.join(', ')}`);
  return rows;
}

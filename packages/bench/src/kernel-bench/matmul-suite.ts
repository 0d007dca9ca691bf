// Matmul cases: square n×n products in the nn, tn and nt layouts for every contender, interleaved; GFLOP/s = 2n³ / t.
import { Generator } from '@seqlab/tensor-core';
import { median } from '../experiments/framework/timing.js';
import type { Contender, MatmulOps } from './contender.js';
import type { KernelBenchRow } from './results.js';
import { timeInterleaved } from './timing.js';

/** Layouts timed: plain, transposed A (as in a weight gradient), transposed B (as in x·Wᵀ and input gradients). */
export const MATMUL_LAYOUTS: readonly (readonly [name: string, transA: boolean, transB: boolean])[] = [
  ['nn', false, false],
  ['tn', true, false],
  ['nt', false, true],
];

/** Timed runs per size when not overridden: more for the small, noisy sizes. */
function defaultRuns(n: number): number {
  return n <= 128 ? 31 : n <= 256 ? 21 : n <= 512 ? 11 : 5;
}

/** Options of {@link runMatmulSuite}. */
export interface MatmulSuiteOptions {
  /** Matrix sizes n. */
  readonly sizes: readonly number[];
  /** Timed runs per case, overriding the per-size default. */
  readonly runs?: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Runs the matmul cases for the contenders that take part in them; returns one row per contender, layout and size. */
export async function runMatmulSuite(all: readonly Contender[], options: MatmulSuiteOptions): Promise<KernelBenchRow[]> {
  const contenders = all.filter((c): c is Contender & { matmul: MatmulOps } => c.matmul !== null);
  const rows: KernelBenchRow[] = [];
  const gen = new Generator(0);
  for (const n of options.sizes) {
    const values = [0, 1].map(() => Float32Array.from({ length: n * n }, () => gen.uniform() * 2 - 1));
    const operands: unknown[][] = [];
    for (const c of contenders) {
      await c.before();
      operands.push(values.map((v) => c.matmul.tensor(v, [n, n])));
    }
    const runs = options.runs ?? defaultRuns(n);
    for (const [layout, transA, transB] of MATMUL_LAYOUTS) {
      const runners = contenders.map((c, k) => ({
        before: () => c.before(),
        run: () => c.matmul.dispose(c.matmul.matmul(operands[k][0], operands[k][1], transA, transB)),
      }));
      const times = await timeInterleaved(runners, runs, 2);
      const gflops = times.map((t) => (2 * n ** 3) / (median(t) * 1e6));
      contenders.forEach((c, k) => {
        rows.push({
          library: c.library,
          backend: c.backend,
          threads: c.threads,
          case: `matmul-${layout}`,
          size: n,
          gflops: gflops[k],
          medianMs: median(times[k]),
          runs,
          note: null,
        });
      });
      options.log(`matmul ${layout} ${n}: ${contenders.map((c, k) => `${c.label} ${gflops[k].toFixed(1)}`).join(', ')} GFLOP/s`);
    }
    contenders.forEach((c, k) => operands[k].forEach((t) => c.matmul.dispose(t)));
  }
  return rows;
}

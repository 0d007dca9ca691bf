// Matmul cases: square n×n products in the nn, tn and nt layouts for every contender, interleaved; GFLOP/s = 2n³ / t.
import { Generator } from '@seqlab/tensor-core';
import { median, timeInterleaved } from './timing.mjs';

/** Layouts timed: plain, transposed A (as in a weight gradient), transposed B (as in x·Wᵀ and input gradients). */
export const MATMUL_CASES = [
  ['nn', false, false],
  ['tn', true, false],
  ['nt', false, true],
];

function runsFor(n, override) {
  if (override) return override;
  return n <= 128 ? 31 : n <= 256 ? 21 : n <= 512 ? 11 : 5;
}

/** Runs the matmul suite; returns result rows. */
export function runMatmulSuite(contenders, { sizes, runs: runsOverride, log }) {
  const rows = [];
  const gen = new Generator(0);
  for (const n of sizes) {
    const values = [0, 1].map(() => Float32Array.from({ length: n * n }, () => gen.uniform() * 2 - 1));
    const operands = contenders.map((c) => values.map((v) => c.tensor(v, [n, n])));
    for (const [name, transA, transB] of MATMUL_CASES) {
      const runs = runsFor(n, runsOverride);
      const runners = contenders.map((c, k) => ({
        before: c.before,
        run: () => c.dispose(c.matmul(operands[k][0], operands[k][1], transA, transB)),
      }));
      const times = timeInterleaved(runners, { runs, warmup: 2 });
      contenders.forEach((c, k) => {
        const medianMs = median(times[k]);
        rows.push({ library: c.library, backend: c.backend, threads: c.threads, case: `matmul-${name}`, size: n, gflops: (2 * n ** 3) / (medianMs * 1e6), medianMs, runs });
      });
      log(`matmul ${name} ${n}: ${contenders.map((c, k) => `${c.label} ${((2 * n ** 3) / (median(times[k]) * 1e6)).toFixed(1)}`).join(', ')} GFLOP/s`);
    }
    operands.forEach((pair, k) => pair.forEach((t) => contenders[k].dispose(t)));
  }
  return rows;
}

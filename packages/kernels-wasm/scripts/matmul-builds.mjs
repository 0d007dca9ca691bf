// Times the plain and FMA kernel builds on one product size, interleaved in one process: median and best GFLOP/s of each.
//
// Needs the built package (`pnpm --filter @seqlab/kernels-wasm build`) and relaxed SIMD (Node 20: the flag below):
//   node --experimental-wasm-relaxed-simd packages/kernels-wasm/scripts/matmul-builds.mjs [n=512] [runs=30] [threads=2]
// Without relaxed SIMD it times the plain build alone and says why.
import { matmul, randn, Generator } from '@seqlab/tensor-core';
import { ready, setThreads, setWasmBuild, wasmBuildInfo } from '../dist/index.js';

const [n = 512, runs = 30, threads = 2] = process.argv.slice(2).map(Number);
setThreads(threads);
await ready();
const builds = wasmBuildInfo().available;
if (!builds.includes('fma')) console.log('relaxed SIMD is off here (Node 20: start node with --experimental-wasm-relaxed-simd): plain build only');

const g = new Generator(1);
const a = randn([n, n], { generator: g, backend: 'wasm' });
const b = randn([n, n], { generator: g, backend: 'wasm' });
const times = Object.fromEntries(builds.map((build) => [build, []]));
for (let r = -3; r < runs; r++) {
  for (const build of builds) {
    await setWasmBuild(build);
    const t0 = performance.now();
    matmul(a, b).dispose();
    const ms = performance.now() - t0;
    if (r >= 0) times[build].push(ms);
  }
}
// The median, and the best run (on a machine busy with other work, the run least disturbed).
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const gflops = (ms) => (2 * n ** 3) / (ms * 1e6);
const rates = Object.fromEntries(builds.map((build) => [build, [gflops(median(times[build])), gflops(Math.min(...times[build]))]]));
for (const build of builds) {
  const [mid, best] = rates[build];
  console.log(`matmul ${n}, ${threads} thread(s), ${build} build: ${mid.toFixed(1)} GFLOP/s median, ${best.toFixed(1)} best of ${runs}`);
}
if (rates.fma !== undefined) {
  console.log(`fma / plain: ${(rates.fma[0] / rates.plain[0]).toFixed(2)}× median, ${(rates.fma[1] / rates.plain[1]).toFixed(2)}× best`);
}

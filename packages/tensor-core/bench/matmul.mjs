// CPU matmul benchmark: median time and GFLOP/s for nn/tn/nt/tt products of square matrices (and a naive triple loop), on the built package.
// Usage: node bench/matmul.mjs [--json] [--sizes 128,256,512,1024] [--dtype float32|float64] [--runs N]
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Generator, getBackend, matmul, setBackend, tensor } from '../dist/index.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const json = process.argv.includes('--json');
const sizes = option('sizes', '128,256,512,1024').split(',').map(Number);
const dtype = option('dtype', 'float32');
const runsOption = option('runs', '');
const combos = [
  ['nn', false, false],
  ['tn', true, false],
  ['nt', false, true],
  ['tt', true, true],
];

setBackend('cpu');
const gen = new Generator(0);
function randomMatrix(n) {
  const values = new Float64Array(n * n);
  for (let i = 0; i < values.length; i++) values[i] = gen.uniform() * 2 - 1;
  return tensor(values, [n, n], { dtype, backend: 'cpu' });
}

// Fewer timed runs for the big sizes keep the whole bench around a minute on a laptop-class CPU.
function runsFor(n) {
  if (runsOption) return Number(runsOption);
  return n <= 256 ? 21 : n <= 512 ? 9 : 5;
}

// The yardstick: a textbook i-j-p triple loop over the same typed arrays (only up to 512; it is slow).
function naiveMatmul(a, b, c, n) {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += a[i * n + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

function median(fn, runs, warmup) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

const results = [];
for (const n of sizes) {
  const a = randomMatrix(n),
    b = randomMatrix(n);
  const flops = 2 * n * n * n;
  if (n <= 512) {
    const av = a.dataSync(),
      bv = b.dataSync(),
      cv = new av.constructor(n * n);
    const runs = 3;
    const t = median(() => naiveMatmul(av, bv, cv, n), runs, 1);
    results.push({ size: n, op: 'naive', transA: false, transB: false, runs, warmup: 1, medianMs: t.median, minMs: t.min, gflops: flops / (t.median * 1e6) });
  }
  for (const [name, transA, transB] of combos) {
    const runs = runsFor(n);
    const warmup = Math.max(2, Math.ceil(runs / 4));
    const t = median(() => matmul(a, b, { transA, transB }), runs, warmup);
    results.push({ size: n, op: name, transA, transB, runs, warmup, medianMs: t.median, minMs: t.min, gflops: flops / (t.median * 1e6) });
  }
}

const env = { node: process.version, platform: process.platform, arch: process.arch, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
if (json) {
  console.log(JSON.stringify({ bench: 'matmul', backend: getBackend().name, dtype, env, results }, null, 2));
} else {
  console.log(`matmul on backend '${getBackend().name}', ${dtype}, ${env.cpu} (${env.cores} cores), Node ${env.node}`);
  console.log('');
  console.log('| size | op | median ms | GFLOP/s | runs |');
  console.log('|-----:|:--:|----------:|--------:|-----:|');
  for (const r of results) {
    console.log(`| ${r.size} | ${r.op} | ${r.medianMs.toFixed(2)} | ${r.gflops.toFixed(2)} | ${r.runs} |`);
  }
}

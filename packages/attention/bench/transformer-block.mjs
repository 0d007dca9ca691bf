// Training throughput (tokens/s) of one Transformer block on the CPU backend, fused attention vs composed ops, on the built packages.
// Usage: node bench/transformer-block.mjs [--json] [--batch 32] [--seq 100] [--dmodel 256] [--heads 4] [--ff 1024] [--runs 3] [--backend cpu]
// Also reports the attention call alone (forward + backward), where the two paths differ.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Generator, mul, randn, setBackend, setFusedEnabled, sum } from '@seqlab/tensor-core';
import { Adam } from '@seqlab/autograd';
import { scaledDotProductAttention, TransformerEncoderLayer } from '@seqlab/attention';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const json = process.argv.includes('--json');
const settings = {
  backend: option('backend', 'cpu'),
  batch: Number(option('batch', '32')),
  seq: Number(option('seq', '100')),
  dModel: Number(option('dmodel', '256')),
  heads: Number(option('heads', '4')),
  ff: Number(option('ff', '1024')),
  runs: Number(option('runs', '3')),
};
setBackend(settings.backend);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median seconds of `fn` over `runs` timed calls after one warm-up call. */
function time(fn, runs) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

const { batch: B, seq: T, dModel: E, heads: H, ff, runs } = settings;
const gen = new Generator(0);
const x = randn([B, T, E], { generator: gen });
const target = randn([B, T, E], { generator: gen });

function blockStep(fused) {
  setFusedEnabled(fused);
  const layer = new TransformerEncoderLayer(E, H, { dimFeedforward: ff, dropout: 0, batchFirst: true, normFirst: true, generator: new Generator(1) });
  const optimizer = new Adam(layer.parameters(), { lr: 1e-4 });
  return () => {
    const y = layer.forward(x, { isCausal: true });
    const loss = sum(mul(y, target));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
}

const D = E / H;
const q = randn([B, H, T, D], { generator: gen }).requiresGrad_();
const k = randn([B, H, T, D], { generator: gen }).requiresGrad_();
const v = randn([B, H, T, D], { generator: gen }).requiresGrad_();
const g = randn([B, H, T, D], { generator: gen });
function attentionStep(fused) {
  return () => {
    const { output } = scaledDotProductAttention(q, k, v, { isCausal: true, fused });
    q.grad = k.grad = v.grad = null;
    sum(mul(output, g)).backward();
  };
}

const results = [];
for (const fused of [false, true]) {
  const seconds = time(blockStep(fused), runs);
  results.push({ what: 'block training step', path: fused ? 'fused' : 'composed', seconds, tokensPerSecond: (B * T) / seconds });
}
for (const fused of [false, true]) {
  const seconds = time(attentionStep(fused), Math.max(runs, 5));
  results.push({ what: 'attention forward+backward', path: fused ? 'fused' : 'composed', seconds, tokensPerSecond: (B * T) / seconds });
}
setFusedEnabled(true);

const environment = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform };
if (json) {
  console.log(JSON.stringify({ bench: 'attention/transformer-block', environment, settings, results }, null, 2));
} else {
  console.log(
    `Transformer block (d=${E}, ${H} heads, FF ${ff}, T=${T}, batch ${B}, causal, pre-norm) on ${settings.backend}; ${environment.cpu}, ${environment.node}`,
  );
  console.log('| measurement | path | median s | tokens/s |');
  console.log('|---|---|---:|---:|');
  for (const r of results) console.log(`| ${r.what} | ${r.path} | ${r.seconds.toFixed(3)} | ${Math.round(r.tokensPerSecond)} |`);
}

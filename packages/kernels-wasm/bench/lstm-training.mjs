// Training throughput of an LSTM language model step (embedding → LSTM → Linear → cross-entropy → backward → Adam)
// on the wasm backend against the CPU backend, both through their fused LSTM sequence kernels.
// Build first (tsup in tensor-core, autograd, attention, recurrent and kernels-wasm, or pnpm build), then:
//   node packages/kernels-wasm/bench/lstm-training.mjs [--batch 32] [--embedding 128] [--hidden 256] [--vocab 65]
//        [--steps 100] [--iterations 5] [--warmup 1] [--backends wasm,cpu] [--threads N] [--profile] [--json]
// A backend entry `wasm:N` runs the wasm backend on N threads (e.g. --backends wasm:2,wasm:1,cpu).
import { cpus, loadavg } from 'node:os';
import { getThreads, setThreads } from '@seqlab/kernels-wasm';
import { Generator, getBackend, randint, setBackend } from '@seqlab/tensor-core';
// By path: autograd and recurrent list kernels-wasm among their devDependencies, so it cannot list them back.
import { Adam } from '../../autograd/dist/index.js';
import { RecurrentLM } from '../../recurrent/dist/index.js';

function parseArgs(argv) {
  const options = {
    batch: 32, embedding: 128, hidden: 256, vocab: 65, steps: 100, iterations: 5, warmup: 1,
    backends: 'wasm,cpu', threads: 0, profile: false, json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options)) throw new Error(`unknown option --${key}`);
    if (key === 'json' || key === 'profile') options[key] = true;
    else options[key] = key === 'backends' ? argv[++i] : Number(argv[++i]);
  }
  return options;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wraps every function of the backend's fused table to add its time to `totals` (for --profile). */
function profileFused(backend, totals) {
  if (!backend.fused) return;
  for (const [name, kernel] of Object.entries(backend.fused)) {
    if (typeof kernel !== 'function') continue;
    backend.fused[name] = (...args) => {
      const t0 = performance.now();
      try {
        return kernel(...args);
      } finally {
        totals[name] = (totals[name] ?? 0) + performance.now() - t0;
      }
    };
  }
}

/** A training step on `entry` (a backend name, or `wasm:N` for N threads); returns the phase timings in ms. */
function trainer(entry, o) {
  const [backendName, threadCount] = entry.split(':');
  const threads = threadCount === undefined ? o.threads : Number(threadCount);
  const previous = getBackend().name;
  setBackend(backendName);
  try {
    const model = new RecurrentLM({ vocabSize: o.vocab, embeddingDim: o.embedding, hiddenSize: o.hidden }, { generator: new Generator(0) });
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const g = new Generator(1);
    return () => {
      if (backendName === 'wasm' && threads > 0) setThreads(threads);
      setBackend(backendName);
      try {
        const inputs = randint(0, o.vocab, [o.batch, o.steps], { generator: g });
        const targets = randint(0, o.vocab, [o.batch, o.steps], { generator: g });
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        const { loss } = model.loss(inputs, targets);
        const forwardDone = performance.now();
        loss.backward();
        const backwardDone = performance.now();
        optimizer.step();
        optimizer.zeroGrad();
        const end = performance.now();
        const cpu = process.cpuUsage(cpuStart);
        return { cpuMs: (cpu.user + cpu.system) / 1000, total: end - start, forward: forwardDone - start, backward: backwardDone - forwardDone, optimizer: end - backwardDone, loss: loss.item() };
      } finally {
        setBackend(previous);
      }
    };
  } finally {
    setBackend(previous);
  }
}

/** Runs the backends' steps interleaved (so that they share the machine's load) and summarises each by medians. */
function measure(backends, o) {
  const steps = backends.map((b) => trainer(b, o));
  for (let i = 0; i < o.warmup; i++) steps.forEach((step) => step());
  const runs = backends.map(() => []);
  for (let i = 0; i < o.iterations; i++) steps.forEach((step, m) => runs[m].push(step()));
  return backends.map((backend, m) => {
    const ms = median(runs[m].map((r) => r.total));
    return {
      backend: backend === 'wasm' ? `wasm:${getThreads()}` : backend,
      medianMs: ms,
      forwardMs: median(runs[m].map((r) => r.forward)),
      backwardMs: median(runs[m].map((r) => r.backward)),
      optimizerMs: median(runs[m].map((r) => r.optimizer)),
      // Processor time of the step on all threads: less sensitive than wall time to other load on the machine.
      cpuMs: median(runs[m].map((r) => r.cpuMs)),
      lastLoss: runs[m][runs[m].length - 1].loss,
      tokensPerSecond: (o.batch * o.steps) / (ms / 1000),
    };
  });
}

const o = parseArgs(process.argv.slice(2));
const fusedTotals = {};
if (o.profile) profileFused(getBackend('wasm'), fusedTotals);
const backends = o.backends.split(',');
const results = measure(backends, o);
const report = {
  experiment: 'lstm-lm-training-step-wasm',
  environment: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform, loadAverage: loadavg()[0] },
  settings: { batch: o.batch, embeddingDim: o.embedding, hiddenSize: o.hidden, vocabSize: o.vocab, seqLen: o.steps, iterations: o.iterations, warmup: o.warmup },
  results,
  ...(o.profile ? { wasmFusedMsPerStep: Object.fromEntries(Object.entries(fusedTotals).map(([k, v]) => [k, v / (o.iterations + o.warmup)])) } : {}),
};
if (o.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`LSTM LM training step, batch ${o.batch}, embedding ${o.embedding}, hidden ${o.hidden}, vocab ${o.vocab}, T ${o.steps} (${report.environment.cpu}, ${report.environment.cores} cores, 1-min load average ${report.environment.loadAverage.toFixed(1)} at the end, node ${process.version})`);
  console.log('| backend | median step (ms) | forward | backward | Adam | tokens/s | CPU time per step, all threads (ms) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.backend} | ${r.medianMs.toFixed(1)} | ${r.forwardMs.toFixed(1)} | ${r.backwardMs.toFixed(1)} | ${r.optimizerMs.toFixed(1)} | ${Math.round(r.tokensPerSecond)} | ${r.cpuMs.toFixed(0)} |`);
  }
  if (o.profile) console.log('wasm fused kernels, ms per step:', report.wasmFusedMsPerStep);
}

// Training throughput of an LSTM language model step (forward + backward + Adam) on the CPU backend, fused vs composed.
// Build first (pnpm build, or tsup in tensor-core, autograd, attention and recurrent), then:
//   node packages/recurrent/bench/lstm-training.mjs [--batch 32] [--embedding 128] [--hidden 256] [--vocab 65] [--steps 100]
//        [--iterations 5] [--warmup 1] [--modes fused,composed] [--json]
import { cpus } from 'node:os';
import { Adam } from '@seqlab/autograd';
import { Generator, memory, randint, resetPeakMemory } from '@seqlab/tensor-core';
import { RecurrentLM } from '@seqlab/recurrent';

function parseArgs(argv) {
  const options = { batch: 32, embedding: 128, hidden: 256, vocab: 65, steps: 100, iterations: 5, warmup: 1, modes: 'fused,composed', json: false };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options)) throw new Error(`unknown option --${key}`);
    if (key === 'json') options.json = true;
    else options[key] = key === 'modes' ? argv[++i] : Number(argv[++i]);
  }
  return options;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A training step of one model; returns the phase timings in ms. */
function trainer(mode, o) {
  const model = new RecurrentLM({ vocabSize: o.vocab, embeddingDim: o.embedding, hiddenSize: o.hidden }, { generator: new Generator(0) });
  model.rnn.fused = mode === 'fused';
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const g = new Generator(1);
  return () => {
    const inputs = randint(0, o.vocab, [o.batch, o.steps], { generator: g });
    const targets = randint(0, o.vocab, [o.batch, o.steps], { generator: g });
    const baseline = memory('cpu').bytes;
    resetPeakMemory('cpu');
    const start = performance.now();
    const { loss } = model.loss(inputs, targets);
    const forwardDone = performance.now();
    loss.backward();
    const backwardDone = performance.now();
    optimizer.step();
    optimizer.zeroGrad();
    const end = performance.now();
    const peakMiB = (memory('cpu').peakBytes - baseline) / 2 ** 20;
    return { total: end - start, forward: forwardDone - start, backward: backwardDone - forwardDone, optimizer: end - backwardDone, peakMiB };
  };
}

/** Runs the modes' steps interleaved (so that they share the machine's load) and summarises each by medians. */
function measure(modes, o) {
  const steps = modes.map((mode) => trainer(mode, o));
  for (let i = 0; i < o.warmup; i++) steps.forEach((step) => step());
  const runs = modes.map(() => []);
  for (let i = 0; i < o.iterations; i++) steps.forEach((step, m) => runs[m].push(step()));
  return modes.map((mode, m) => {
    const ms = median(runs[m].map((r) => r.total));
    return {
      mode,
      medianMs: ms,
      forwardMs: median(runs[m].map((r) => r.forward)),
      backwardMs: median(runs[m].map((r) => r.backward)),
      optimizerMs: median(runs[m].map((r) => r.optimizer)),
      // Tensor storage allocated beyond what was live before the step (the graph kept for backward, gradients, Adam temporaries).
      peakMiB: median(runs[m].map((r) => r.peakMiB)),
      tokensPerSecond: (o.batch * o.steps) / (ms / 1000),
    };
  });
}

const o = parseArgs(process.argv.slice(2));
const results = measure(o.modes.split(','), o);
const report = {
  experiment: 'lstm-lm-training-step',
  backend: 'cpu',
  environment: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform },
  settings: {
    batch: o.batch,
    embeddingDim: o.embedding,
    hiddenSize: o.hidden,
    vocabSize: o.vocab,
    seqLen: o.steps,
    iterations: o.iterations,
    warmup: o.warmup,
  },
  results,
};
if (o.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `LSTM LM training step, batch ${o.batch}, embedding ${o.embedding}, hidden ${o.hidden}, vocab ${o.vocab}, T ${o.steps} (${report.environment.cpu}, node ${process.version})`,
  );
  console.log('| path | median step (ms) | forward | backward | Adam | tokens/s | peak extra tensor memory (MiB) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.mode} | ${r.medianMs.toFixed(1)} | ${r.forwardMs.toFixed(1)} | ${r.backwardMs.toFixed(1)} | ${r.optimizerMs.toFixed(1)} | ${Math.round(r.tokensPerSecond)} | ${r.peakMiB.toFixed(0)} |`,
    );
  }
}

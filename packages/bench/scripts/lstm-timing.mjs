// Rough timing of the fused LSTM on the wasm backend: the LM forward (inference) and the training step of bench:kernels.
//
// Usage (from the repository root, after `pnpm build`): node packages/bench/scripts/lstm-timing.mjs [runs] [threads] [case]
// where case is `forward` or `training` (default: both).
// Shapes are bench:kernels' (batch 32, T 100, embedding 128, hidden 256, vocabulary 65). Prints the median of `runs`
// timed calls after two warm-up calls; on a machine busy with other work the numbers are rough. SEQLAB_KERNELS_WASM,
// if set, is the path of another build of @seqlab/kernels-wasm's index.js to time instead (a before/after comparison).
import { Adam, crossEntropy, Embedding, Linear, noGrad } from '@seqlab/autograd';
import { LSTM, RecurrentLM } from '@seqlab/recurrent';
import { Generator, randint, reshape } from '@seqlab/tensor-core';

const { getThreads, setThreads } = await import(process.env.SEQLAB_KERNELS_WASM ?? '@seqlab/kernels-wasm');
const runs = Number(process.argv[2] ?? 10);
if (process.argv[3] !== undefined) setThreads(Number(process.argv[3]));
const shape = { batch: 32, length: 100, vocabSize: 65, embeddingSize: 128, hiddenSize: 256 };
const tokens = shape.batch * shape.length;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(name, fn) {
  for (let i = 0; i < 2; i++) fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  const m = median(ms);
  console.log(`${name}: median ${m.toFixed(1)} ms over ${runs} runs (min ${Math.min(...ms).toFixed(1)}), ${Math.round(tokens / (m / 1000))} tokens/s`);
}

const generator = new Generator(0);
const backend = 'wasm';
const lm = new RecurrentLM({ vocabSize: shape.vocabSize, embeddingDim: shape.embeddingSize, hiddenSize: shape.hiddenSize }, { generator, backend });
lm.eval();
const ids = randint(0, shape.vocabSize, [shape.batch, shape.length], { generator, backend });
console.log(`threads ${getThreads()}`);
const only = process.argv[4];
if (only !== 'training')
  time('lstm-forward (LM, batch 32, T 100)', () => {
    const { logits, state } = noGrad(() => lm.forward(ids));
    logits.dataSync();
    for (const t of [logits, state.h, state.c]) t?.dispose();
  });

const embedding = new Embedding(shape.vocabSize, shape.embeddingSize, { generator, backend });
const lstm = new LSTM(shape.embeddingSize, shape.hiddenSize, { batchFirst: true, generator, backend });
const head = new Linear(shape.hiddenSize, shape.vocabSize, { generator, backend });
const targets = randint(0, shape.vocabSize, [tokens], { generator, backend });
const optimizer = new Adam(
  [embedding, lstm, head].flatMap((m) => [...m.parameters()]),
  { lr: 1e-3 },
);
if (only !== 'forward')
  time('lstm-training step (embedding, LSTM, head, Adam)', () => {
    optimizer.zeroGrad();
    const { output } = lstm.forward(embedding.forward(ids));
    const loss = crossEntropy(reshape(head.forward(output), [-1, shape.vocabSize]), targets);
    loss.backward();
    optimizer.step();
    loss.item();
  });

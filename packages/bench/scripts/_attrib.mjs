// Attributes wasm copy bytes per kernel and phase for one training step.
import { TransformerEncoderLayer } from '@seqlab/attention';
import { Adam, crossEntropy, Embedding, Linear } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { LSTM } from '@seqlab/recurrent';
import { Generator, randint, randn, reshape } from '@seqlab/tensor-core';
import { LSTM_SHAPE, TRANSFORMER_SHAPE } from '@seqlab/bench';
const which = process.argv[2] ?? 'transformer';
const backend = 'wasm';
let phase = 'fwd';
const acc = new Map();
let depth = 0;
function wrap(table) {
  for (const [name, fn] of Object.entries(table)) {
    if (typeof fn !== 'function') continue;
    table[name] = (...args) => {
      if (depth > 0) return fn(...args);
      depth++;
      const a = wasmHeapStats();
      try { return fn(...args); } finally {
        depth--;
        const b = wasmHeapStats();
        const key = `${phase} ${name}`;
        const e = acc.get(key) ?? { n: 0, in: 0, out: 0 };
        e.n++; e.in += b.bytesCopiedIn - a.bytesCopiedIn; e.out += b.bytesCopiedOut - a.bytesCopiedOut;
        acc.set(key, e);
      }
    };
  }
}
wrap(wasmBackend.kernels); wrap(wasmBackend.fused);
let loss, modules;
if (which === 'lstm') {
  const s = LSTM_SHAPE; const generator = new Generator(1);
  const embedding = new Embedding(s.vocabSize, s.embeddingSize, { generator, backend });
  const lstm = new LSTM(s.embeddingSize, s.hiddenSize, { batchFirst: true, generator, backend });
  const head = new Linear(s.hiddenSize, s.vocabSize, { generator, backend });
  const ids = randint(0, s.vocabSize, [s.batch, s.length], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  loss = () => crossEntropy(reshape(head.forward(lstm.forward(embedding.forward(ids)).output), [-1, s.vocabSize]), targets);
  modules = [embedding, lstm, head];
} else {
  const s = TRANSFORMER_SHAPE; const generator = new Generator(1);
  const block = new TransformerEncoderLayer(s.dModel, s.heads, { dimFeedforward: s.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend });
  const head = new Linear(s.dModel, s.vocabSize, { generator, backend });
  const inputs = randn([s.batch, s.length, s.dModel], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  loss = () => crossEntropy(reshape(head.forward(block.forward(inputs, { isCausal: s.causal })), [-1, s.vocabSize]), targets);
  modules = [block, head];
}
const opt = new Adam(modules.flatMap((m) => [...m.parameters()]), { lr: 1e-3 });
for (let i = 0; i < 3; i++) {
  acc.clear();
  opt.zeroGrad(); phase = 'fwd'; const l = loss(); phase = 'bwd'; l.backward(); phase = 'opt'; opt.step(); l.item();
}
const mib = (b) => (b / 2 ** 20).toFixed(2);
let tin = 0, tout = 0;
for (const [k, e] of [...acc].sort((a, b) => b[1].in + b[1].out - a[1].in - a[1].out)) {
  tin += e.in; tout += e.out;
  if (e.in + e.out > 0) console.log(k.padEnd(40), String(e.n).padStart(4), 'in', mib(e.in).padStart(8), 'out', mib(e.out).padStart(8));
}
console.log('total in', mib(tin), 'out', mib(tout));

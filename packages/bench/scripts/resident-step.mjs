// Rough timing of the two training steps of `bench:kernels` (LSTM LM and Transformer block at the bench shapes) on
// wasm, with the bytes the wasm call frames copy in and out per step and the resident bytes: a check of the resident
// parameters' effect, not a benchmark (use `bench:kernels` on a quiet machine for that).
//
// Run from the repository root after `pnpm build` (it loads the packages' dist builds):
//   node packages/bench/scripts/resident-step.mjs [steps=12] [modes=staged,resident] [cases=lstm,transformer]
// Each case runs twice, interleaved: "staged" copies every Adam result out of wasm memory (the behaviour before
// resident storages: parameters and moments are staged into every call), "resident" keeps them there.
import { TransformerEncoderLayer } from '@seqlab/attention';
import { Adam, crossEntropy, Embedding, Linear } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { LSTM } from '@seqlab/recurrent';
import { Generator, randint, randn, reshape } from '@seqlab/tensor-core';
import { LSTM_SHAPE, TRANSFORMER_SHAPE } from '@seqlab/bench';

const steps = Number(process.argv[2] ?? 12);
const modes = (process.argv[3] ?? 'staged,resident').split(',');
const cases = (process.argv[4] ?? 'lstm,transformer').split(',');
const backend = 'wasm';

function lstmCase() {
  const s = LSTM_SHAPE;
  const generator = new Generator(1);
  const embedding = new Embedding(s.vocabSize, s.embeddingSize, { generator, backend });
  const lstm = new LSTM(s.embeddingSize, s.hiddenSize, { batchFirst: true, generator, backend });
  const head = new Linear(s.hiddenSize, s.vocabSize, { generator, backend });
  const ids = randint(0, s.vocabSize, [s.batch, s.length], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  const loss = () => crossEntropy(reshape(head.forward(lstm.forward(embedding.forward(ids)).output), [-1, s.vocabSize]), targets);
  return { name: 'LSTM LM', modules: [embedding, lstm, head], loss };
}

function transformerCase() {
  const s = TRANSFORMER_SHAPE;
  const generator = new Generator(1);
  const options = { dimFeedforward: s.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend };
  const block = new TransformerEncoderLayer(s.dModel, s.heads, options);
  const head = new Linear(s.dModel, s.vocabSize, { generator, backend });
  const inputs = randn([s.batch, s.length, s.dModel], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  const loss = () => crossEntropy(reshape(head.forward(block.forward(inputs, { isCausal: s.causal })), [-1, s.vocabSize]), targets);
  return { name: 'Transformer block', modules: [block, head], loss };
}

// The fused Adam step with its results copied out into plain typed arrays (their resident blocks released).
const residentAdam = wasmBackend.fused.adamStep;
let stagedOut = 0; // bytes stagedAdam copies out (counted like the call frames' copies before resident storages)
function stagedAdam(...args) {
  const out = residentAdam(...args);
  const plain = {};
  for (const [key, handle] of Object.entries(out)) {
    plain[key] = handle.slice();
    stagedOut += handle.byteLength;
    wasmBackend.release(handle);
  }
  return plain;
}

const mib = (bytes) => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(2));

const makers = { lstm: lstmCase, transformer: transformerCase };
for (const [make, mode] of cases.flatMap((c) => modes.map((m) => [makers[c], m]))) {
  wasmBackend.fused.adamStep = mode === 'resident' ? residentAdam : stagedAdam;
  const { name, modules, loss } = make();
  const parameters = modules.flatMap((m) => [...m.parameters()]);
  const paramBytes = parameters.reduce((n, p) => n + p.size * 4, 0);
  const optimizer = new Adam(parameters, { lr: 1e-3 });
  const times = [];
  let copied;
  for (let i = 0; i < steps; i++) {
    const before = { ...wasmHeapStats(), stagedOut };
    const t0 = performance.now();
    optimizer.zeroGrad();
    const l = loss();
    l.backward();
    optimizer.step();
    l.item();
    times.push(performance.now() - t0);
    const after = { ...wasmHeapStats(), stagedOut };
    if (after.bytesCopiedIn !== undefined)
      copied = { in: after.bytesCopiedIn - before.bytesCopiedIn, out: after.bytesCopiedOut - before.bytesCopiedOut + after.stagedOut - before.stagedOut };
  }
  // The first two steps warm up (and the first moves the parameters into resident memory); report the median of the rest.
  const rest = times.slice(2).sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)];
  const stats = wasmHeapStats();
  console.log(
    `${name} (${mode}): median ${median.toFixed(1)} ms/step over ${rest.length} steps (min ${rest[0].toFixed(1)}); parameters ${mib(paramBytes)} MiB; ` +
      `last step copied in ${mib(copied?.in)} MiB, out ${mib(copied?.out)} MiB; resident ${mib(stats.residentBytes)} MiB`,
  );
  for (const p of parameters) p.dispose();
}
wasmBackend.fused.adamStep = residentAdam;

// Rough timing of resident parameters on wasm: the two training steps of `bench:kernels` (LSTM LM and Transformer
// block at the bench shapes) and batch-1 generation (the `shakespeare-char-cpu` TransformerLM and an LSTM RecurrentLM),
// with the bytes the wasm call frames copy in and out. A check of the change's direction, not a benchmark (use
// `bench:kernels` on a quiet machine for that).
//
// Run from the repository root after `pnpm build` (it loads the packages' dist builds):
//   node packages/bench/scripts/resident-step.mjs [steps=12] [modes=staged,resident] [cases=lstm,transformer,generate]
// (modes: staged, unscratched, resident)
// Each case is built once per mode and their steps alternate (so both see the same load): "staged" turns residency
// off (no `resident` hook, Adam results copied out into plain arrays: the behaviour before resident storages),
// "resident" is the backend as shipped, "unscratched" is "resident" with backward's gradients copied out of wasm memory
// into plain arrays (no `scratchResults` hook: the behaviour before scratch gradients).
import { TransformerEncoderLayer, TransformerLM } from '@seqlab/attention';
import { Adam, crossEntropy, Embedding, Linear } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { LSTM, RecurrentLM } from '@seqlab/recurrent';
import { Generator, randint, randn, reshape } from '@seqlab/tensor-core';
import { LSTM_SHAPE, TRANSFORMER_SHAPE } from '@seqlab/bench';

const steps = Number(process.argv[2] ?? 12);
const modes = (process.argv[3] ?? 'staged,resident').split(',');
const cases = (process.argv[4] ?? 'lstm,transformer,generate').split(',');
const backend = 'wasm';

// Residency off: no resident copies of parameters, and the fused Adam step's results copied out into plain arrays.
const residentHook = wasmBackend.resident;
const residentAdam = wasmBackend.fused.adamStep;
const scratchHook = wasmBackend.scratchResults;
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
function setMode(mode) {
  const resident = mode === 'resident' || mode === 'unscratched';
  wasmBackend.resident = resident ? residentHook : undefined;
  wasmBackend.fused.adamStep = resident ? residentAdam : stagedAdam;
  wasmBackend.scratchResults = mode === 'resident' ? scratchHook : undefined;
}

const copies = () => {
  const s = wasmHeapStats();
  return { in: s.bytesCopiedIn, out: s.bytesCopiedOut + stagedOut, moved: s.bytesMoved ?? 0 };
};
const mib = (bytes) => (bytes / 2 ** 20).toFixed(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function lstmModel() {
  const s = LSTM_SHAPE;
  const generator = new Generator(1);
  const embedding = new Embedding(s.vocabSize, s.embeddingSize, { generator, backend });
  const lstm = new LSTM(s.embeddingSize, s.hiddenSize, { batchFirst: true, generator, backend });
  const head = new Linear(s.hiddenSize, s.vocabSize, { generator, backend });
  const ids = randint(0, s.vocabSize, [s.batch, s.length], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  const loss = () => crossEntropy(reshape(head.forward(lstm.forward(embedding.forward(ids)).output), [-1, s.vocabSize]), targets);
  return { name: 'LSTM LM training step', modules: [embedding, lstm, head], loss };
}

function transformerModel() {
  const s = TRANSFORMER_SHAPE;
  const generator = new Generator(1);
  const options = { dimFeedforward: s.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend };
  const block = new TransformerEncoderLayer(s.dModel, s.heads, options);
  const head = new Linear(s.dModel, s.vocabSize, { generator, backend });
  const inputs = randn([s.batch, s.length, s.dModel], { generator, backend });
  const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend });
  const loss = () => crossEntropy(reshape(head.forward(block.forward(inputs, { isCausal: s.causal })), [-1, s.vocabSize]), targets);
  return { name: 'Transformer block training step', modules: [block, head], loss };
}

// Builds the case once per mode (in that mode), then alternates their steps, so both see the same machine load.
function training(make) {
  const runs = modes.map((mode) => {
    setMode(mode);
    const { name, modules, loss } = make();
    const parameters = modules.flatMap((m) => [...m.parameters()]);
    return { mode, name, parameters, loss, optimizer: new Adam(parameters, { lr: 1e-3 }), times: [], copied: undefined };
  });
  for (let i = 0; i < steps; i++) {
    for (const run of runs) {
      setMode(run.mode);
      const before = copies();
      const t0 = performance.now();
      run.optimizer.zeroGrad();
      const l = run.loss();
      l.backward();
      run.optimizer.step();
      l.item();
      run.times.push(performance.now() - t0);
      const after = copies();
      run.copied = { in: after.in - before.in, out: after.out - before.out, moved: after.moved - before.moved };
    }
  }
  for (const { mode, name, parameters, times, copied } of runs) {
    // The first two steps warm up; report the median of the rest.
    const rest = times.slice(2);
    const paramBytes = parameters.reduce((n, p) => n + p.size * 4, 0);
    console.log(
      `${name} (${mode}): median ${median(rest).toFixed(1)} ms over ${rest.length} steps (min ${Math.min(...rest).toFixed(1)}); ` +
        `parameters ${mib(paramBytes)} MiB; last step copied in ${mib(copied.in)} MiB, out ${mib(copied.out)} MiB, moved inside wasm memory ${mib(copied.moved)} MiB`,
    );
    for (const p of parameters) p.dispose();
  }
}

function generation() {
  const length = 40;
  const makers = [
    ['TransformerLM shakespeare-char-cpu', () => TransformerLM.fromPreset('shakespeare-char-cpu', { vocabSize: 65 }, { generator: new Generator(1), backend })],
    ['RecurrentLM LSTM 128/256', () => new RecurrentLM({ vocabSize: 65, embeddingDim: 128, hiddenSize: 256 }, { generator: new Generator(1), backend })],
  ];
  for (const [name, make] of makers) {
    const runs = modes.map((mode) => (setMode(mode), { mode, lm: make(), perToken: [], copiedIn: 0 }));
    for (let r = 0; r < Math.max(3, steps); r++) {
      for (const run of runs) {
        setMode(run.mode);
        const before = copies();
        const t0 = performance.now();
        run.lm.generate([1, 2, 3], { length, temperature: 0 });
        run.perToken.push((performance.now() - t0) / length);
        run.copiedIn = (copies().in - before.in) / length;
      }
    }
    for (const { mode, lm, perToken, copiedIn } of runs) {
      console.log(
        `${name} generation at batch 1 (${mode}): median ${median(perToken.slice(1)).toFixed(3)} ms/token; copied in ${(copiedIn / 1024).toFixed(1)} KiB/token`,
      );
      for (const p of lm.parameters()) p.dispose();
    }
  }
}

for (const c of cases) {
  if (c === 'lstm') training(lstmModel);
  else if (c === 'transformer') training(transformerModel);
  else if (c === 'generate') generation();
  else throw new Error(`unknown case '${c}' (lstm, transformer, generate)`);
}
setMode('resident');

// Rough timing of the bench's Transformer block on wasm (batch 32, T 100, d 256, 4 heads, ff 1024, causal, post-norm,
// ReLU): the inference forward and the training step (block → Linear head → cross-entropy → backward → Adam), in modes
// that alternate step by step so all see the same load: "fused" is the backend as shipped; "before" takes the fused
// Linear, feed-forward and add + LayerNorm kernels out of the wasm backend (Linear runs as matmul + add + relu and the
// residual sum as its own add, as before those kernels existed); "composed" turns every fused path off (tensor-core's
// `setFusedEnabled`).
// A check of a change's direction, not a benchmark (use `bench:kernels` on a quiet machine for that).
//
// Run from the repository root after `pnpm build` (it loads the packages' dist builds):
//   node --experimental-wasm-relaxed-simd packages/bench/scripts/transformer-timing.mjs [steps=10] [modes=fused,before] [cases=forward,train]
import { TransformerEncoderLayer } from '@seqlab/attention';
import { noGrad, Adam, crossEntropy, Linear } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { Generator, randint, randn, reshape, setFusedEnabled } from '@seqlab/tensor-core';
import { TRANSFORMER_SHAPE } from '@seqlab/bench';

const steps = Number(process.argv[2] ?? 10);
const modes = (process.argv[3] ?? 'fused,before').split(',');
const cases = (process.argv[4] ?? 'forward,train').split(',');
const s = TRANSFORMER_SHAPE;
const tokens = s.batch * s.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

// The kernels "before" removes.
const added = ['linear', 'linearBackward', 'addLayerNorm', 'feedForward', 'feedForwardBackward'].map((name) => [name, wasmBackend.fused[name]]);
function setMode(mode) {
  setFusedEnabled(mode !== 'composed');
  for (const [name, kernel] of added) wasmBackend.fused[name] = mode === 'before' ? undefined : kernel;
}

function build(kind) {
  const generator = new Generator(1);
  const options = { dimFeedforward: s.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend: 'wasm' };
  const block = new TransformerEncoderLayer(s.dModel, s.heads, options);
  const inputs = randn([s.batch, s.length, s.dModel], { generator, backend: 'wasm' });
  if (kind === 'forward') {
    block.eval();
    return () => {
      const out = noGrad(() => block.forward(inputs, { isCausal: s.causal }));
      out.dataSync();
      out.dispose();
    };
  }
  const head = new Linear(s.dModel, s.vocabSize, { generator, backend: 'wasm' });
  const targets = randint(0, s.vocabSize, [tokens], { generator, backend: 'wasm' });
  const optimizer = new Adam([...block.parameters(), ...head.parameters()], { lr: 1e-3 });
  return () => {
    optimizer.zeroGrad();
    const loss = crossEntropy(reshape(head.forward(block.forward(inputs, { isCausal: s.causal })), [-1, s.vocabSize]), targets);
    loss.backward();
    optimizer.step();
    loss.item();
  };
}

for (const kind of cases) {
  const runs = modes.map((mode) => (setMode(mode), { mode, step: build(kind), times: [], copied: null }));
  for (let i = 0; i < steps + 2; i++) {
    for (const run of runs) {
      setMode(run.mode);
      const before = wasmHeapStats();
      const t0 = performance.now();
      run.step();
      run.times.push(performance.now() - t0);
      const after = wasmHeapStats();
      run.copied = { in: after.bytesCopiedIn - before.bytesCopiedIn, out: after.bytesCopiedOut - before.bytesCopiedOut };
    }
  }
  setMode('fused');
  for (const { mode, times, copied } of runs) {
    const rest = times.slice(2);
    const ms = median(rest);
    console.log(
      `transformer ${kind} (${mode}): median ${ms.toFixed(1)} ms (min ${Math.min(...rest).toFixed(1)}) over ${rest.length} steps = ` +
        `${Math.round((tokens / ms) * 1000)} tokens/s (median); last step copied in ${mib(copied.in)} MiB, out ${mib(copied.out)} MiB`,
    );
  }
}

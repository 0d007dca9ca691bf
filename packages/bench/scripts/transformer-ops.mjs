// Kernel calls and bytes copied in and out of wasm memory per kernel, for one inference forward and one training step
// of the bench's Transformer block (batch 32, T 100, d 256, 4 heads, ff 1024, causal, post-norm, ReLU) on wasm.
// Times per kernel are from one step and only indicative; the call and byte counts are exact.
//
// Run from the repository root after `pnpm build` (it loads the packages' dist builds):
//   node --experimental-wasm-relaxed-simd packages/bench/scripts/transformer-ops.mjs [mode=fused|before]
// "before" takes the fused Linear, feed-forward and add + LayerNorm kernels out of the backend (Linear as matmul + add
// + relu, the residual sum as its own add), as before they existed.
import { TransformerEncoderLayer } from '@seqlab/attention';
import { noGrad, Adam, crossEntropy, Linear } from '@seqlab/autograd';
import { wasmBackend, wasmHeapStats } from '@seqlab/kernels-wasm';
import { Generator, randint, randn, reshape } from '@seqlab/tensor-core';
import { TRANSFORMER_SHAPE as s } from '@seqlab/bench';

const mode = process.argv[2] ?? 'fused';
if (mode === 'before')
  for (const name of ['linear', 'linearBackward', 'addLayerNorm', 'feedForward', 'feedForwardBackward']) wasmBackend.fused[name] = undefined;

// Per kernel name: calls, bytes copied in and out, milliseconds (outermost calls only: a kernel calling another counts once).
const counts = new Map();
let depth = 0;
function count(table, prefix) {
  for (const [name, kernel] of Object.entries(table)) {
    if (typeof kernel !== 'function') continue;
    table[name] = (...args) => {
      if (depth > 0) return kernel(...args);
      depth++;
      const before = wasmHeapStats();
      const t0 = performance.now();
      try {
        return kernel(...args);
      } finally {
        depth--;
        const after = wasmHeapStats();
        const c = counts.get(prefix + name) ?? { calls: 0, in: 0, out: 0, ms: 0 };
        c.calls++;
        c.in += after.bytesCopiedIn - before.bytesCopiedIn;
        c.out += after.bytesCopiedOut - before.bytesCopiedOut;
        c.ms += performance.now() - t0;
        counts.set(prefix + name, c);
      }
    };
  }
}
count(wasmBackend.kernels, '');
count(wasmBackend.fused, 'fused.');

const generator = new Generator(1);
const options = { dimFeedforward: s.ffnWidth, dropout: 0, activation: 'relu', batchFirst: true, generator, backend: 'wasm' };
const block = new TransformerEncoderLayer(s.dModel, s.heads, options);
const head = new Linear(s.dModel, s.vocabSize, { generator, backend: 'wasm' });
const inputs = randn([s.batch, s.length, s.dModel], { generator, backend: 'wasm' });
const targets = randint(0, s.vocabSize, [s.batch * s.length], { generator, backend: 'wasm' });
const optimizer = new Adam([...block.parameters(), ...head.parameters()], { lr: 1e-3 });
const forward = () => {
  block.eval();
  noGrad(() => block.forward(inputs, { isCausal: s.causal })).dataSync();
  block.train();
};
const train = () => {
  optimizer.zeroGrad();
  const loss = crossEntropy(reshape(head.forward(block.forward(inputs, { isCausal: s.causal })), [-1, s.vocabSize]), targets);
  loss.backward();
  optimizer.step();
  loss.item();
};

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1).padStart(6);
for (const [name, step] of [
  ['forward', forward],
  ['training step', train],
]) {
  step(); // warm-up: packed weights, resident moments
  counts.clear();
  step();
  const total = { calls: 0, in: 0, out: 0, ms: 0 };
  console.log(`== Transformer block ${name} (${mode})`);
  for (const [kernel, c] of [...counts].sort((a, b) => b[1].ms - a[1].ms)) {
    for (const key of Object.keys(total)) total[key] += c[key];
    console.log(`${kernel.padEnd(26)} ${String(c.calls).padStart(4)} calls  in ${mib(c.in)} MiB  out ${mib(c.out)} MiB  ${c.ms.toFixed(1).padStart(7)} ms`);
  }
  console.log(
    `${'total'.padEnd(26)} ${String(total.calls).padStart(4)} calls  in ${mib(total.in)} MiB  out ${mib(total.out)} MiB  ${total.ms.toFixed(1).padStart(7)} ms`,
  );
}

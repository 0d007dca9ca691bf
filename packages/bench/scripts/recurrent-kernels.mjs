// Rough timing of the wasm fused LSTM sequence kernels alone (no layer, no autograd), for before/after comparisons on
// a busy machine: forward without the backward workspace (inference), forward with it, and BPTT, at bench:kernels'
// recurrent sizes (T 100, batch 32, hidden 256; input 16, so the recurrent work dominates).
//
// Usage (from the repository root, after `pnpm build`): node scripts/recurrent-kernels.mjs [threads] [runs]
// Prints the minimum over `runs` calls after two warm-up calls: of the process's CPU time on one thread (what other
// processes' load disturbs least), of wall time on more. SEQLAB_KERNELS_WASM, if set, is the path of another build of
// @seqlab/kernels-wasm's index.js to time instead. The GFLOP/s count the recurrent product only (2·T·B·H·4H per pass).
import { Generator, tensor } from '@seqlab/tensor-core';

const kernelsWasm = await import(process.env.SEQLAB_KERNELS_WASM ?? '@seqlab/kernels-wasm');
const threads = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 15);
kernelsWasm.setThreads(threads);
const [T, B, I, H] = [100, 32, 16, 256];
const generator = new Generator(1);

function randomTensor(shape, scale) {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = generator.normal() * scale;
  return tensor(values, shape, { backend: 'wasm' });
}

const s = 1 / Math.sqrt(H);
const args = {
  x: randomTensor([T, B, I], 1),
  h0: randomTensor([B, H], 0.5),
  c0: randomTensor([B, H], 0.5),
  weightIh: randomTensor([4 * H, I], s),
  weightHh: randomTensor([4 * H, H], s),
  biasIh: randomTensor([4 * H], s),
  biasHh: randomTensor([4 * H], s),
  lengths: null,
  reverse: false,
};
const kernels = kernelsWasm.wasmBackend.fused;

function time(name, fn) {
  fn();
  fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    fn();
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, threads > 1 ? performance.now() - wall0 : (cpu.user + cpu.system) / 1000);
  }
  const gflops = (2 * T * B * H * 4 * H) / best / 1e6;
  console.log(`${name}: min ${best.toFixed(2)} ms ${threads > 1 ? 'wall' : 'CPU'} (${gflops.toFixed(1)} GFLOP/s recurrent)`);
}

const info = (handle, shape) => ({ handle, shape, dtype: 'float32', size: shape.reduce((a, b) => a * b, 1) });
console.log(`threads ${kernelsWasm.getThreads()}`);
time('lstmSequence, saveWorkspace false', () => kernels.lstmSequence({ ...args, saveWorkspace: false }));
time('lstmSequence, saving the workspace', () => kernels.lstmSequence(args));
const r = kernels.lstmSequence(args);
const saved = { gates: info(r.gates, [T, B, 4 * H]), cPrev: info(r.cPrev, [T, B, H]), cellTanh: info(r.cellTanh, [T, B, H]), hPrev: info(r.hPrev, [T, B, H]) };
const backwardArgs = { ...args, saved, dOutput: randomTensor([T, B, H], 1), dhN: randomTensor([B, H], 1), dcN: randomTensor([B, H], 1) };
time('lstmSequenceBackward', () => kernels.lstmSequenceBackward(backwardArgs));

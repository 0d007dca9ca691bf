// Rough timing of what a wasm kernel result's copy out costs with two ways of making its array: `slice` of the wasm
// memory view (a new zero-filled array, then the copy) against Node's `Buffer.allocUnsafeSlow` (no zero-fill) and a
// `set`, which @seqlab/kernels-wasm uses in Node. 12.5 MiB results (a Transformer block activation at the bench shapes),
// alternating, with a few kept alive and the rest left to the garbage collector, as a training step's activations are.
//
// Run: node packages/bench/scripts/copy-out-alloc.mjs [rounds=60]
const rounds = Number(process.argv[2] ?? 60);
const memory = new WebAssembly.Memory({ initial: 400, maximum: 1000, shared: true });
const f32 = new Float32Array(memory.buffer);
const n = (12.5 * 2 ** 20) / 4;
f32.fill(1.5, 0, n);
const ways = {
  slice: () => f32.slice(0, n),
  allocUnsafeSlow: () => {
    const bytes = Buffer.allocUnsafeSlow(n * 4);
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, n);
    values.set(f32.subarray(0, n));
    return values;
  },
};
const times = { slice: [], allocUnsafeSlow: [] };
const alive = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['slice', 'allocUnsafeSlow'] : ['allocUnsafeSlow', 'slice'];
  for (const way of order) {
    const t0 = performance.now();
    alive.push(ways[way]());
    times[way].push(performance.now() - t0);
    if (alive.length > 8) alive.shift();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const saved = times.slice.map((t, i) => t - times.allocUnsafeSlow[i]);
console.log(
  `12.5 MiB copy out: slice median ${median(times.slice).toFixed(2)} ms, allocUnsafeSlow + set median ` +
    `${median(times.allocUnsafeSlow).toFixed(2)} ms; median paired saving ${median(saved).toFixed(2)} ms over ${rounds} rounds`,
);

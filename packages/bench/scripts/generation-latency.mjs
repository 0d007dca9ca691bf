// Rough ms per generated token at batch 1 for the LSTM LM and the Transformer LM on seqlab's wasm backend (for
// profiling with `node --cpu-prof`): `node scripts/generation-latency.mjs [tokens] [lstm|transformer]` after `pnpm build`.
import { TransformerLM } from '@seqlab/attention';
import { ready } from '@seqlab/kernels-wasm';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator } from '@seqlab/tensor-core';

await ready();
const tokens = Number(process.argv[2] ?? 200);
const only = process.argv[3];
const prompt = [1, 2, 3, 4, 5, 6, 7, 8];
const models = {
  lstm: new RecurrentLM({ vocabSize: 65, embeddingDim: 128, hiddenSize: 256, numLayers: 2 }, { generator: new Generator(0) }),
  transformer: TransformerLM.fromPreset('shakespeare-char-cpu', {}, { generator: new Generator(0) }),
};
for (const [name, model] of Object.entries(models).filter(([n]) => only === undefined || n === only)) {
  model.generate(prompt, { length: 20, temperature: 0 });
  const times = [];
  const cpu = [];
  for (let r = 0; r < 5; r++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    model.generate(prompt, { length: tokens, temperature: 0 });
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / tokens);
    cpu.push((c.user + c.system) / 1000 / tokens);
  }
  // CPU time (all threads of the process) is less sensitive than wall time to other processes on a loaded machine.
  console.log(`${name}: ${Math.min(...times).toFixed(3)} ms/token wall, ${Math.min(...cpu).toFixed(3)} ms/token CPU (best of 5 × ${tokens} tokens)`);
}

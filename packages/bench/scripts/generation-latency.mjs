// Rough ms per generated token at batch 1 for the LSTM LM and the Transformer LM on seqlab's wasm backend (for
// profiling with `node --cpu-prof`): `node scripts/generation-latency.mjs [tokens]` after `pnpm build`.
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
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    model.generate(prompt, { length: tokens, temperature: 0 });
    times.push((performance.now() - t0) / tokens);
  }
  console.log(`${name}: ${Math.min(...times).toFixed(3)} ms/token (best of 3 × ${tokens} tokens)`);
}

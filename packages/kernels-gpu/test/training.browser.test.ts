// Training on the gpu backend in headless Chromium (WebGL2 on SwiftShader): 50 steps of the LSTM and Transformer
// language models match the cpu backend's losses; 1,000 steps without dispose calls keep the live texture count
// flat; a training step compiles no kernel after the first.
import { TransformerLM } from '@seqlab/attention';
import { Adam } from '@seqlab/autograd';
import { backendInfo, compileCount, initGpu } from '@seqlab/kernels-gpu';
import { RecurrentLM } from '@seqlab/recurrent';
import { Generator, memory, setBackend, tensor, type Tensor } from '@seqlab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const VOCAB = 10;
const BATCH = 4;
const SEQ = 8;

/** A language model as these tests train it. */
interface Model {
  loss(inputs: Tensor, targets: Tensor): Tensor;
  parameters(): Iterable<Tensor>;
}

/** The two models, small enough for SwiftShader; the same seed gives the same weights on every backend. */
const MODELS: Record<'LSTM' | 'Transformer', () => Model> = {
  LSTM: () => new RecurrentLM({ vocabSize: VOCAB, embeddingDim: 8, hiddenSize: 16 }, { generator: new Generator(3) }),
  Transformer: () =>
    new TransformerLM({ vocabSize: VOCAB, contextLength: SEQ, numLayers: 1, numHeads: 2, dModel: 16, dFF: 32 }, { generator: new Generator(3) }),
};

/** Counting sequences (each token is the previous plus one, mod VOCAB) from seeded random starts: a learnable task. */
function batches(steps: number): { inputs: number[][]; targets: number[][] }[] {
  const gen = new Generator(11);
  return Array.from({ length: steps }, () => {
    const rows = Array.from({ length: BATCH }, () => {
      const start = gen.int(0, VOCAB - 1);
      return Array.from({ length: SEQ + 1 }, (_, t) => (start + t) % VOCAB);
    });
    return { inputs: rows.map((r) => r.slice(0, -1)), targets: rows.map((r) => r.slice(1)) };
  });
}

/** One Adam step on `model`; the loss tensor is returned unread. */
function step(model: Model, optimizer: Adam, inputs: Tensor, targets: Tensor): Tensor {
  optimizer.zeroGrad();
  const loss = model.loss(inputs, targets);
  loss.backward();
  optimizer.step();
  return loss;
}

/** Trains a fresh model on `backend` over `data`; returns the loss of every step. */
function trainLosses(backend: string, build: () => Model, data: ReturnType<typeof batches>): number[] {
  setBackend(backend);
  const model = build();
  const optimizer = new Adam([...model.parameters()], { lr: 1e-2 });
  return data.map(({ inputs, targets }) => step(model, optimizer, tensor(inputs, undefined, 'int32'), tensor(targets, undefined, 'int32')).item());
}

/** Lets the page's event loop turn, so FinalizationRegistry callbacks (the storage safety net) run. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  await initGpu();
  const info = backendInfo();
  console.log(`gpu backend: mode ${info.mode}, renderer ${info.renderer}${info.software ? ' (software rendering)' : ''}`);
});

afterAll(() => setBackend('cpu'));

describe.each(Object.keys(MODELS) as (keyof typeof MODELS)[])('%s language model on gpu', (name) => {
  it('50 training steps match the cpu backend within float32 tolerance', () => {
    const data = batches(50);
    const cpu = trainLosses('cpu', MODELS[name], data);
    const t0 = performance.now();
    const gpu = trainLosses('gpu', MODELS[name], data);
    console.log(`${name}: 50 steps on gpu in ${((performance.now() - t0) / 1000).toFixed(1)} s; loss ${gpu[0].toFixed(4)} -> ${gpu[49].toFixed(4)}`);
    // Training happened: the counting task is learnable, so the loss falls well below its start.
    expect(cpu[49]).toBeLessThan(cpu[0] * 0.8);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(gpu[i] - cpu[i]), `step ${i + 1}: gpu ${gpu[i]}, cpu ${cpu[i]}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(cpu[i]));
    }
  }, 600_000);

  it('a training step compiles no kernel after the first', () => {
    setBackend('gpu');
    const model = MODELS[name]();
    const optimizer = new Adam([...model.parameters()], { lr: 1e-2 });
    const [{ inputs, targets }] = batches(1);
    const [x, y] = [tensor(inputs, undefined, 'int32'), tensor(targets, undefined, 'int32')];
    step(model, optimizer, x, y).item();
    const afterFirst = compileCount();
    for (let i = 0; i < 3; i++) step(model, optimizer, x, y).item();
    expect(compileCount()).toBe(afterFirst);
  }, 300_000);
});

/**
 * A full collection, then two turns of the event loop: the FinalizationRegistry safety net frees the storage of
 * collected tensors in a task after the collection. Chromium exposes `gc` with --js-flags=--expose-gc (vitest.config.ts).
 */
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('gc() is missing: launch Chromium with --js-flags=--expose-gc');
  gc();
  await yieldTurn();
  await yieldTurn();
}

describe('memory over 1,000 training steps without dispose calls', () => {
  it('keeps the live texture count flat (the LSTM language model)', async () => {
    setBackend('gpu');
    const model = MODELS.LSTM();
    const optimizer = new Adam([...model.parameters()], { lr: 1e-2 });
    const [{ inputs, targets }] = batches(1);
    const [x, y] = [tensor(inputs, undefined, 'int32'), tensor(targets, undefined, 'int32')];
    step(model, optimizer, x, y).item();
    await collect();
    const start = { textures: backendInfo().textures, storages: memory('gpu').storages };
    const uncollected: number[] = [];
    const textures: number[] = [];
    const storages: number[] = [];
    const t0 = performance.now();
    for (let i = 2; i <= 1001; i++) {
      const loss = step(model, optimizer, x, y);
      if (i % 10 === 0) await yieldTurn();
      if (i % 100 === 1) {
        expect(Number.isFinite(loss.item())).toBe(true);
        uncollected.push(backendInfo().textures);
        await collect();
        textures.push(backendInfo().textures);
        storages.push(memory('gpu').storages);
      }
    }
    console.log(
      `1,000 steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; live textures after step 1: ${start.textures}; ` +
        `every 100 steps, after a collection: ${textures.join(' ')}; before it (whatever the GC had freed): ${uncollected.join(' ')}`,
    );
    // Flat: what is alive after a collection is the model, its gradients and Adam's moments, the same at every count.
    // A leak of one texture per step would show as +100 per sample.
    for (const count of textures) expect(count).toBeLessThanOrEqual(start.textures + 2);
    for (const count of storages) expect(count).toBeLessThanOrEqual(start.storages + 2);
  }, 900_000);
});

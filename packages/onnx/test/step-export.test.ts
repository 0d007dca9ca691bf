// Step models: onnxruntime stepping the exported model with its state inputs must give seqlab's own step-by-step
// logits and states (LSTM h/c, Transformer key/value cache) within float32 tolerance, prompt first, then token by token.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { TransformerLM } from '@seqlab/attention';
import { LayerNorm, noGrad } from '@seqlab/autograd';
import { RecurrentLM, type CellType } from '@seqlab/recurrent';
import { Generator, randint, tensor, type Tensor } from '@seqlab/tensor-core';
import { exportOnnxStep, onnxStepStates, readOnnxSummary, UnsupportedExportError, type SteppableModel } from '../src/index.js';
import { expectClose } from './helpers.js';

/** onnxruntime on the step model, fed with zero initial states; `step` runs ids `[batch, n]` and carries the states. */
async function stepper(model: SteppableModel, batch: number): Promise<(ids: Tensor) => Promise<ort.InferenceSession.ReturnType>> {
  model.eval();
  const session = await ort.InferenceSession.create(exportOnnxStep(model), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const states = onnxStepStates(model, batch);
  let feeds: Record<string, ort.Tensor> = Object.fromEntries(
    states.map((s) => [s.input, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), [...s.dims])]),
  );
  return async (ids) => {
    const out = await session.run({ ...feeds, ids: new ort.Tensor('int32', Int32Array.from(ids.dataSync()), [...ids.shape]) });
    feeds = Object.fromEntries(states.map((s) => [s.input, out[s.output]]));
    return out;
  };
}

const gen = new Generator(11);

describe.each(['lstm', 'gru'] as CellType[])('RecurrentLM step model with %s cells', (cell) => {
  it.each([1, 2])('matches seqlab stepping its state: a 4-token prompt, then 5 single tokens, batch %i', async (batch) => {
    const model = new RecurrentLM({ vocabSize: 13, embeddingDim: 6, hiddenSize: 9, numLayers: 2, cell }, { generator: new Generator(3) });
    const step = await stepper(model, batch);
    const names = onnxStepStates(model, batch);
    expect(names.map((s) => s.input)).toEqual(cell === 'lstm' ? ['h0', 'c0'] : ['h0']);
    let state = null;
    for (const [i, length] of [4, 1, 1, 1, 1, 1].entries()) {
      const ids = randint(0, 13, [batch, length], { generator: gen });
      const expected = noGrad(() => model.forward(ids, state));
      state = expected.state;
      const out = await step(ids);
      expectClose(out.logits, expected.logits, `logits at call ${i}`);
      expectClose(out.hn, expected.state.h, `hn at call ${i}`);
      if (cell === 'lstm') expectClose(out.cn, expected.state.c!, `cn at call ${i}`);
    }
  });
});

describe('TransformerLM step model', () => {
  it.each([
    ['tied head, 1 row', true, 1],
    ['untied head, 2 rows', false, 2],
  ] as const)("%s: logits and every layer's keys and values match seqlab's KV-cached steps up to the full context", async (_, tieWeights, batch) => {
    const config = { vocabSize: 17, contextLength: 9, numLayers: 2, numHeads: 2, dModel: 8, tieWeights };
    const model = new TransformerLM(config, { generator: new Generator(5) });
    const step = await stepper(model, batch);
    const cache = model.createCache();
    // A 3-token prompt, then single tokens until the context (9) is full.
    for (const [i, length] of [3, 1, 1, 1, 1, 1, 1].entries()) {
      const ids = randint(0, 17, [batch, length], { generator: gen });
      const expected = noGrad(() => model.forward(ids, { cache }));
      const out = await step(ids);
      expectClose(out.logits, expected, `logits at call ${i}`);
      cache.layers.forEach((layer, l) => {
        expectClose(out[`present_key_${l}`], layer.keys!, `layer ${l} keys at call ${i}`);
        expectClose(out[`present_value_${l}`], layer.values!, `layer ${l} values at call ${i}`);
      });
    }
    expect(cache.length).toBe(9);
  });

  it('a step from an empty cache equals the full-sequence forward', async () => {
    const model = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(8) });
    const step = await stepper(model, 1);
    const ids = tensor([[3, 1, 4, 1, 5]], undefined, 'int32');
    expectClose(
      (await step(ids)).logits,
      noGrad(() => model.forward(ids)),
      'logits',
    );
  });

  it('declares ids and the past keys and values, logits and the present ones, with dynamic axes', () => {
    const model = TransformerLM.fromPreset('tiny', { vocabSize: 20 }, { generator: new Generator(0) });
    const summary = readOnnxSummary(exportOnnxStep(model, { name: 'step' }));
    expect(summary.inputs.map((v) => v.name)).toEqual(['ids', 'past_key_0', 'past_value_0', 'past_key_1', 'past_value_1']);
    expect(summary.outputs.map((v) => v.name)).toEqual(['logits', 'present_key_0', 'present_value_0', 'present_key_1', 'present_value_1']);
    expect(summary.inputs[1].dims).toEqual(['batch', 'past', 64]);
    expect(summary.outputs[1].dims).toEqual(['batch', 'present', 64]);
    expect(onnxStepStates(model, 3).map((s) => s.dims)).toEqual(Array(4).fill([3, 0, 64]));
  });
});

describe('exportOnnxStep on models it cannot step', () => {
  it('rejects a model that is not a language model, naming the class', () => {
    const norm = new LayerNorm(4);
    expect(() => exportOnnxStep(norm as unknown as SteppableModel)).toThrow(UnsupportedExportError);
    expect(() => exportOnnxStep(norm as unknown as SteppableModel)).toThrow(
      /exportOnnxStep: argument 'model' must be a RecurrentLM or a TransformerLM; received a LayerNorm/,
    );
    expect(() => onnxStepStates(norm as unknown as SteppableModel)).toThrow(/onnxStepStates: argument 'model'/);
  });

  it('rejects options of the wrong type', () => {
    const model = new RecurrentLM({ vocabSize: 5, embeddingDim: 2, hiddenSize: 3 });
    expect(() => exportOnnxStep(model, null as unknown as object)).toThrow(/exportOnnxStep: argument 'options' must be an object/);
  });
});

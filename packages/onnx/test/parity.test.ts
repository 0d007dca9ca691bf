// onnxruntime-node runs every exported model and must give seqlab's outputs and final states within float32 tolerance.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MultiHeadAttention, TransformerEncoderLayer, TransformerLM } from '@seqlab/attention';
import { noGrad, type Module } from '@seqlab/autograd';
import { GRU, LSTM, RecurrentLM, RNN, type AnyRecurrentLayer, type CellType } from '@seqlab/recurrent';
import { Generator, randn, randint, type Tensor } from '@seqlab/tensor-core';
import { exportOnnx, readOnnxSummary } from '../src/index.js';
import { expectClose } from './helpers.js';

const BATCHES = [1, 3];
const LENGTHS = [1, 6];

async function session(model: Module, bytes: Uint8Array): Promise<ort.InferenceSession> {
  model.eval();
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
}

function ortFloat(t: Tensor): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(t.dataSync()), [...t.shape]);
}

function ortIds(t: Tensor): ort.Tensor {
  return new ort.Tensor('int32', Int32Array.from(t.dataSync()), [...t.shape]);
}

const gen = new Generator(7);

describe.each(['lstm', 'gru', 'rnn'] as CellType[])('RecurrentLM with %s cells', (cell) => {
  it.each([1, 2])('matches seqlab with %i layer(s), with and without state inputs, at two batch sizes and lengths', async (numLayers) => {
    const model = new RecurrentLM({ vocabSize: 11, embeddingDim: 5, hiddenSize: 7, numLayers, cell }, { generator: new Generator(numLayers) });
    const plain = await session(model, exportOnnx(model));
    const stateful = await session(model, exportOnnx(model, { state: true }));
    expect(plain.inputNames).toEqual(['ids']);
    expect(stateful.inputNames).toEqual(cell === 'lstm' ? ['ids', 'h0', 'c0'] : ['ids', 'h0']);
    expect(stateful.outputNames).toEqual(cell === 'lstm' ? ['logits', 'hn', 'cn'] : ['logits', 'hn']);
    for (const B of BATCHES) {
      for (const T of LENGTHS) {
        const ids = randint(0, 11, [B, T], { generator: gen });
        const h0 = randn([numLayers, B, 7], { generator: gen });
        const c0 = randn([numLayers, B, 7], { generator: gen });
        const fresh = noGrad(() => model.forward(ids));
        expectClose((await plain.run({ ids: ortIds(ids) })).logits, fresh.logits, `logits B${B} T${T}`);
        const carried = noGrad(() => model.forward(ids, cell === 'lstm' ? { h: h0, c: c0 } : { h: h0 }));
        const feeds: Record<string, ort.Tensor> = { ids: ortIds(ids), h0: ortFloat(h0) };
        if (cell === 'lstm') feeds.c0 = ortFloat(c0);
        const out = await stateful.run(feeds);
        expectClose(out.logits, carried.logits, `logits from a state, B${B} T${T}`);
        expectClose(out.hn, carried.state.h, `hn B${B} T${T}`);
        if (cell === 'lstm') expectClose(out.cn, carried.state.c!, `cn B${B} T${T}`);
      }
    }
  });
});

describe('standalone recurrent layers', () => {
  const layers: [string, () => AnyRecurrentLayer][] = [
    ['LSTM, 2 layers, bidirectional, batch-first', () => new LSTM(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true, generator: new Generator(1) })],
    ['GRU, 2 layers, sequence-first', () => new GRU(4, 5, { numLayers: 2, generator: new Generator(2) })],
    ['GRU, bidirectional, no bias', () => new GRU(4, 5, { bidirectional: true, bias: false, generator: new Generator(3) })],
    ['RNN, relu, 2 layers, bidirectional', () => new RNN(4, 5, { numLayers: 2, bidirectional: true, nonlinearity: 'relu', generator: new Generator(4) })],
    ['RNN, tanh, batch-first', () => new RNN(4, 5, { batchFirst: true, generator: new Generator(5) })],
  ];
  it.each(layers)('%s: output and final states match, from zeros and from given states', async (_, make) => {
    const layer = make();
    const plain = await session(layer, exportOnnx(layer));
    const stateful = await session(layer, exportOnnx(layer, { state: true }));
    const isLSTM = layer instanceof LSTM;
    const states = layer.numLayers * layer.directions;
    for (const B of BATCHES) {
      for (const T of LENGTHS) {
        const x = randn(layer.batchFirst ? [B, T, 4] : [T, B, 4], { generator: gen });
        const h0 = randn([states, B, 5], { generator: gen });
        const c0 = randn([states, B, 5], { generator: gen });
        const fresh = noGrad(() => (isLSTM ? layer.forward(x) : layer.forward(x)));
        const zeroRun = await plain.run({ x: ortFloat(x) });
        expectClose(zeroRun.output, fresh.output, `output B${B} T${T}`);
        expectClose(zeroRun.hn, fresh.hN, `hn B${B} T${T}`);
        const feeds: Record<string, ort.Tensor> = { x: ortFloat(x), h0: ortFloat(h0) };
        if (isLSTM) feeds.c0 = ortFloat(c0);
        const run = await stateful.run(feeds);
        if (layer instanceof LSTM) {
          const r = noGrad(() => layer.forward(x, { h0, c0 }));
          expectClose(run.output, r.output, `output from a state, B${B} T${T}`);
          expectClose(run.hn, r.hN, `hn from a state, B${B} T${T}`);
          expectClose(run.cn, r.cN, `cn from a state, B${B} T${T}`);
        } else {
          const r = noGrad(() => layer.forward(x, { h0 }));
          expectClose(run.output, r.output, `output from a state, B${B} T${T}`);
          expectClose(run.hn, r.hN, `hn from a state, B${B} T${T}`);
        }
      }
    }
  });
});

describe('TransformerLM', () => {
  const configs = [
    ['2 layers, tied head, biases', { vocabSize: 13, contextLength: 16, numLayers: 2, numHeads: 2, dModel: 8 }],
    ['1 layer, untied head, no biases', { vocabSize: 13, contextLength: 16, numLayers: 1, numHeads: 4, dModel: 8, dFF: 12, bias: false, tieWeights: false }],
  ] as const;
  it.each(configs)('%s: logits match at two batch sizes and lengths', async (_, config) => {
    const model = new TransformerLM({ ...config, dropout: 0.1 }, { generator: new Generator(11) });
    const s = await session(model, exportOnnx(model));
    expect(s.inputNames).toEqual(['ids']);
    expect(s.outputNames).toEqual(['logits']);
    for (const B of BATCHES) {
      for (const T of LENGTHS) {
        const ids = randint(0, 13, [B, T], { generator: gen });
        const expected = noGrad(() => model.forward(ids));
        expectClose((await s.run({ ids: ortIds(ids) })).logits, expected, `logits B${B} T${T}`);
      }
    }
  });
});

describe('TransformerEncoderLayer', () => {
  const variants = [
    ['post-norm, relu, sequence-first', { dimFeedforward: 12 }, false],
    ['pre-norm, gelu, batch-first, causal', { dimFeedforward: 12, normFirst: true, activation: 'gelu', batchFirst: true }, true],
    ['post-norm, no biases, causal', { dimFeedforward: 12, bias: false }, true],
  ] as const;
  it.each(variants)('%s: output matches', async (_, options, causal) => {
    const layer = new TransformerEncoderLayer(8, 2, { ...options, generator: new Generator(12) });
    const s = await session(layer, exportOnnx(layer, { causal }));
    for (const B of BATCHES) {
      for (const T of LENGTHS) {
        const src = randn(layer.options.batchFirst ? [B, T, 8] : [T, B, 8], { generator: gen });
        const expected = noGrad(() => layer.forward(src, { isCausal: causal }));
        expectClose((await s.run({ src: ortFloat(src) })).output, expected, `output B${B} T${T}`);
      }
    }
  });
});

describe('MultiHeadAttention', () => {
  const variants = [
    ['packed projections, sequence-first', { batchFirst: false }, false],
    ['separate kdim/vdim projections, batch-first, causal', { batchFirst: true, kdim: 3, vdim: 5 }, true],
  ] as const;
  it.each(variants)('%s: output matches for a source of another length', async (_, options, causal) => {
    const mha = new MultiHeadAttention(8, 2, { ...options, generator: new Generator(13) });
    const s = await session(mha, exportOnnx(mha, { causal }));
    expect(s.inputNames).toEqual(['query', 'key', 'value']);
    for (const B of BATCHES) {
      for (const T of LENGTHS) {
        const S = T + 2;
        const shape = (len: number, width: number): number[] => (mha.batchFirst ? [B, len, width] : [len, B, width]);
        const q = randn(shape(T, 8), { generator: gen });
        const k = randn(shape(S, mha.kdim), { generator: gen });
        const v = randn(shape(S, mha.vdim), { generator: gen });
        const expected = noGrad(() => mha.forward(q, k, v, { isCausal: causal, needWeights: false })).output;
        expectClose((await s.run({ query: ortFloat(q), key: ortFloat(k), value: ortFloat(v) })).output, expected, `output B${B} T${T}`);
      }
    }
  });
});

describe('the exported file', () => {
  it('declares opset 17, dynamic batch and sequence axes, and its size', () => {
    const model = new RecurrentLM({ vocabSize: 11, embeddingDim: 5, hiddenSize: 7, numLayers: 2 }, { generator: new Generator(0) });
    const bytes = exportOnnx(model, { state: true });
    const summary = readOnnxSummary(bytes);
    expect(summary.opset).toBe(17);
    expect(summary.bytes).toBe(bytes.length);
    expect(summary.inputs).toEqual([
      { name: 'ids', type: 'int32', dims: ['batch', 'sequence'] },
      { name: 'h0', type: 'float32', dims: [2, 'batch', 7] },
      { name: 'c0', type: 'float32', dims: [2, 'batch', 7] },
    ]);
    expect(summary.outputs.map((o) => o.name)).toEqual(['logits', 'hn', 'cn']);
    expect(summary.outputs[0].dims).toEqual(['batch', 'sequence', 11]);
  });
});

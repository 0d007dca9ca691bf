// Transformer layers: encoder-layer parity (transformer_encoder_layer.json) on every backend, positional encodings, decoder wiring, stacks and Transformer.
import { afterEach, describe, expect, it } from 'vitest';
import { add, Generator, mul, randn, relu, setFusedEnabled, slice, sum, transpose, type Tensor } from '@seqlab/tensor-core';
import { gradcheck, LayerNorm } from '@seqlab/autograd';
import {
  generateSquareSubsequentMask,
  LearnedPositionalEmbedding,
  sinusoidalPositionalEncoding,
  SinusoidalPositionalEncoding,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '@seqlab/attention';
import { positionalEncodingGoldensSuite, transformerEncoderLayerGoldensSuite } from '@seqlab/test-utils/parity-suites';
import { expectClose, fromGolden, seeded } from './helpers.js';
import { BACKENDS as PARITY_BACKENDS } from '@seqlab/test-utils/backends';

afterEach(() => {
  setFusedEnabled(true);
});

// The PyTorch parity bodies are shared with the gpu backend's browser tests (packages/kernels-gpu).
describe.each(PARITY_BACKENDS)('%s backend', (backend) => transformerEncoderLayerGoldensSuite(backend));

describe('positional encodings', () => {
  for (const backend of PARITY_BACKENDS) positionalEncodingGoldensSuite(backend);

  it('the module adds rows [offset, offset+L) in both layouts and rejects sequences past maxLen', () => {
    const pe = new SinusoidalPositionalEncoding(8, { maxLen: 16, batchFirst: true, dtype: 'float64' });
    const x = seeded(new Generator(1), [2, 5, 8]);
    const table = sinusoidalPositionalEncoding(16, 8, { dtype: 'float64' });
    expectClose(pe.forward(x, 3), add(x, slice(table, [3, 0], [5, 8])), { rtol: 0, atol: 1e-15 });
    const seqFirst = new SinusoidalPositionalEncoding(8, { maxLen: 16, dtype: 'float64' });
    expectClose(transpose(seqFirst.forward(transpose(x, 0, 1)), 0, 1), pe.forward(x), { rtol: 0, atol: 1e-15 });
    expect(() => pe.forward(seeded(new Generator(1), [2, 17, 8]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => pe.forward(x, 12)).toThrow(/maxLen 16/);
    expect(Object.keys(pe.stateDict())).toEqual([]);
  });

  it('learned embedding adds trained rows, receives their gradients and rejects overlong input', () => {
    const pos = new LearnedPositionalEmbedding(4, { maxLen: 6, batchFirst: true, generator: new Generator(2), dtype: 'float64' });
    expect(Object.keys(pos.stateDict())).toEqual(['weight']);
    const x = seeded(new Generator(3), [2, 3, 4]);
    sum(pos.forward(x, 2)).backward();
    const g = pos.weight.grad!.toArray() as number[][];
    expect(g.map((row) => row[0])).toEqual([0, 0, 2, 2, 2, 0]);
    expect(() => pos.forward(seeded(new Generator(3), [2, 7, 4]))).toThrow(/maxLen 6/);
  });
});

describe('TransformerDecoderLayer', () => {
  const make = (normFirst: boolean) =>
    new TransformerDecoderLayer(8, 2, { dimFeedforward: 12, dropout: 0, batchFirst: true, normFirst, generator: new Generator(5), dtype: 'float64' });

  it.each([false, true])('follows the PyTorch block structure (normFirst %s)', (normFirst) => {
    const layer = make(normFirst);
    const gen = new Generator(6);
    const tgt = seeded(gen, [2, 4, 8]),
      memory = seeded(gen, [2, 6, 8]);
    const tgtMask = generateSquareSubsequentMask(4, { dtype: 'float64' });
    const sa = (x: Tensor) => layer.self_attn.forward(x, x, x, { attnMask: tgtMask }).output;
    const ca = (x: Tensor) => layer.multihead_attn.forward(x, memory, memory).output;
    const ff = (x: Tensor) => layer.linear2.forward(relu(layer.linear1.forward(x)));
    let x = tgt;
    if (normFirst) {
      x = add(x, sa(layer.norm1.forward(x)));
      x = add(x, ca(layer.norm2.forward(x)));
      x = add(x, ff(layer.norm3.forward(x)));
    } else {
      x = layer.norm1.forward(add(x, sa(x)));
      x = layer.norm2.forward(add(x, ca(x)));
      x = layer.norm3.forward(add(x, ff(x)));
    }
    expectClose(layer.forward(tgt, memory, { tgtMask }), x, { rtol: 1e-12, atol: 1e-12 });
    expectClose(layer.forward(tgt, memory, { tgtIsCausal: true }), x, { rtol: 1e-12, atol: 1e-12 });
  });

  it('is causal in the target, ignores padded memory, and passes gradcheck on tgt and memory', () => {
    const layer = make(false);
    const gen = new Generator(7);
    const tgt = seeded(gen, [1, 4, 8]),
      memory = seeded(gen, [1, 5, 8]);
    const base = layer.forward(tgt, memory, { tgtIsCausal: true }).toArray() as number[][][];
    const changedLast = add(tgt, mul(seeded(gen, [1, 4, 8]), fromGolden({ shape: [1, 4, 1], data: [0, 0, 0, 1] }, 'float64')));
    const after = layer.forward(changedLast, memory, { tgtIsCausal: true }).toArray() as number[][][];
    expect(after[0].slice(0, 3)).toEqual(base[0].slice(0, 3));
    expect(after[0][3]).not.toEqual(base[0][3]);
    const pad = fromGolden({ shape: [1, 5], data: [0, 0, 0, 1, 1], dtype: 'bool' });
    const memory2 = add(memory, mul(seeded(gen, [1, 5, 8]), fromGolden({ shape: [1, 5, 1], data: [0, 0, 0, 1, 1] }, 'float64')));
    expectClose(layer.forward(tgt, memory, { memoryKeyPaddingMask: pad }), layer.forward(tgt, memory2, { memoryKeyPaddingMask: pad }), {
      rtol: 1e-12,
      atol: 1e-12,
    });
    const small = new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: true, generator: new Generator(8), dtype: 'float64' });
    const t = seeded(gen, [1, 3, 4]).requiresGrad_(),
      m = seeded(gen, [1, 2, 4]).requiresGrad_();
    expect(gradcheck((a, b) => small.forward(a, b, { tgtIsCausal: true }), [t, m])).toBe(true);
  });
});

describe('stacks and the encoder-decoder Transformer', () => {
  it('TransformerEncoder clones the layer (same initial weights) and applies the final norm', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, generator: new Generator(9), dtype: 'float64' });
    const encoder = new TransformerEncoder(layer, 3, { norm: new LayerNorm(8, { dtype: 'float64' }) });
    const names = Object.keys(encoder.stateDict());
    expect(names.slice(0, 2)).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias']);
    expect(names.filter((n) => n.startsWith('layers.2.')).length).toBe(12);
    expect(names.slice(-2)).toEqual(['norm.weight', 'norm.bias']);
    expect([...encoder.layers[2].linear1.weight.dataSync()]).toEqual([...layer.linear1.weight.dataSync()]);
    const x = seeded(new Generator(10), [2, 5, 8]);
    let expected = x;
    for (const l of encoder.layers) expected = l.forward(expected, { isCausal: true });
    expectClose(encoder.forward(x, { isCausal: true }), encoder.norm!.forward(expected), { rtol: 1e-12, atol: 1e-12 });
    const decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dropout: 0, dimFeedforward: 16, batchFirst: true, dtype: 'float64' }), 2);
    expect(decoder.forward(seeded(new Generator(1), [2, 3, 8]), x).shape).toEqual([2, 3, 8]);
  });

  it('Transformer has nn.Transformer state dict names, Xavier matrices and forward = decode(encode)', () => {
    const model = new Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 2,
      numDecoderLayers: 1,
      dimFeedforward: 16,
      dropout: 0,
      generator: new Generator(11),
      dtype: 'float64',
    });
    const names = Object.keys(model.stateDict());
    expect(names).toContain('encoder.layers.1.linear2.bias');
    expect(names).toContain('encoder.norm.weight');
    expect(names).toContain('decoder.layers.0.multihead_attn.in_proj_weight');
    expect(names).toContain('decoder.layers.0.norm3.bias');
    expect(names.at(-1)).toBe('decoder.norm.bias');
    expect(names.length).toBe(2 * 12 + 2 + 18 + 2);
    // Cloned layers start equal, but _reset_parameters then redraws every matrix independently.
    expect([...model.encoder.layers[0].linear1.weight.dataSync()]).not.toEqual([...model.encoder.layers[1].linear1.weight.dataSync()]);
    const src = seeded(new Generator(12), [6, 2, 8]),
      tgt = seeded(new Generator(13), [4, 2, 8]);
    const out = model.forward(src, tgt, { tgtMask: generateSquareSubsequentMask(4, { dtype: 'float64' }) });
    expect(out.shape).toEqual([4, 2, 8]);
    expectClose(out, model.decode(tgt, model.encode(src), { tgtIsCausal: true }), { rtol: 1e-12, atol: 1e-12 });
  });

  it('rejects heads that do not divide the width and bad options', () => {
    expect(() => new TransformerEncoderLayer(10, 4)).toThrow(/'dModel' \(10\) must be divisible by 'nhead' \(4\)/);
    expect(() => new TransformerDecoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 0 })).toThrow(/numEncoderLayers/);
    const layer = new TransformerEncoderLayer(8, 2, { batchFirst: true });
    expect(() => layer.forward(randn([2, 5, 6]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('GELU layers differ from ReLU layers with the same weights', () => {
    const a = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, generator: new Generator(3) });
    const b = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, activation: 'gelu' });
    b.loadStateDict(a.stateDict());
    const x = randn([1, 4, 8], { generator: new Generator(4) });
    expect([...a.forward(x).dataSync()]).not.toEqual([...b.forward(x).dataSync()]);
  });
});

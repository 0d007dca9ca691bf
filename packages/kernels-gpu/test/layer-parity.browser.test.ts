// PyTorch parity of the recurrent and attention layers on the gpu backend in headless Chromium (WebGL2): the
// rnn/lstm/gru, attention, transformer_encoder_layer and positional_encoding suites that the recurrent and attention
// packages' Node tests run on cpu and wasm, with the same assertions and tolerances, fused and composed paths.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, initGpu } from '@seqlab/kernels-gpu';
import {
  attentionGoldensSuite,
  multiHeadAttentionGoldensSuite,
  positionalEncodingGoldensSuite,
  recurrentGoldensSuite,
  recurrentLengthsSuite,
  transformerEncoderLayerGoldensSuite,
} from '@seqlab/test-utils/parity-suites';

beforeAll(async () => {
  await initGpu();
});

describe('gpu backend', () => {
  it('runs its kernels as WebGL kernels', () => expect(backendInfo().kernelMode).toBe('gpu'));
  describe('recurrent layers (rnn.json, lstm.json, gru.json)', () => recurrentGoldensSuite('gpu'));
  describe('recurrent layers with lengths', () => recurrentLengthsSuite('gpu'));
  describe('scaledDotProductAttention (attention.json)', () => attentionGoldensSuite('gpu'));
  describe('MultiHeadAttention (attention.json)', () => multiHeadAttentionGoldensSuite('gpu'));
  describe('TransformerEncoderLayer (transformer_encoder_layer.json)', () => transformerEncoderLayerGoldensSuite('gpu'));
  describe('positional encodings (positional_encoding.json)', () => positionalEncodingGoldensSuite('gpu'));
});

// Attention layers against PyTorch (attention.json, transformer_encoder_layer.json, positional_encoding.json) on one backend.
import '@seqlab/autograd';
import {
  generateSquareSubsequentMask,
  MultiHeadAttention,
  scaledDotProductAttention,
  sinusoidalPositionalEncoding,
  TransformerEncoderLayer,
} from '@seqlab/attention';
import { mul, setFusedEnabled, sum, transpose, type Tensor } from '@seqlab/tensor-core';
import { afterEach, describe, expect, it } from 'vitest';
import attentionGoldens from '../fixtures/goldens/attention.json';
import positionalEncodingGoldens from '../fixtures/goldens/positional_encoding.json';
import encoderLayerGoldens from '../fixtures/goldens/transformer_encoder_layer.json';
import { storedDTypes, stores } from './backend-dtypes.js';
import { fromGolden, type GoldenCase, type GoldenTensor } from './goldens.js';
import { expectClose } from './harness.js';

interface SdpaCase {
  inputs: Record<string, GoldenTensor>;
  loss_weight_G: GoldenTensor;
  outputs: Record<string, GoldenTensor>;
  grads: Record<string, GoldenTensor>;
}
type MhaCase = GoldenCase<Record<string, number>, Record<string, GoldenTensor> | string> & { loss_weight_G: GoldenTensor };
type LayerCase = GoldenCase<Record<string, unknown>, Record<string, GoldenTensor> | string> & { loss_weight_G: GoldenTensor };

const sdpaCases = attentionGoldens.cases as unknown as Record<string, SdpaCase>;
const mhaCases = attentionGoldens.cases as unknown as Record<string, MhaCase>;
const layerCases = encoderLayerGoldens.cases as unknown as Record<string, LayerCase>;

/**
 * The `[dtype, fused, batchFirst]` combinations every PyTorch-parity suite of the attention layers runs.
 *
 * @example
 * ```ts
 * const [dtype, fused, batchFirst] = PARITY_CONFIGS[0]; // float32, fused, batch first
 * ```
 */
export const PARITY_CONFIGS = [
  ['float32', true, true],
  ['float32', false, true],
  ['float32', true, false],
  ['float64', true, true],
  ['float64', false, false],
] as const;

/**
 * The {@link PARITY_CONFIGS} whose dtype `backend` stores (float64 drops out on wasm and gpu).
 *
 * @example
 * ```ts
 * describe.each(parityConfigs('wasm'))('%s (fused %s, batchFirst %s)', (dtype, fused, batchFirst) => {});
 * ```
 */
export function parityConfigs(backend: string): (typeof PARITY_CONFIGS)[number][] {
  return PARITY_CONFIGS.filter(([dtype]) => stores(backend, dtype));
}

/** `[dtype, fused]` for every float dtype `backend` stores. */
function variants(backend: string): (readonly ['float32' | 'float64', boolean])[] {
  return storedDTypes(backend, ['float32', 'float64'] as const).flatMap((dtype) => [[dtype, true] as const, [dtype, false] as const]);
}

/** The goldens' tolerances (transformer layers allow 1e-11 absolute in float64: two LayerNorms and a feed-forward). */
function tolerance(dtype: 'float32' | 'float64', atol64 = 1e-12): { rtol: number; atol: number } {
  return dtype === 'float32' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-10, atol: atol64 };
}

/**
 * `scaledDotProductAttention` on `backend` against attention.json's SDPA cases, fused and composed: outputs, weights and
 * the gradients of Q, K and V, without a mask, causal, cross-attention with a mask.
 *
 * @example
 * ```ts
 * describe.each(BACKENDS)('%s backend', (backend) => attentionGoldensSuite(backend));
 * ```
 */
export function attentionGoldensSuite(backend: string): void {
  describe.each(variants(backend))('attention.json SDPA parity in %s (fused %s)', (dtype, fused) => {
    const tol = tolerance(dtype);
    for (const name of ['sdpa_nomask', 'sdpa_causal', 'sdpa_cross_nonsquare']) {
      it(`${name}: out, attn and grads of Q, K, V`, () => {
        const c = sdpaCases[name];
        const [q, k, v] = ['Q', 'K', 'V'].map((n) => fromGolden(c.inputs[n], dtype, backend).requiresGrad_());
        const mask = c.inputs.mask === undefined ? undefined : fromGolden(c.inputs.mask, dtype, backend);
        const { output, weights } = scaledDotProductAttention(q, k, v, { mask, returnWeights: true, fused });
        expect(output.backendName).toBe(backend);
        expectClose(output, c.outputs.out.data, { ...tol, shape: c.outputs.out.shape });
        expectClose(weights!, c.outputs.attn.data, { ...tol, shape: c.outputs.attn.shape });
        sum(mul(output, fromGolden(c.loss_weight_G, dtype, backend))).backward();
        expectClose(q.grad!, c.grads.Q.data, tol);
        expectClose(k.grad!, c.grads.K.data, tol);
        expectClose(v.grad!, c.grads.V.data, tol);
      });
    }

    it('sdpa_causal: isCausal and a float -inf mask give the same as the bool mask', () => {
      const c = sdpaCases.sdpa_causal;
      const [q, k, v] = ['Q', 'K', 'V'].map((n) => fromGolden(c.inputs[n], dtype, backend));
      expectClose(scaledDotProductAttention(q, k, v, { isCausal: true, fused }).output, c.outputs.out.data, tol);
      const floatMask = generateSquareSubsequentMask(4, { dtype, backend });
      expectClose(scaledDotProductAttention(q, k, v, { mask: floatMask, fused }).output, c.outputs.out.data, tol);
    });
  });
}

/** MultiHeadAttention with attention.json's shared parameters, in `dtype` on `backend`. */
function buildMha(dtype: 'float32' | 'float64', batchFirst: boolean, backend: string): MultiHeadAttention {
  const params = mhaCases.mha_self.params as Record<string, GoldenTensor>;
  const mha = new MultiHeadAttention(8, 2, { batchFirst, dtype, backend });
  mha.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, g]) => [k, fromGolden(g, dtype, backend)])));
  return mha;
}

/** Golden batch-first [B, L, E] in this layer's layout. */
const layout = (t: Tensor, batchFirst: boolean): Tensor => (batchFirst ? t : transpose(t, 0, 1));

/**
 * `MultiHeadAttention` on `backend` against attention.json's MHA cases in every {@link parityConfigs} combination:
 * outputs, averaged and per-head weights, gradients of the inputs and of every parameter.
 *
 * @example
 * ```ts
 * describe.each(BACKENDS)('%s backend', (backend) => multiHeadAttentionGoldensSuite(backend));
 * ```
 */
export function multiHeadAttentionGoldensSuite(backend: string): void {
  afterEach(() => {
    setFusedEnabled(true);
  });

  describe.each(parityConfigs(backend))('attention.json MHA parity in %s (fused %s, batchFirst %s)', (dtype, fused, batchFirst) => {
    const tol = tolerance(dtype);

    for (const name of ['mha_self', 'mha_self_causal']) {
      it(`${name}: output, averaged and per-head weights, gradients of x and every parameter`, () => {
        setFusedEnabled(fused);
        const c = mhaCases[name];
        const mha = buildMha(dtype, batchFirst, backend);
        const x = fromGolden(c.inputs.x, dtype, backend).requiresGrad_();
        const xl = layout(x, batchFirst);
        const attnMask = c.inputs.attn_mask === undefined ? undefined : fromGolden(c.inputs.attn_mask, dtype, backend);
        const { output, weights } = mha.forward(xl, xl, xl, { attnMask });
        expect(output.backendName).toBe(backend);
        expectClose(layout(output, batchFirst), c.outputs.attn_output.data, { ...tol, shape: c.outputs.attn_output.shape });
        expectClose(weights!, c.outputs.attn_weights_avg.data, { ...tol, shape: c.outputs.attn_weights_avg.shape });
        const perHead = mha.forward(xl, xl, xl, { attnMask, averageAttnWeights: false }).weights!;
        expectClose(perHead, c.outputs.attn_weights_per_head.data, { ...tol, shape: c.outputs.attn_weights_per_head.shape });
        sum(mul(layout(output, batchFirst), fromGolden(c.loss_weight_G, dtype, backend))).backward();
        expectClose(x.grad!, c.grads.x.data, tol);
        const named = Object.fromEntries(mha.namedParameters());
        for (const key of ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']) expectClose(named[key].grad!, c.grads[key].data, tol);
      });
    }

    it('mha_self_causal: isCausal without a mask gives the same output', () => {
      setFusedEnabled(fused);
      const c = mhaCases.mha_self_causal;
      const x = layout(fromGolden(c.inputs.x, dtype, backend), batchFirst);
      const { output } = buildMha(dtype, batchFirst, backend).forward(x, x, x, { isCausal: true });
      expectClose(layout(output, batchFirst), c.outputs.attn_output.data, tol);
    });

    it('mha_cross_key_padding: output, weights and gradients of query, key, value and parameters', () => {
      setFusedEnabled(fused);
      const c = mhaCases.mha_cross_key_padding;
      const mha = buildMha(dtype, batchFirst, backend);
      const [query, key, value] = ['query', 'key', 'value'].map((n) => fromGolden(c.inputs[n], dtype, backend).requiresGrad_());
      const keyPaddingMask = fromGolden(c.inputs.key_padding_mask, dtype, backend);
      const { output, weights } = mha.forward(layout(query, batchFirst), layout(key, batchFirst), layout(value, batchFirst), { keyPaddingMask });
      expectClose(layout(output, batchFirst), c.outputs.attn_output.data, tol);
      expectClose(weights!, c.outputs.attn_weights_avg.data, tol);
      sum(mul(layout(output, batchFirst), fromGolden(c.loss_weight_G, dtype, backend))).backward();
      expectClose(query.grad!, c.grads.query.data, tol);
      expectClose(key.grad!, c.grads.key.data, tol);
      expectClose(value.grad!, c.grads.value.data, tol);
      const named = Object.fromEntries(mha.namedParameters());
      for (const k of ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']) expectClose(named[k].grad!, c.grads[k].data, tol);
      // The same key tensor passed as key and value (the packed k/v projection) gives the same result.
      const shared = mha.forward(layout(query, batchFirst), layout(key, batchFirst), layout(key, batchFirst), { keyPaddingMask }).output;
      const separate = mha.forward(layout(query, batchFirst), layout(key, batchFirst), layout(fromGolden(c.inputs.key, dtype, backend), batchFirst), {
        keyPaddingMask,
      }).output;
      expectClose(shared, separate, { rtol: 1e-6, atol: 1e-7 });
    });
  });
}

/**
 * `TransformerEncoderLayer` (post-norm, pre-norm, causal) on `backend` against transformer_encoder_layer.json in every
 * {@link parityConfigs} combination: output and the gradients of the input and of every parameter.
 *
 * @example
 * ```ts
 * describe.each(BACKENDS)('%s backend', (backend) => transformerEncoderLayerGoldensSuite(backend));
 * ```
 */
export function transformerEncoderLayerGoldensSuite(backend: string): void {
  const sharedParams = layerCases.post_norm.params as Record<string, GoldenTensor>;
  afterEach(() => {
    setFusedEnabled(true);
  });

  describe.each(parityConfigs(backend))('transformer_encoder_layer.json parity in %s (fused %s, batchFirst %s)', (dtype, fused, batchFirst) => {
    const tol = tolerance(dtype, 1e-11);
    for (const name of ['post_norm', 'pre_norm', 'post_norm_causal']) {
      it(`${name}: output and gradients of src and every parameter`, () => {
        setFusedEnabled(fused);
        const c = layerCases[name];
        const layer = new TransformerEncoderLayer(8, 2, {
          dimFeedforward: 16,
          dropout: 0,
          normFirst: c.config.norm_first as boolean,
          batchFirst,
          dtype,
          backend,
        });
        layer.loadStateDict(Object.fromEntries(Object.entries(sharedParams).map(([k, g]) => [k, fromGolden(g, dtype, backend)])));
        const src = fromGolden(c.inputs.src, dtype, backend).requiresGrad_();
        const srcMask = c.inputs.src_mask === undefined ? undefined : fromGolden(c.inputs.src_mask, dtype, backend);
        const x = batchFirst ? src : transpose(src, 0, 1);
        const yRaw = layer.forward(x, { srcMask });
        const y = batchFirst ? yRaw : transpose(yRaw, 0, 1);
        expect(y.backendName).toBe(backend);
        expectClose(y, c.outputs.y.data, { ...tol, shape: c.outputs.y.shape });
        sum(mul(y, fromGolden(c.loss_weight_G, dtype, backend))).backward();
        expectClose(src.grad!, c.grads.src.data, tol);
        const params = Object.fromEntries(layer.namedParameters());
        expect(Object.keys(params)).toEqual(Object.keys(sharedParams));
        for (const [key, p] of Object.entries(params)) expectClose(p.grad!, c.grads[key].data, tol);
        if (name === 'post_norm_causal') expectClose(layer.forward(x, { isCausal: true }), yRaw, { rtol: 1e-6, atol: 1e-6 });
      });
    }
  });
}

/**
 * The sinusoidal positional-encoding table on `backend` against positional_encoding.json (interleaved sin/cos), in
 * float64 where the backend stores it.
 *
 * @example
 * ```ts
 * describe('positional encodings', () => BACKENDS.forEach(positionalEncodingGoldensSuite));
 * ```
 */
export function positionalEncodingGoldensSuite(backend: string): void {
  const golden = positionalEncodingGoldens.outputs.pe as GoldenTensor;
  it(`sinusoidal table matches positional_encoding.json (interleaved sin/cos) on ${backend}, in float64 where stored`, () => {
    const [dtype, tol] = stores(backend, 'float64') ? (['float64', { rtol: 0, atol: 1e-12 }] as const) : (['float32', { rtol: 0, atol: 1e-7 }] as const);
    const table = sinusoidalPositionalEncoding(16, 8, { dtype, backend });
    expect(table.backendName).toBe(backend);
    expectClose(table, golden.data, { ...tol, shape: [16, 8] });
    expect((sinusoidalPositionalEncoding(4, 8, { backend }).toArray() as number[][])[0]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
  });
}

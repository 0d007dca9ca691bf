// Attention models as ONNX graphs: MultiHeadAttention, TransformerEncoderLayer and the causal TransformerLM.
import type { MultiHeadAttention, TransformerEncoderLayer, TransformerLM } from '@seqlab/attention';
import { floatValues, type GraphBuilder, type OnnxDim } from './graph-builder.js';
import { activation, dimOf, layerNorm, linear, multiHeadAttend, projection, range, swapLeadingAxes } from './lowering.js';

/** The query, key and value projections of `mha` (packed `in_proj_weight` sliced, or the separate weights). */
function attentionProjections(g: GraphBuilder, mha: MultiHeadAttention, prefix: string, inputs: readonly [string, string, string]): string[] {
  const E = mha.embedDim;
  const widths = [E, mha.kdim, mha.vdim];
  const bias = mha.in_proj_bias === null ? null : floatValues(`${prefix}in_proj_bias`, mha.in_proj_bias);
  const packed = mha.in_proj_weight === null ? null : floatValues(`${prefix}in_proj_weight`, mha.in_proj_weight);
  const separate = [mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight];
  return (['q', 'k', 'v'] as const).map((which, i) => {
    const weight = packed !== null ? packed.subarray(i * E * E, (i + 1) * E * E) : floatValues(`${prefix}${which}_proj_weight`, separate[i]!);
    const b = bias === null ? null : bias.subarray(i * E, (i + 1) * E);
    return projection(g, inputs[i], `${prefix}in_proj_${which}`, weight, E, widths[i], b);
  });
}

/** `mha` on batch-first `query`, `key`, `value`, returning the batch-first output after `out_proj`. */
function lowerAttention(g: GraphBuilder, mha: MultiHeadAttention, prefix: string, inputs: readonly [string, string, string], causal: boolean): string {
  const [q, k, v] = attentionProjections(g, mha, prefix, inputs);
  const context = multiHeadAttend(g, q, k, v, { heads: mha.numHeads, headDim: mha.headDim, causal });
  return linear(g, context, `${prefix}out_proj`, mha.out_proj);
}

/** Dimension names of a sequence value in a layer's layout. */
function layout(batchFirst: boolean, length: string, features: number): OnnxDim[] {
  return batchFirst ? ['batch', length, features] : [length, 'batch', features];
}

/**
 * A standalone `MultiHeadAttention`: `query` `[…, target, E]`, `key` and `value` `[…, source, kdim|vdim]` in the
 * layer's layout → `output` (attention weights are not exported). `causal` masks as `isCausal: true` does.
 */
export function lowerMultiHeadAttention(g: GraphBuilder, mha: MultiHeadAttention, causal: boolean): void {
  const bf = mha.batchFirst;
  const names = [
    ['query', 'target', mha.embedDim],
    ['key', 'source', mha.kdim],
    ['value', 'source', mha.vdim],
  ] as const;
  const inputs = names.map(([name, length, width]) => {
    const x = g.input(name, 'float32', layout(bf, length, width));
    return bf ? x : swapLeadingAxes(g, x);
  });
  const out = lowerAttention(g, mha, '', [inputs[0], inputs[1], inputs[2]], causal);
  g.output(bf ? out : swapLeadingAxes(g, out), 'output', 'float32', layout(bf, 'target', mha.embedDim));
}

/** One encoder layer on batch-first `x`, norm-first or post-norm as configured. */
function lowerEncoderBody(g: GraphBuilder, layer: TransformerEncoderLayer, x: string, causal: boolean): string {
  const attend = (h: string): string => lowerAttention(g, layer.self_attn, 'self_attn.', [h, h, h], causal);
  const feedForward = (h: string): string => {
    const hidden = activation(g, linear(g, h, 'linear1', layer.linear1), layer.options.activation);
    return linear(g, hidden, 'linear2', layer.linear2);
  };
  if (layer.options.normFirst) {
    const h = g.op('Add', [x, attend(layerNorm(g, x, 'norm1', layer.norm1))]);
    return g.op('Add', [h, feedForward(layerNorm(g, h, 'norm2', layer.norm2))]);
  }
  const h = layerNorm(g, g.op('Add', [x, attend(x)]), 'norm1', layer.norm1);
  return layerNorm(g, g.op('Add', [h, feedForward(h)]), 'norm2', layer.norm2);
}

/** A `TransformerEncoderLayer`: `src` → `output` in the layer's layout; `causal` masks as `isCausal: true` does. */
export function lowerEncoderLayer(g: GraphBuilder, layer: TransformerEncoderLayer, causal: boolean): void {
  const bf = layer.options.batchFirst;
  const src = g.input('src', 'float32', layout(bf, 'sequence', layer.dModel));
  const out = lowerEncoderBody(g, layer, bf ? src : swapLeadingAxes(g, src), causal);
  g.output(bf ? out : swapLeadingAxes(g, out), 'output', 'float32', layout(bf, 'sequence', layer.dModel));
}

/** Names of a step model's cache inputs and outputs for layer `layer`: `past_key_L` → `present_key_L`, and the values. */
export function transformerStepStates(numLayers: number): { input: string; output: string }[] {
  return Array.from({ length: numLayers }, (_, l) =>
    (['key', 'value'] as const).map((kind) => ({ input: `past_${kind}_${l}`, output: `present_${kind}_${l}` })),
  ).flat();
}

/**
 * A `TransformerLM` (nanoGPT's pre-norm GPT): `ids` int32 `[batch, sequence]` → `logits` `[batch, sequence, vocab]`.
 * Sequences longer than the model's `contextLength` have no learned position and fail in the runtime.
 *
 * With `step`, the graph is a decoding step with a key/value cache: it also takes `past_key_L` and `past_value_L`
 * `[batch, past, dModel]` for every layer L (the projected keys and values of the `past` positions already read,
 * heads side by side, as seqlab's `KeyValueCache` holds them; `past` may be 0), reads `ids` as positions
 * `past … past + sequence − 1`, and outputs `present_key_L` and `present_value_L` `[batch, past + sequence, dModel]`.
 */
export function lowerTransformerLM(g: GraphBuilder, model: TransformerLM, step = false): void {
  const { vocabSize, dModel, numHeads } = model.config;
  const body = model.transformer;
  const ids = g.input('ids', 'int32', ['batch', 'sequence']);
  const states = step ? transformerStepStates(body.h.length) : [];
  const past = states.map((s) => g.input(s.input, 'float32', ['batch', 'past', dModel]));
  const length = dimOf(g, ids, 1);
  // A step model's positions continue after its cached ones.
  const offset = step ? dimOf(g, past[0], 1) : undefined;
  const positionRange = offset === undefined ? range(g, length) : g.op('Range', [offset, g.op('Add', [offset, length]), g.int64s('one', [1], [])]);
  const tokens = g.op('Gather', [g.parameter('transformer.wte.weight', body.wte.weight), ids]);
  const positions = g.op('Gather', [g.parameter('transformer.wpe.weight', body.wpe.weight), positionRange]);
  let x = g.op('Add', [tokens, positions]);
  const presents: string[] = [];
  body.h.forEach((block, i) => {
    const p = `transformer.h.${i}.`;
    const qkv = linear(g, layerNorm(g, x, `${p}ln_1`, block.ln_1), `${p}attn.c_attn`, block.attn.c_attn);
    let [q, k, v] = g.ops('Split', [qkv, g.int64s('split', [dModel, dModel, dModel])], 3, { axis: -1 });
    if (step) {
      [k, v] = [k, v].map((fresh, j) => g.op('Concat', [past[2 * i + j], fresh], { axis: 1 }));
      presents.push(k, v);
    }
    const context = multiHeadAttend(g, q, k, v, { heads: numHeads, headDim: dModel / numHeads, causal: true, queryOffset: offset });
    x = g.op('Add', [x, linear(g, context, `${p}attn.c_proj`, block.attn.c_proj)]);
    const hidden = activation(g, linear(g, layerNorm(g, x, `${p}ln_2`, block.ln_2), `${p}mlp.c_fc`, block.mlp.c_fc), 'gelu');
    x = g.op('Add', [x, linear(g, hidden, `${p}mlp.c_proj`, block.mlp.c_proj)]);
  });
  x = layerNorm(g, x, 'transformer.ln_f', body.ln_f);
  // The head may share the token embedding: one stored matrix, transposed in the graph (folded by the runtime).
  const head = g.op('Transpose', [g.parameter('lm_head.weight', model.lm_head.weight)], { perm: [1, 0] });
  g.output(g.op('MatMul', [x, head]), 'logits', 'float32', ['batch', 'sequence', vocabSize]);
  presents.forEach((value, j) => g.output(value, states[j].output, 'float32', ['batch', 'present', dModel]));
}

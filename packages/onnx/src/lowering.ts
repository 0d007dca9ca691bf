// The building blocks every exported model is lowered from: Linear, LayerNorm, activations and multi-head attention.
import type { LayerNorm } from '@seqlab/autograd';
import type { Tensor } from '@seqlab/tensor-core';
import { float, floatValues, type GraphBuilder } from './graph-builder.js';

/** `[rows, cols]` values transposed to `[cols, rows]`. */
function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/**
 * `x·Wᵀ + b` for `W` `[out, in]` given as values, stored as `name.weight_transposed` and `name.bias` (`name` the
 * module's `state_dict` prefix): the transpose is stored, so the graph holds one MatMul (and one Add) per projection.
 */
export function projection(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  bias: Float32Array | null,
): string {
  const w = g.floats(`${name}.weight_transposed`, transposed(weight, outFeatures, inFeatures), [inFeatures, outFeatures]);
  const y = g.op('MatMul', [x, w]);
  return bias === null ? y : g.op('Add', [y, g.floats(`${name}.bias`, bias, [outFeatures])]);
}

/** A `Linear` module (`prefix.weight` `[out, in]`, `prefix.bias`) applied to the last axis of `x`. */
export function linear(g: GraphBuilder, x: string, prefix: string, layer: { readonly weight: Tensor; readonly bias: Tensor | null }): string {
  const [outFeatures, inFeatures] = layer.weight.shape;
  const bias = layer.bias === null ? null : floatValues(`${prefix}.bias`, layer.bias);
  return projection(g, x, prefix, floatValues(`${prefix}.weight`, layer.weight), outFeatures, inFeatures, bias);
}

/** A `LayerNorm` module as ONNX's `LayerNormalization` (opset 17) over its normalized trailing axes. */
export function layerNorm(g: GraphBuilder, x: string, prefix: string, norm: LayerNorm): string {
  const shape = norm.normalizedShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const scale = norm.weight === null ? g.floats(`${prefix}.ones`, new Float32Array(size).fill(1), shape) : g.parameter(`${prefix}.weight`, norm.weight);
  const inputs = norm.bias === null ? [x, scale] : [x, scale, g.parameter(`${prefix}.bias`, norm.bias)];
  return g.op('LayerNormalization', inputs, { axis: -shape.length, epsilon: float(norm.eps) });
}

/** The exact (erf) GELU, `x·½(1 + erf(x/√2))`, as seqlab's `gelu` computes it (ONNX has no Gelu before opset 20). */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Mul', [x, g.scalar('inv_sqrt2', Math.SQRT1_2)])]);
  const gate = g.op('Mul', [g.op('Add', [erf, g.scalar('one', 1)]), g.scalar('half', 0.5)]);
  return g.op('Mul', [x, gate]);
}

/** `relu` or the erf `gelu`. */
export function activation(g: GraphBuilder, x: string, kind: 'relu' | 'gelu'): string {
  return kind === 'gelu' ? gelu(g, x) : g.op('Relu', [x]);
}

/** Swaps the first two axes of a rank-3 value (`[seq, batch, f]` ⇄ `[batch, seq, f]`). */
export function swapLeadingAxes(g: GraphBuilder, x: string): string {
  return g.op('Transpose', [x], { perm: [1, 0, 2] });
}

/** The size of axis `axis` of `x` as an int64 scalar. */
export function dimOf(g: GraphBuilder, x: string, axis: number): string {
  return g.op('Gather', [g.op('Shape', [x]), g.int64s('axis', [axis], [])]);
}

/** `0, 1, …, n−1` (int64) for an int64 scalar `n`. */
export function range(g: GraphBuilder, n: string): string {
  return g.op('Range', [g.int64s('zero', [0], []), n, g.int64s('one', [1], [])]);
}

/** Sizes of one attention call. */
export interface AttentionShape {
  /** Number of heads. */
  readonly heads: number;
  /** Width of each head. */
  readonly headDim: number;
  /** Mask key `j` from query `i` when `j > i` (self-attention of a causal model). */
  readonly causal: boolean;
  /**
   * An int64 scalar value: how many cached keys precede the first query, so query `i` sits at key position
   * `offset + i` and the causal mask hides keys `j > offset + i` (a step model's past). Default none: offset 0.
   */
  readonly queryOffset?: string;
}

/**
 * Scaled dot-product attention of batch-first projections `q` `[B, L, H·D]`, `k` and `v` `[B, S, H·D]`:
 * `softmax(q·kᵀ/√D (+ causal mask))·v` per head, heads concatenated back to `[B, L, H·D]`.
 */
export function multiHeadAttend(g: GraphBuilder, q: string, k: string, v: string, shape: AttentionShape): string {
  const { heads, headDim, causal, queryOffset } = shape;
  const split = g.int64s('heads_shape', [0, 0, heads, headDim]);
  const perHead = (x: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [x, split])], { perm });
  const qh = perHead(q, [0, 2, 1, 3]);
  const kt = perHead(k, [0, 2, 3, 1]);
  const vh = perHead(v, [0, 2, 1, 3]);
  let scores = g.op('Mul', [g.op('MatMul', [qh, kt]), g.scalar('scale', 1 / Math.sqrt(headDim))]);
  if (causal) {
    const queries = dimOf(g, q, 1);
    const positions =
      queryOffset === undefined ? range(g, queries) : g.op('Range', [queryOffset, g.op('Add', [queryOffset, queries]), g.int64s('one', [1], [])]);
    const rows = g.op('Unsqueeze', [positions, g.int64s('axes', [1])]);
    const cols = g.op('Unsqueeze', [range(g, dimOf(g, k, 1)), g.int64s('axes', [0])]);
    scores = g.op('Where', [g.op('Greater', [cols, rows]), g.scalar('minus_inf', -Infinity), scores]);
  }
  const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), vh]);
  return g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.int64s('merged_shape', [0, 0, heads * headDim])]);
}

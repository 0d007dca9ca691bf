// AdditiveAttention: Bahdanau's score vᵀ·tanh(W_q·q + W_k·k) with masks, for recurrent encoder-decoders.
import {
  checkPositiveInt,
  add,
  formatShape,
  InvalidArgumentError,
  matmul,
  reshape,
  ShapeMismatchError,
  squeeze,
  Tensor,
  tanh,
  unsqueeze,
  type DType,
  type Generator,
} from '@seqlab/tensor-core';
import { Linear, Module } from '@seqlab/autograd';
import { fullyMaskedRows, prepareMask } from './masks.js';
import { maskedSoftmax } from './masked-softmax.js';

/** Options of {@link AdditiveAttention}. */
export interface AdditiveAttentionOptions {
  /** Width of the keys; default `queryDim`. */
  keyDim?: number;
  /** Width of the hidden tanh layer (Bahdanau's alignment model); default `queryDim`. */
  hiddenSize?: number;
  /** Source of the initial values. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/** Options of {@link AdditiveAttention.forward}. */
export interface AdditiveAttentionCallOptions {
  /**
   * Bool mask, `true` = ignore that key: a 2-D mask is key padding `[B, S]`; a 3-D one must broadcast to the
   * scores `[B, L, S]` (L = 1 for a 2-D query). A float mask is added to the scores.
   */
  mask?: Tensor | null;
  /** `keyProj(keys)` from {@link AdditiveAttention.projectKeys}, computed once per source sequence to save work in a decoder loop. */
  projectedKeys?: Tensor;
}

/** What {@link AdditiveAttention.forward} returns. */
export interface AdditiveAttentionResult {
  /** Weighted sum of the values: `[B, Dv]` for a `[B, Dq]` query, `[B, L, Dv]` for `[B, L, Dq]`. */
  readonly context: Tensor;
  /** Attention weights over the keys: `[B, S]` or `[B, L, S]`; each row sums to 1 (0 for a fully masked row). */
  readonly weights: Tensor;
}

/**
 * Additive (Bahdanau) attention: `score(q, kⱼ) = vᵀ·tanh(W_q·q + W_k·kⱼ + b)`, weights = softmax over the keys,
 * context = Σⱼ weightⱼ·valueⱼ. Parameters, as the PyTorch module in the README would name them:
 * `query_proj.weight` `[hiddenSize, queryDim]` (no bias), `key_proj.weight` `[hiddenSize, keyDim]` and
 * `key_proj.bias` `[hiddenSize]`, `v.weight` `[1, hiddenSize]` (no bias).
 *
 * A query may be one vector per batch element (`[B, Dq]`, the decoder state at one step) or a sequence
 * (`[B, L, Dq]`). Rows whose keys are all masked get zero weights and a zero context instead of NaN.
 *
 * @example
 * ```ts
 * const attn = new AdditiveAttention(16, { keyDim: 32, hiddenSize: 24 });
 * const keys = randn([4, 7, 32]);                    // encoder outputs [B, S, Dk]
 * const pad = greaterEqual(arange(7), tensor([[7], [5], [6], [3]]));  // [4, 7], true = padding
 * const projected = attn.projectKeys(keys);          // once per source sentence
 * const { context, weights } = attn.forward(decoderState, keys, keys, { mask: pad, projectedKeys: projected });
 * ```
 */
export class AdditiveAttention extends Module {
  /** Width of the queries. */
  readonly queryDim: number;
  /** Width of the keys. */
  readonly keyDim: number;
  /** Width of the tanh layer. */
  readonly hiddenSize: number;
  /** W_q: `[hiddenSize, queryDim]`, no bias. */
  readonly query_proj: Linear;
  /** W_k and the layer's bias: `[hiddenSize, keyDim]`, `[hiddenSize]`. */
  readonly key_proj: Linear;
  /** vᵀ: `[1, hiddenSize]`, no bias. */
  readonly v: Linear;

  constructor(queryDim: number, options: AdditiveAttentionOptions = {}) {
    super();
    this.queryDim = checkPositiveInt('AdditiveAttention', 'queryDim', queryDim);
    this.keyDim = checkPositiveInt('AdditiveAttention', 'keyDim', options.keyDim ?? queryDim);
    this.hiddenSize = checkPositiveInt('AdditiveAttention', 'hiddenSize', options.hiddenSize ?? queryDim);
    const init = { generator: options.generator, dtype: options.dtype, backend: options.backend };
    this.query_proj = new Linear(this.queryDim, this.hiddenSize, { ...init, bias: false });
    this.key_proj = new Linear(this.keyDim, this.hiddenSize, init);
    this.v = new Linear(this.hiddenSize, 1, { ...init, bias: false });
  }

  /** `W_k·keys + b` for keys `[B, S, keyDim]`: pass it as `projectedKeys` to reuse it across decoder steps. */
  projectKeys(keys: Tensor): Tensor {
    this.checkKeys(keys);
    return this.key_proj.forward(keys);
  }

  private checkKeys(keys: Tensor): void {
    if (!(keys instanceof Tensor)) throw new InvalidArgumentError(`AdditiveAttention: argument 'keys' must be a Tensor; received ${typeof keys}`);
    if (keys.rank !== 3 || keys.shape[2] !== this.keyDim) {
      throw new ShapeMismatchError(
        `AdditiveAttention: argument 'keys' must have shape [batch, keyLength, ${this.keyDim}]; received ${formatShape(keys.shape)}`,
      );
    }
  }

  /**
   * Attends from `query` (`[B, queryDim]` or `[B, L, queryDim]`) over `keys` `[B, S, keyDim]`, averaging `values`
   * `[B, S, Dv]` (default: the keys).
   */
  forward(query: Tensor, keys: Tensor, values: Tensor = keys, options: AdditiveAttentionCallOptions = {}): AdditiveAttentionResult {
    const op = 'AdditiveAttention.forward';
    if (!(query instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument 'query' must be a Tensor; received ${typeof query}`);
    this.checkKeys(keys);
    const [batch, keyLength] = keys.shape;
    if ((query.rank !== 2 && query.rank !== 3) || query.shape[0] !== batch || query.shape[query.rank - 1] !== this.queryDim) {
      throw new ShapeMismatchError(
        `${op}: argument 'query' must have shape [${batch}, ${this.queryDim}] or [${batch}, queryLength, ${this.queryDim}]; received ${formatShape(query.shape)}`,
      );
    }
    if (!(values instanceof Tensor) || values.rank !== 3 || values.shape[0] !== batch || values.shape[1] !== keyLength) {
      throw new ShapeMismatchError(
        `${op}: argument 'values' must have shape [${batch}, ${keyLength}, valueDim]; received ${values instanceof Tensor ? formatShape(values.shape) : typeof values}`,
      );
    }
    const projected = options.projectedKeys ?? this.key_proj.forward(keys);
    if (
      !(projected instanceof Tensor) ||
      projected.rank !== 3 ||
      projected.shape[0] !== batch ||
      projected.shape[1] !== keyLength ||
      projected.shape[2] !== this.hiddenSize
    ) {
      throw new ShapeMismatchError(
        `${op}: option 'projectedKeys' must have shape [${batch}, ${keyLength}, ${this.hiddenSize}]; received ${projected instanceof Tensor ? formatShape(projected.shape) : typeof projected}`,
      );
    }
    const single = query.rank === 2;
    const queryLength = single ? 1 : query.shape[1];
    // [B, L, 1, H] + [B, 1, S, H] → energies [B, L, S, H] → scores [B, L, S].
    const q = reshape(this.query_proj.forward(query), [batch, queryLength, 1, this.hiddenSize]);
    const energy = tanh(add(q, unsqueeze(projected, 1)));
    const scores = reshape(matmul(energy, this.v.weight, { transB: true }), [batch, queryLength, keyLength]);
    let mask = options.mask ?? null;
    // A 2-D mask is always key padding [B, S], whatever the query's rank.
    if (mask instanceof Tensor && mask.rank === 2) mask = unsqueeze(mask, 1);
    const prepared = prepareMask(op, 'mask', mask, [batch, queryLength, keyLength], scores.dtype);
    const weights = maskedSoftmax(scores, prepared, fullyMaskedRows(prepared.masked));
    const context = matmul(weights, values);
    return single ? { context: squeeze(context, 1), weights: squeeze(weights, 1) } : { context, weights };
  }
}

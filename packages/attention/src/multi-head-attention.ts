// MultiHeadAttention with PyTorch's parameter layout (in_proj_weight, in_proj_bias, out_proj), masks and per-head weights.
import {
  checkPositiveInt,
  formatShape,
  InvalidArgumentError,
  mean,
  reshape,
  ShapeMismatchError,
  slice,
  squeeze,
  Tensor,
  unsqueeze,
  zeros,
  type DType,
  type Generator,
} from '@seqlab/tensor-core';
import { init, linear, Linear, Module, parameter, type Parameter } from '@seqlab/autograd';
import { attend } from './attention-core.js';
import type { AttentionSpec } from './attention-spec.js';
import { headView, type HeadColumns } from './head-views.js';
import { combineMasks, keyPaddingToScores, prepareMask, type PreparedMask } from './masks.js';
import { onRows } from './rows.js';
import type { AttentionResult } from './scaled-dot-product-attention.js';

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Dropout probability on the attention weights in training mode. Default 0. */
  dropout?: number;
  /** Learn `in_proj_bias` and `out_proj.bias`. Default true. */
  bias?: boolean;
  /** Width of the keys; default `embedDim`. Another width gives separate `q/k/v_proj_weight` parameters. */
  kdim?: number;
  /** Width of the values; default `embedDim`. */
  vdim?: number;
  /** Inputs and outputs are `[batch, length, embed]` rather than PyTorch's default `[length, batch, embed]`. Default false. */
  batchFirst?: boolean;
  /** Source of the initial values and of the dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Backend of the parameters. Default the active backend. */
  backend?: string;
}

/** Options of {@link MultiHeadAttention.forward}. */
export interface MultiHeadAttentionCallOptions {
  /** `[B, S]`: bool `true` = that key is padding and is ignored, or a float mask added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** `[L, S]` or `[B·numHeads, L, S]` (PyTorch's layout): bool `true` = not allowed to attend, or float added to the scores. */
  attnMask?: Tensor | null;
  /** Also mask keys after each query (`j > i`); combines with `attnMask` (which may then be omitted). Default false. */
  isCausal?: boolean;
  /** Return the attention weights. Default true, as PyTorch. */
  needWeights?: boolean;
  /** Average the weights over heads (`[B, L, S]`) rather than returning them per head (`[B, numHeads, L, S]`). Default true. */
  averageAttnWeights?: boolean;
}

/** `x·Wᵀ + b` with a weight (and bias) that may be a slice of a packed parameter. */
function project(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  return onRows(x, (rows) => linear(rows, weight, bias));
}

/**
 * Multi-head attention, as `torch.nn.MultiheadAttention`: `Q = query·W_qᵀ + b_q`, `K`, `V` likewise, split into
 * `numHeads` heads of `embedDim / numHeads` features (head h uses features `h·D .. (h+1)·D`), scaled dot-product
 * attention per head, heads concatenated and projected by `out_proj`.
 *
 * Parameters use PyTorch's names and layouts: `in_proj_weight` `[3E, E]` (rows W_q; W_k; W_v) and `in_proj_bias`
 * `[3E]`, or `q_proj_weight` `[E, E]`, `k_proj_weight` `[E, kdim]`, `v_proj_weight` `[E, vdim]` when `kdim`/`vdim`
 * differ from E; `out_proj.weight` `[E, E]`, `out_proj.bias` `[E]`. Initialised as PyTorch does (Xavier-uniform
 * projections, zero biases). Self-attention (`query === key === value`) projects q, k, v with one matrix product
 * and the fused kernel reads the heads in place.
 *
 * A query whose keys are all masked gets a zero attention output (before `out_proj`) instead of NaN.
 *
 * @example
 * ```ts
 * const mha = new MultiHeadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 10, 16]);
 * const { output, weights } = mha.forward(x, x, x, { isCausal: true, averageAttnWeights: false });
 * output.shape;   // [2, 10, 16]
 * weights!.shape; // [2, 4, 10, 10]: per-head heatmaps
 * ```
 */
export class MultiHeadAttention extends Module {
  /** Model width E. */
  readonly embedDim: number;
  /** Number of heads. */
  readonly numHeads: number;
  /** Width of each head, `embedDim / numHeads`. */
  readonly headDim: number;
  /** Width of the keys. */
  readonly kdim: number;
  /** Width of the values. */
  readonly vdim: number;
  /** Attention-weight dropout in training mode. */
  readonly dropout: number;
  /** Whether inputs are `[batch, length, embed]`. */
  readonly batchFirst: boolean;
  /** `[3E, E]` when kdim = vdim = E, else null. */
  readonly in_proj_weight: Parameter | null;
  /** `[E, E]` when kdim or vdim differ from E, else null. */
  readonly q_proj_weight: Parameter | null;
  /** `[E, kdim]` when kdim or vdim differ from E, else null. */
  readonly k_proj_weight: Parameter | null;
  /** `[E, vdim]` when kdim or vdim differ from E, else null. */
  readonly v_proj_weight: Parameter | null;
  /** `[3E]`, or null without bias. */
  readonly in_proj_bias: Parameter | null;
  /** The output projection `[E, E]`. */
  readonly out_proj: Linear;
  private readonly generator: Generator | undefined;

  constructor(embedDim: number, numHeads: number, options: MultiHeadAttentionOptions = {}) {
    super();
    this.embedDim = checkPositiveInt('MultiHeadAttention', 'embedDim', embedDim);
    this.numHeads = checkPositiveInt('MultiHeadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new InvalidArgumentError(`MultiHeadAttention: 'embedDim' (${embedDim}) must be divisible by 'numHeads' (${numHeads})`);
    }
    this.headDim = embedDim / numHeads;
    this.kdim = checkPositiveInt('MultiHeadAttention', 'kdim', options.kdim ?? embedDim);
    this.vdim = checkPositiveInt('MultiHeadAttention', 'vdim', options.vdim ?? embedDim);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new InvalidArgumentError(`MultiHeadAttention: option 'dropout' must be in [0, 1]; received ${String(dropout)}`);
    }
    this.dropout = dropout;
    this.batchFirst = options.batchFirst ?? false;
    this.generator = options.generator;
    const initOptions = { generator: options.generator, dtype: options.dtype, backend: options.backend };
    const E = embedDim;
    const packed = this.kdim === E && this.vdim === E;
    this.in_proj_weight = packed ? parameter(init.xavierUniform([3 * E, E], initOptions)) : null;
    this.q_proj_weight = packed ? null : parameter(init.xavierUniform([E, E], initOptions));
    this.k_proj_weight = packed ? null : parameter(init.xavierUniform([E, this.kdim], initOptions));
    this.v_proj_weight = packed ? null : parameter(init.xavierUniform([E, this.vdim], initOptions));
    const bias = options.bias ?? true;
    const zerosOptions = { dtype: options.dtype ?? 'float32', backend: options.backend };
    this.in_proj_bias = bias ? parameter(zeros([3 * E], zerosOptions)) : null;
    this.out_proj = new Linear(E, E, { ...initOptions, bias });
    if (this.out_proj.bias !== null) this.out_proj.bias.assign(zeros([E], zerosOptions));
  }

  /** Rows `[from, from + E)` of the packed weight (or the separate weight `which`). */
  private weightOf(which: 0 | 1 | 2): Tensor {
    if (this.in_proj_weight !== null) return slice(this.in_proj_weight, [which * this.embedDim, 0], [this.embedDim, this.embedDim]);
    return [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][which] as Tensor;
  }

  private biasOf(from: number, count: number): Tensor | null {
    if (this.in_proj_bias === null) return null;
    return slice(this.in_proj_bias, [from * this.embedDim], [count * this.embedDim]);
  }

  /**
   * Attends from `query` over `key`/`value`: `[L, B, E]`, `[S, B, kdim]`, `[S, B, vdim]` (or batch first, or
   * unbatched `[L, E]`, `[S, kdim]`, `[S, vdim]`). Returns the output shaped like `query` and, when `needWeights`,
   * the weights `[B, L, S]` averaged over heads or `[B, numHeads, L, S]` per head (without B when unbatched).
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiHeadAttentionCallOptions = {}): AttentionResult {
    const op = 'MultiHeadAttention.forward';
    const named = [
      ['query', query, this.embedDim],
      ['key', key, this.kdim],
      ['value', value, this.vdim],
    ] as const;
    for (const [name, t, width] of named) {
      if (!(t instanceof Tensor)) throw new InvalidArgumentError(`${op}: argument '${name}' must be a Tensor; received ${typeof t}`);
      if ((t.rank !== 2 && t.rank !== 3) || t.shape[t.rank - 1] !== width) {
        const layout = this.batchFirst ? `[batch, length, ${width}]` : `[length, batch, ${width}]`;
        throw new ShapeMismatchError(`${op}: argument '${name}' must have shape ${layout} (or unbatched [length, ${width}]); received ${formatShape(t.shape)}`);
      }
    }
    if (key.rank !== query.rank || value.rank !== query.rank) {
      throw new ShapeMismatchError(
        `${op}: 'query', 'key' and 'value' must all be batched or all unbatched; received ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`,
      );
    }
    const unbatched = query.rank === 2;
    // Unbatched inputs become a batch of one, laid out as this layer expects.
    const batchAxis = this.batchFirst ? 0 : 1;
    const lift = (t: Tensor): Tensor => (unbatched ? unsqueeze(t, batchAxis) : t);
    const q = lift(query),
      k = key === query ? q : lift(key),
      v = value === key ? k : lift(value);
    const seqAxis = 1 - batchAxis;
    const B = q.shape[batchAxis],
      L = q.shape[seqAxis],
      S = k.shape[seqAxis];
    if (k.shape[batchAxis] !== B || v.shape[batchAxis] !== B) {
      throw new ShapeMismatchError(
        `${op}: 'query', 'key' and 'value' must have the same batch size; received ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`,
      );
    }
    if (v.shape[seqAxis] !== S) {
      throw new ShapeMismatchError(`${op}: 'key' and 'value' must have the same length; received ${formatShape(key.shape)} and ${formatShape(value.shape)}`);
    }
    const E = this.embedDim,
      H = this.numHeads,
      D = this.headDim;
    const dtype = q.dtype;

    let sources: Tensor[];
    let columns: [HeadColumns, HeadColumns, HeadColumns];
    if (query === key && key === value && this.in_proj_weight !== null) {
      sources = [project(q, this.in_proj_weight, this.in_proj_bias)];
      columns = [
        { source: 0, column: 0 },
        { source: 0, column: E },
        { source: 0, column: 2 * E },
      ];
    } else if (key === value && this.in_proj_weight !== null) {
      const kvWeight = slice(this.in_proj_weight, [E, 0], [2 * E, E]);
      sources = [project(q, this.weightOf(0), this.biasOf(0, 1)), project(k, kvWeight, this.biasOf(1, 2))];
      columns = [
        { source: 0, column: 0 },
        { source: 1, column: 0 },
        { source: 1, column: E },
      ];
    } else {
      sources = [
        project(q, this.weightOf(0), this.biasOf(0, 1)),
        project(k, this.weightOf(1), this.biasOf(1, 1)),
        project(v, this.weightOf(2), this.biasOf(2, 1)),
      ];
      columns = [
        { source: 0, column: 0 },
        { source: 1, column: 0 },
        { source: 2, column: 0 },
      ];
    }

    let mask: PreparedMask = keyPaddingToScores(op, options.keyPaddingMask, B, S, dtype);
    const attnMask = options.attnMask ?? null;
    if (attnMask !== null) {
      const shaped =
        attnMask instanceof Tensor && attnMask.rank === 3 && attnMask.shape[0] === B * H
          ? reshape(attnMask, [B, H, attnMask.shape[1], attnMask.shape[2]])
          : attnMask;
      if (shaped instanceof Tensor && shaped.rank !== 2 && shaped.rank !== 4) {
        throw new ShapeMismatchError(
          `${op}: argument 'attnMask' must have shape [${L}, ${S}] or [${B * H}, ${L}, ${S}]; received ${formatShape(shaped.shape)}`,
        );
      }
      mask = combineMasks(mask, prepareMask(op, 'attnMask', shaped, [B, H, L, S], dtype));
    }
    const needWeights = options.needWeights ?? true;
    const bf = this.batchFirst;
    const view = (at: HeadColumns) => headView(sources[at.source], at, D, bf);
    const spec: AttentionSpec = {
      op,
      batch: B,
      heads: H,
      queryLength: L,
      keyLength: S,
      headDim: D,
      valueDim: D,
      sources,
      views: [view(columns[0]), view(columns[1]), view(columns[2])],
      mask,
      causalOffset: options.isCausal === true ? 0 : null,
      scale: 1 / Math.sqrt(D),
      dropout: this.training ? this.dropout : 0,
      generator: this.generator,
      returnWeights: needWeights,
      outputLayout: bf ? 'batchFirst' : 'sequenceFirst',
    };
    const result = attend(spec);
    let output = onRows(result.output, (rows) => this.out_proj.forward(rows));
    let weights = result.weights;
    if (weights !== null && (options.averageAttnWeights ?? true)) weights = mean(weights, 1);
    if (unbatched) {
      output = squeeze(output, batchAxis);
      if (weights !== null) weights = squeeze(weights, 0);
    }
    return { output, weights };
  }
}

// scaledDotProductAttention: softmax(Q·Kᵀ/√d + mask)·V over any leading dimensions, with masks, causality and dropout.
import {
  BackendMismatchError,
  DTypeMismatchError,
  expand,
  formatShape,
  InvalidArgumentError,
  isFloatDType,
  reshape,
  ShapeMismatchError,
  Tensor,
  type Generator,
  type Shape,
} from '@seqlab/tensor-core';
import { attend } from './attention-core.js';
import { contiguousView } from './head-views.js';
import { prepareMask, type PreparedMask } from './masks.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcasting to the scores `[..., L, S]`: a bool mask (`true` = the query may not attend to that key) or a float
   * mask added to the scaled scores (`-Infinity` entries count as masked).
   */
  mask?: Tensor | null;
  /** Mask keys after each query (`j > i`), as PyTorch's `is_causal`; combines with `mask`. Default false. */
  isCausal?: boolean;
  /**
   * With `isCausal`, the position of the first query among the keys: query `i` sees keys `j ≤ i + queryOffset`.
   * Default 0 (PyTorch's top-left alignment); `S − L` when the queries are the last L of S positions (a KV cache).
   */
  queryOffset?: number;
  /** Probability of zeroing each attention weight (rescaling the rest by 1/(1−p)), applied whenever > 0. Default 0. */
  dropout?: number;
  /** Source of the dropout masks. Default `defaultGenerator()`. */
  generator?: Generator;
  /** Also return the attention weights `[..., L, S]` (after dropout). Default false. */
  returnWeights?: boolean;
  /** Factor applied to `Q·Kᵀ`. Default `1/√D`. */
  scale?: number;
  /** False runs composed ops even where the backend has the fused kernel; the default follows tensor-core's `setFusedEnabled`. */
  fused?: boolean;
}

/** Output of the attention functions and layers. */
export interface AttentionResult {
  /** The attended values. */
  readonly output: Tensor;
  /** The attention weights when they were asked for, else null. */
  readonly weights: Tensor | null;
}

const OP = 'scaledDotProductAttention';

function checkInputs(q: unknown, k: unknown, v: unknown): [Tensor, Tensor, Tensor] {
  const named = [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const;
  for (const [name, t] of named) {
    if (!(t instanceof Tensor)) throw new InvalidArgumentError(`${OP}: argument '${name}' must be a Tensor; received ${typeof t}`);
    if (!isFloatDType(t.dtype)) throw new DTypeMismatchError(`${OP}: argument '${name}' must be float32 or float64; received ${t.dtype}`);
    if (t.rank < 2)
      throw new ShapeMismatchError(`${OP}: argument '${name}' must have at least 2 dimensions [..., length, width]; received ${formatShape(t.shape)}`);
  }
  const [qt, kt, vt] = [q, k, v] as [Tensor, Tensor, Tensor];
  for (const [name, t] of [
    ['k', kt],
    ['v', vt],
  ] as const) {
    if (t.dtype !== qt.dtype) throw new DTypeMismatchError(`${OP}: 'q' is ${qt.dtype} but '${name}' is ${t.dtype}`);
    if (t.backend !== qt.backend) {
      throw new BackendMismatchError(`${OP}: 'q' is on backend '${qt.backendName}' but '${name}' is on '${t.backendName}'; move one with .to(name)`);
    }
    if (t.rank !== qt.rank || t.shape.slice(0, -2).some((d, i) => d !== qt.shape[i])) {
      throw new ShapeMismatchError(
        `${OP}: 'q', 'k' and 'v' must share their leading dimensions; 'q' is ${formatShape(qt.shape)} but '${name}' is ${formatShape(t.shape)}`,
      );
    }
  }
  if (kt.shape[kt.rank - 1] !== qt.shape[qt.rank - 1]) {
    throw new ShapeMismatchError(
      `${OP}: 'q' and 'k' must have the same width (last dimension); 'q' is ${formatShape(qt.shape)}, 'k' is ${formatShape(kt.shape)}`,
    );
  }
  if (vt.shape[vt.rank - 2] !== kt.shape[kt.rank - 2]) {
    throw new ShapeMismatchError(
      `${OP}: 'k' and 'v' must have the same length (dimension -2); 'k' is ${formatShape(kt.shape)}, 'v' is ${formatShape(vt.shape)}`,
    );
  }
  return [qt, kt, vt];
}

/** A mask part that broadcasts to `[...lead, L, S]`, as a tensor of rank ≤ 4 broadcasting to `[B, H, L, S]`. */
function foldMaskPart(t: Tensor | null, lead: Shape, L: number, S: number, B: number, H: number): Tensor | null {
  if (t === null || t.rank <= 3) return t;
  return reshape(expand(t, [...lead, L, S]), [B, H, L, S]);
}

/**
 * Scaled dot-product attention, `softmax(Q·Kᵀ·scale + mask)·V`, as `torch.nn.functional.scaled_dot_product_attention`:
 * `q` is `[..., L, D]`, `k` is `[..., S, D]`, `v` is `[..., S, Dv]` with the same leading dimensions (e.g.
 * `[batch, heads]`); the output is `[..., L, Dv]`. Uses the backend's fused kernel when it has one (forward and
 * backward), otherwise composes tensor ops; both give the same numbers within float rounding.
 *
 * Masked keys get a weight of exactly 0. **A query whose keys are all masked gets all-zero weights and a zero
 * output** (PyTorch gives NaN there); its gradients are zero as well, so padding rows cannot poison training.
 *
 * Throws SHAPE_MISMATCH for widths or lengths that do not agree or a mask that does not broadcast, and
 * MEMORY_BUDGET_EXCEEDED when the score tensor would exceed the attention memory budget.
 *
 * @example
 * ```ts
 * const q = randn([2, 4, 10, 16]), k = randn([2, 4, 12, 16]), v = randn([2, 4, 12, 8]);
 * const { output, weights } = scaledDotProductAttention(q, k, v, { isCausal: true, returnWeights: true });
 * output.shape;  // [2, 4, 10, 8]
 * weights!.shape; // [2, 4, 10, 12]
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): AttentionResult {
  const [qt, kt, vt] = checkInputs(q, k, v);
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(`${OP}: argument 'options' must be an object; received ${String(options)}`);
  const rank = qt.rank;
  const lead = qt.shape.slice(0, -2);
  const L = qt.shape[rank - 2],
    D = qt.shape[rank - 1],
    S = kt.shape[rank - 2],
    Dv = vt.shape[rank - 1];
  const H = lead.length === 0 ? 1 : lead[lead.length - 1];
  let B = 1;
  for (let i = 0; i < lead.length - 1; i++) B *= lead[i];
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1))
    throw new InvalidArgumentError(`${OP}: option 'dropout' must be in [0, 1]; received ${String(dropout)}`);
  const scale = options.scale ?? 1 / Math.sqrt(D);
  if (typeof scale !== 'number' || !Number.isFinite(scale))
    throw new InvalidArgumentError(`${OP}: option 'scale' must be a finite number; received ${String(scale)}`);
  const isCausal = options.isCausal ?? false;
  if (typeof isCausal !== 'boolean') throw new InvalidArgumentError(`${OP}: option 'isCausal' must be a boolean; received ${String(isCausal)}`);
  const queryOffset = options.queryOffset ?? 0;
  if (!Number.isInteger(queryOffset)) throw new InvalidArgumentError(`${OP}: option 'queryOffset' must be an integer; received ${String(queryOffset)}`);
  const prepared = prepareMask(OP, 'mask', options.mask, [...lead, L, S], qt.dtype);
  const mask: PreparedMask = {
    masked: foldMaskPart(prepared.masked, lead, L, S, B, H),
    bias: foldMaskPart(prepared.bias, lead, L, S, B, H),
  };
  const result = attend({
    op: OP,
    batch: B,
    heads: H,
    queryLength: L,
    keyLength: S,
    headDim: D,
    valueDim: Dv,
    sources: [qt, kt, vt],
    views: [contiguousView(0, H, L, D), contiguousView(1, H, S, D), contiguousView(2, H, S, Dv)],
    mask,
    causalOffset: isCausal ? queryOffset : null,
    scale,
    dropout,
    generator: options.generator,
    returnWeights: options.returnWeights ?? false,
    outputLayout: 'heads',
    fused: options.fused,
  });
  // [B, H, ...] already is the caller's shape when there are exactly two leading dimensions.
  const unfold = (t: Tensor, shape: number[]): Tensor => (lead.length === 2 ? t : reshape(t, shape));
  return {
    output: unfold(result.output, [...lead, L, Dv]),
    weights: result.weights === null ? null : unfold(result.weights, [...lead, L, S]),
  };
}

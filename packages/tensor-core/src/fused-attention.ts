// Contract of the fused scaled dot-product attention kernels a backend may offer in `Backend.fused` (types only).
import type { DataHandle } from './backend.js';

/**
 * A `[B, H, rows, cols]` operand read in place from a storage: element `(b, h, r, c)` is at
 * `offset + b·batchStride + h·headStride + r·rowStride + c` (the last dimension is contiguous). Strides let the
 * kernel read the heads of a packed projection such as `[B, L, 3·E]` without first copying them apart.
 */
export interface AttentionOperand {
  /** Storage holding the values. */
  readonly handle: DataHandle;
  /** Element offset of `(0, 0, 0, 0)`. */
  readonly offset: number;
  /** Elements between consecutive batch entries. */
  readonly batchStride: number;
  /** Elements between consecutive heads. */
  readonly headStride: number;
  /** Elements between consecutive rows (queries or keys). */
  readonly rowStride: number;
}

/**
 * A `[B, H, L, S]` mask or bias read with broadcasting: element `(b, h, i, j)` is at
 * `b·batchStride + h·headStride + i·rowStride + j·colStride`; a stride of 0 repeats the values along that axis.
 */
export interface AttentionMaskOperand {
  /** Storage holding the values (bool as 0/1 bytes for masks, the problem's float dtype for biases). */
  readonly handle: DataHandle;
  /** Elements between consecutive batch entries (0 to broadcast). */
  readonly batchStride: number;
  /** Elements between consecutive heads (0 to broadcast). */
  readonly headStride: number;
  /** Elements between consecutive query rows (0 to broadcast). */
  readonly rowStride: number;
  /** Elements between consecutive keys (0 to broadcast). */
  readonly colStride: number;
}

/** The sizes of an attention problem: `Q` is `[B, H, L, D]`, `K` is `[B, H, S, D]`, `V` is `[B, H, S, Dv]`. */
export interface AttentionDims {
  /** Batch entries `B`. */
  readonly batch: number;
  /** Heads `H`. */
  readonly heads: number;
  /** Queries per head `L`. */
  readonly queryLength: number;
  /** Keys per head `S`. */
  readonly keyLength: number;
  /** Width of queries and keys `D`. */
  readonly headDim: number;
  /** Width of values `Dv`. */
  readonly valueDim: number;
}

/**
 * One attention problem, `softmax(scale·Q·Kᵀ + bias, masked → weight 0)·V`, over `B` batch entries and `H`
 * heads, with the sizes of {@link AttentionDims}. All float operands share `dtype`; the caller has validated
 * every shape and stride.
 */
export interface FusedAttentionProblem extends AttentionDims {
  /** Element type of q, k, v, bias, dropout and every result. */
  readonly dtype: 'float32' | 'float64';
  /** Queries. */
  readonly q: AttentionOperand;
  /** Keys. */
  readonly k: AttentionOperand;
  /** Values. */
  readonly v: AttentionOperand;
  /** Factor applied to `Q·Kᵀ`, usually `1/√D`. */
  readonly scale: number;
  /**
   * When not null, query `i` may only see keys `j ≤ i + causalOffset` (0: PyTorch's `is_causal`, aligned at the
   * top left; `S − L`: the last L positions of a sequence whose first S − L keys are cached).
   */
  readonly causalOffset: number | null;
  /** Bool positions whose weight is exactly 0 (`true` = masked), or null. */
  readonly mask: AttentionMaskOperand | null;
  /** Finite values added to the scaled scores before softmax, or null. */
  readonly bias: AttentionMaskOperand | null;
  /**
   * Dropout multipliers `[B, H, L, S]`, contiguous (0 for a dropped weight, `1/(1−p)` for a kept one), applied
   * to the softmax probabilities before they weight V; null without dropout.
   */
  readonly dropout: DataHandle | null;
  /**
   * Layout of the output `[B, H, L, Dv]` in a new contiguous storage of `B·H·L·Dv` elements, as strides
   * (batch, head, row) with the last dimension contiguous: `[H·L·Dv, L·Dv, Dv]` is `[B, H, L, Dv]`, and
   * `[L·H·Dv, Dv, H·Dv]` is `[B, L, H·Dv]`, heads side by side as a multi-head layer wants them.
   */
  readonly outStrides: readonly [number, number, number];
  /** The output's shape (`B·H·L·Dv` elements in the order `outStrides` lays out), e.g. `[B, L, H·Dv]`. */
  readonly outShape: readonly number[];
}

/** Result of {@link FusedAttentionKernel}: handles of new storages of the problem's dtype. */
export interface FusedAttentionResult<H = DataHandle> {
  /** The attention output, laid out as `outStrides` says. */
  readonly out: H;
  /**
   * The softmax probabilities `[B, H, L, S]` before dropout (0 at masked keys; a row whose keys are all masked
   * is all 0), or null when the caller did not ask for them.
   */
  readonly probs: H | null;
}

/**
 * Forward attention in one pass per (batch, head) and query row: scores, mask and bias, a numerically stable
 * softmax, dropout and the weighted sum of V, without materialising anything but the requested results.
 * Rows whose keys are all masked give zero probabilities and a zero output (never NaN).
 *
 * @param saveProbs - also return the probabilities (needed for the backward pass and for returned weights)
 */
export type FusedAttentionKernel = (problem: FusedAttentionProblem, saveProbs: boolean) => FusedAttentionResult;

/** Inputs of {@link FusedAttentionBackwardKernel} besides the problem. */
export interface FusedAttentionBackwardArgs {
  /** The `probs` returned by the forward call, `[B, H, L, S]` contiguous. */
  readonly probs: DataHandle;
  /** Gradient of the loss with respect to the output, laid out as the problem's `outStrides`. */
  readonly gradOut: DataHandle;
  /**
   * Gradient with respect to the attention weights after dropout (`probs × dropout`), `[B, H, L, S]`
   * contiguous, or null when the weights were not used.
   */
  readonly gradWeights: DataHandle | null;
  /**
   * Where the gradients of q, k and v go: `slots[0]`, `slots[1]`, `slots[2]` index `slotShapes`. Each slot is a new
   * zero-filled storage of `slotShapes[slot]` into which the gradient of an operand is added at the same
   * offsets and strides the operand was read with, so operands read from one packed storage can share a slot.
   */
  readonly slots: readonly [number, number, number];
  /** Shape of each gradient storage (the shape of the tensor the operands of that slot are read from). */
  readonly slotShapes: readonly (readonly number[])[];
}

/**
 * Backward of {@link FusedAttentionKernel} from the saved probabilities: per (batch, head) and query row,
 * `dV += Pᵈᵀ·dO`, `dP = (dO·Vᵀ + dW) × dropout`, `dS = P × (dP − rowsum(P × dP))`, `dQ = scale·dS·K`,
 * `dK = scale·dSᵀ·Q`. Returns one storage per slot, in slot order.
 */
export type FusedAttentionBackwardKernel = (problem: FusedAttentionProblem, args: FusedAttentionBackwardArgs) => DataHandle[];

/** The fused attention kernels, as a backend lists them in `Backend.fused`. */
export interface FusedAttentionKernels {
  /** Forward pass; see {@link FusedAttentionKernel}. */
  attention: FusedAttentionKernel;
  /** Backward pass; see {@link FusedAttentionBackwardKernel}. */
  attentionBackward: FusedAttentionBackwardKernel;
}

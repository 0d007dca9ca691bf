// The description of one attention call that the fused and the composed paths both run.
import type { AttentionDims, Generator, Tensor } from '@seqlab/tensor-core';
import type { PreparedMask } from './masks.js';

/**
 * How q, k or v is read: `[B, H, rows, cols]` at `offset` with the given strides inside `sources[source]` (the last
 * dimension contiguous). The fused kernel reads it in place; the composed path builds it with ops (`viewAsTensor`).
 */
export interface HeadView {
  readonly source: number;
  readonly offset: number;
  readonly batchStride: number;
  readonly headStride: number;
  readonly rowStride: number;
}

/**
 * Where the output goes: `heads` is `[B, H, L, Dv]`; `batchFirst` is `[B, L, H·Dv]` and `sequenceFirst` is
 * `[L, B, H·Dv]`, both with the heads side by side as a multi-head layer concatenates them.
 */
export type OutputLayout = 'heads' | 'batchFirst' | 'sequenceFirst';

/** One attention call, described so that either path can run it. */
export interface AttentionSpec extends AttentionDims {
  /** Op name for errors. */
  readonly op: string;
  /** The tensors q, k and v are read from (the differentiable inputs). */
  readonly sources: readonly Tensor[];
  /** q, k and v as views of `sources`: `[B, H, L, D]`, `[B, H, S, D]` and `[B, H, S, Dv]`, for both paths. */
  readonly views: readonly [HeadView, HeadView, HeadView];
  /** Masks broadcasting to `[B, H, L, S]` (rank ≤ 4). */
  readonly mask: PreparedMask;
  /** Causal limit `j ≤ i + causalOffset`, or null. */
  readonly causalOffset: number | null;
  readonly scale: number;
  /** Dropout probability on the weights (0 for none). */
  readonly dropout: number;
  readonly generator?: Generator;
  /** Also return the weights `[B, H, L, S]` (after dropout, as PyTorch returns them). */
  readonly returnWeights: boolean;
  readonly outputLayout: OutputLayout;
  /** False to run the composed ops even where the backend has the fused kernel (and `setFusedEnabled` is on). */
  readonly fused?: boolean;
}

/** Result of {@link attend}. */
export interface AttentionOutput {
  readonly output: Tensor;
  readonly weights: Tensor | null;
}

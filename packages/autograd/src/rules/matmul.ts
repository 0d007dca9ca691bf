// Gradient rule of matmul, with transpose flags, NumPy 1-D promotion and broadcast batch dimensions.
import { matmul, reshape, type Tensor } from '@seqlab/tensor-core';
import type { GradRules } from './grad-rule.js';
import { sumToShape } from './sum-to-shape.js';

/** A 1-D operand as the matrix the forward treated it as: a row for the left operand, a column for the right. */
function asMatrix(t: Tensor, side: 'left' | 'right'): Tensor {
  if (t.rank !== 1) return t;
  return reshape(t, side === 'left' ? [1, t.size] : [t.size, 1]);
}

/** Rule for `matmul`. */
export const matmulRules: GradRules<'matmul'> = {
  matmul: (g, { inputs: [a, b], attrs, needsGrad }) => {
    const transA = attrs.transA && a.rank > 1;
    const transB = attrs.transB && b.rank > 1;
    const a2 = asMatrix(a, 'left');
    const b2 = asMatrix(b, 'right');
    // Restore the dimensions that 1-D promotion removed from the output, so g is [...batch, m, n].
    const rows = transA ? a2.shape[a2.rank - 1] : a2.shape[a2.rank - 2];
    const cols = transB ? b2.shape[b2.rank - 2] : b2.shape[b2.rank - 1];
    const batchRank = g.rank - (a.rank === 1 ? 0 : 1) - (b.rank === 1 ? 0 : 1);
    const g2 = a.rank === 1 || b.rank === 1 ? reshape(g, [...g.shape.slice(0, batchRank), rows, cols]) : g;
    // With A_e = op(A), B_e = op(B): dA_e = g·B_eᵀ and dB_e = A_eᵀ·g, transposed back when the operand was.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needsGrad[0]) {
      const full = transA ? matmul(b2, g2, { transA: transB, transB: true }) : matmul(g2, b2, { transB: !transB });
      da = sumToShape(full, a2.shape);
      if (a.rank === 1) da = reshape(da, [...a.shape]);
    }
    if (needsGrad[1] && b2.rank === 2 && a2.rank >= 3 && !transA) {
      // A shared 2-D B against a batched A: every batch row meets the same B, so dB is one 2-D product over the
      // flattened rows instead of a batched product summed over the batch (same sums, one pass, no [..., K, N]).
      const k = a2.shape[a2.rank - 1];
      const n = g2.shape[g2.rank - 1];
      const aRows = reshape(a2, [-1, k]);
      const gRows = reshape(g2, [-1, n]);
      db = transB ? matmul(gRows, aRows, { transA: true }) : matmul(aRows, gRows, { transA: true });
      if (b.rank === 1) db = reshape(db, [...b.shape]);
    } else if (needsGrad[1]) {
      const full = transB ? matmul(g2, a2, { transA: true, transB: transA }) : matmul(a2, g2, { transA: !transA });
      db = sumToShape(full, b2.shape);
      if (b.rank === 1) db = reshape(db, [...b.shape]);
    }
    return [da, db];
  },
};

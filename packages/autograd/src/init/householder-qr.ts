// Householder QR of a tall matrix, returning the thin Q with R's diagonal made positive (for orthogonal init).

/**
 * Thin Q (m×n, row-major) of the m×n row-major matrix `a` (m ≥ n), with the column signs chosen so that R has a
 * non-negative diagonal: the unique QR, as `torch.linalg.qr` followed by PyTorch's sign fix in `orthogonal_`.
 * Works on a column-major copy so that every reflection streams through contiguous columns.
 */
export function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  // Column-major working copy: column j is cols[j*m .. j*m+m).
  const cols = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cols[j * m + i] = a[i * n + j];
  const vs = new Float64Array(m * n); // Householder vectors, column-major, v_k lives in rows k..m-1
  const rDiagSign = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += cols[ck + i] * cols[ck + i];
    norm = Math.sqrt(norm);
    const alpha = cols[ck + k] >= 0 ? -norm : norm; // R_kk = alpha; this sign avoids cancellation
    rDiagSign[k] = alpha < 0 ? -1 : 1;
    // v = x - alpha·e1, normalised so that H = I - 2vvᵀ.
    let vnorm = 0;
    for (let i = k; i < m; i++) {
      const v = cols[ck + i] - (i === k ? alpha : 0);
      vs[ck + i] = v;
      vnorm += v * v;
    }
    vnorm = Math.sqrt(vnorm);
    if (vnorm === 0) continue; // the column is already reduced
    for (let i = k; i < m; i++) vs[ck + i] /= vnorm;
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += vs[ck + i] * cols[cj + i];
      dot *= 2;
      for (let i = k; i < m; i++) cols[cj + i] -= dot * vs[ck + i];
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, in reverse order.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const ck = k * m;
    // Columns j < k are still e_j, which has no entries in rows ≥ k, so H_k leaves them alone.
    for (let j = k; j < n; j++) {
      const cj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += vs[ck + i] * q[cj + i];
      if (dot === 0) continue;
      dot *= 2;
      for (let i = k; i < m; i++) q[cj + i] -= dot * vs[ck + i];
    }
  }
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const s = rDiagSign[j];
    for (let i = 0; i < m; i++) out[i * n + j] = s * q[j * m + i];
  }
  return out;
}

// Broadcast iteration for the CPU backend: visits the output row by row with per-input offsets and strides.
import type { Shape } from '../shape.js';

/** Visits one output row: `n` elements; input k starts at `offsets[k]` and steps by `steps[k]`; output starts at `outOffset`. */
export type RowVisitor = (offsets: Int32Array, steps: Int32Array, outOffset: number, n: number) => void;

/**
 * Element strides of `shape` aligned right to `outShape`'s rank, 0 where the input broadcasts.
 *
 * @example
 * ```ts
 * console.assert(JSON.stringify(Array.from(broadcastStrides([3, 1], [2, 3, 4]))) === '[0,1,0]'); // 0 where [3, 1] broadcasts
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = i + rank - shape.length;
    strides[oi] = shape[i] === 1 && outShape[oi] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Calls `visit` once per output row of `outShape` (its last dimension), giving every input's offset and step.
 * Allocation happens once per call, never per row.
 *
 * @example
 * ```ts
 * let rows = 0;
 * forEachRow([[2, 3], [3]], [2, 3], (offsets, steps, outOffset, n) => {
 *   rows++;
 *   console.assert(n === 3 && offsets[1] === 0 && steps[1] === 1);
 * });
 * console.assert(rows === 2);
 * ```
 */
export function forEachRow(inputs: readonly Shape[], outShape: Shape, visit: RowVisitor): void {
  const k = inputs.length;
  const offsets = new Int32Array(k);
  const steps = new Int32Array(k);
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  // Fast path: every input is either the full output or a single element.
  let simple = true;
  for (let j = 0; j < k; j++) {
    let size = 1;
    for (const d of inputs[j]) size *= d;
    if (size === total) steps[j] = 1;
    else if (size === 1) steps[j] = 0;
    else simple = false;
  }
  if (simple) {
    // Only valid when full-size inputs have the output's shape (same size, broadcast-compatible ⇒ same shape).
    visit(offsets, steps, 0, total);
    return;
  }
  const rank = outShape.length;
  const strides = inputs.map((s) => broadcastStrides(s, outShape));
  const n = outShape[rank - 1];
  for (let j = 0; j < k; j++) steps[j] = strides[j][rank - 1];
  const counter = new Int32Array(rank);
  const rows = total / n;
  for (let r = 0; r < rows; r++) {
    visit(offsets, steps, r * n, n);
    // Advance the multi-index over all dims but the last, updating input offsets incrementally.
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      for (let j = 0; j < k; j++) offsets[j] += strides[j][d];
      if (counter[d] < outShape[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= strides[j][d] * outShape[d];
      counter[d] = 0;
    }
  }
}
